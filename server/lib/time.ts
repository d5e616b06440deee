/**
 * `2026-12-01 10:15:00 UTC`: a moment printed for people reading a terminal or a log, which
 * may be another machine's, another zone's or another day's than the server's; so the date
 * and the zone are always written out.
 */
export function utcText(moment: Date | string | number): string {
  const iso = new Date(moment).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`;
}
