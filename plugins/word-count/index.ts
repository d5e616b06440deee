// word-count: words, lines and characters of a text.
import { JsonObjectWriter } from "../lib/json";
import { isSpace, codePointAt, codePointWidth } from "../lib/text";
import { fail, readInput, succeed } from "../lib/tool";

/**
 * words: runs of non-whitespace (Unicode White_Space separates).
 * lines: 0 for "", else 1 + the line breaks (\n, \r\n, \r) that are not at the very end,
 *        so "a\nb" and "a\nb\n" both have 2 lines (as an editor shows them).
 * chars: Unicode code points ("é" and "😀" are one each).
 */
export function count(): i32 {
  const input = readInput();
  const text = input.string("text");
  if (!input.ok) return fail(input.error);

  let words = 0;
  let breaks = 0;
  let chars = 0;
  let inWord = false;
  let prev = 0;
  for (let i = 0; i < text.length; ) {
    const cp = codePointAt(text, i);
    i += codePointWidth(cp);
    chars++;
    if (cp == 0x0d || (cp == 0x0a && prev != 0x0d)) breaks++; // \r\n is one break
    const space = isSpace(cp);
    if (!space && !inWord) words++;
    inWord = !space;
    prev = cp;
  }
  const endsWithBreak = prev == 0x0a || prev == 0x0d;
  const lines = text.length == 0 ? 0 : breaks + 1 - (endsWithBreak ? 1 : 0);

  return succeed(new JsonObjectWriter().int("words", words).int("lines", lines).int("chars", chars).toString());
}
