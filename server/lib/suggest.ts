/** Edit distance (Levenshtein) between two short strings. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
    }
    previous = current;
  }
  return previous[b.length]!;
}

/**
 * The known words closest to `input`, best first: the "did you mean" of every error that
 * names something we did not recognise (config keys, CLI commands, later agent fields).
 */
export function suggest(input: string, known: readonly string[], max = 3): string[] {
  const limit = Math.max(2, Math.floor(input.length / 3));
  return known
    .map((word) => ({ word, distance: editDistance(input.toLowerCase(), word.toLowerCase()) }))
    .filter(({ word, distance }) => distance <= limit || word.startsWith(input))
    .sort((x, y) => x.distance - y.distance || x.word.localeCompare(y.word))
    .slice(0, max)
    .map(({ word }) => word);
}
