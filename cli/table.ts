import stringWidth from "string-width";

/** The widest a cell may be (terminal columns), and the last one, which nothing is aligned after. */
export const MAX_CELL_WIDTH = 60;
export const MAX_LAST_CELL_WIDTH = 200;

// C0 and C1 controls, DEL, line and paragraph separators, and bidirectional overrides: each
// would break a row, move the cursor or reorder what follows it on the line.
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const ESCAPES: Record<string, string> = { "\n": "\\n", "\r": "\\r", "\t": "\\t" };

/** A value as one printable line: `\n`, `\t` and other controls written as escapes. */
export const printable = (value: string) =>
  value.replace(UNPRINTABLE, (c) => ESCAPES[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);

/** At most `max` terminal columns (wide characters count two), ending in … when cut. */
export function clip(text: string, max: number): string {
  if (stringWidth(text) <= max) return text;
  let kept = "";
  let width = 0;
  for (const { segment } of new Intl.Segmenter().segment(text)) {
    const next = stringWidth(segment);
    if (width + next > max - 1) break;
    kept += segment;
    width += next;
  }
  return `${kept}…`;
}

/**
 * A plain text table: a header row, then one row per item, columns padded to fit. Every cell
 * is one printable line of bounded width, whatever the data holds, so rows never break.
 */
export function table(headers: string[], rows: string[][]): string {
  const last = headers.length - 1;
  const cells = [headers.map((h) => h.toUpperCase()), ...rows].map((row) =>
    row.map((cell, i) => clip(printable(cell ?? ""), i >= last ? MAX_LAST_CELL_WIDTH : MAX_CELL_WIDTH)),
  );
  const widths = headers.map((_, i) => Math.max(...cells.map((row) => stringWidth(row[i] ?? ""))));
  const line = (row: string[]) =>
    row
      .map((cell, i) => (i === row.length - 1 ? cell : cell + " ".repeat(Math.max(0, widths[i]! - stringWidth(cell)))))
      .join("  ")
      .trimEnd();
  return cells.map(line).join("\n");
}

/** `2026-11-24 09:16Z` from an ISO timestamp; a dash for none. */
export const shortDate = (iso: string | null | undefined) => (iso ? `${iso.slice(0, 10)} ${iso.slice(11, 16)}Z` : "-");
