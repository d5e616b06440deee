import { problem, type Problem } from "./problems";
import { positionOf } from "./source-map";

/** Size and encoding checks that run before a document is parsed. */

/** Length of a string in UTF-8 bytes, without encoding it; exact only above `limit`. */
export function utf8Length(text: string, limit: number): number {
  if (text.length * 3 <= limit) return text.length; // cannot be too large: skip counting
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

export function firstLoneSurrogate(text: string): number {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
      else return i;
    } else if (code >= 0xdc00 && code <= 0xdfff) return i;
  }
  return -1;
}

export function decodeUtf8(bytes: Uint8Array): string | Problem {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    // Find the longest prefix with no invalid sequence, to point at the byte after it. In
    // streaming mode an unfinished character at the end of a prefix is not an error, which
    // makes "this prefix is fine" monotone, so a binary search finds the first bad byte.
    const decodePrefix = (length: number) => new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(0, length), { stream: true });
    let good = 0;
    let bad = bytes.length;
    while (good < bad) {
      const mid = (good + bad + 1) >> 1;
      try {
        decodePrefix(mid);
        good = mid;
      } catch {
        bad = mid - 1;
      }
    }
    // The complete characters before the bad byte; an unfinished one is held back.
    const before = decodePrefix(good);
    const reason = good === bytes.length ? "it ends in the middle of a character" : `byte ${good + 1} cannot start or continue a character`;
    return problem("invalid_encoding", "", `The document is not valid UTF-8 (${reason}).`, positionOf(before, before.length), [
      "Save the file as UTF-8.",
    ]);
  }
}
