// Unicode helpers shared by the text tools. AssemblyScript strings are UTF-16, like JavaScript's.

/** Unicode White_Space (the characters JavaScript's \s matches, minus U+FEFF). */
export function isSpace(c: i32): bool {
  if (c <= 0x20) return c == 0x20 || (c >= 0x09 && c <= 0x0d);
  if (c < 0x85) return false;
  return c == 0x85 || c == 0xa0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200a)
    || c == 0x2028 || c == 0x2029 || c == 0x202f || c == 0x205f || c == 0x3000;
}

/** The code point at i (a surrogate pair counts as one); see codePointWidth for how far to step. */
export function codePointAt(s: string, i: i32): i32 {
  const c = s.charCodeAt(i);
  if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
    const d = s.charCodeAt(i + 1);
    if (d >= 0xdc00 && d <= 0xdfff) return ((c - 0xd800) << 10) + (d - 0xdc00) + 0x10000;
  }
  return c;
}

/** UTF-16 units the code point takes. */
export function codePointWidth(cp: i32): i32 {
  return cp >= 0x10000 ? 2 : 1;
}

/** Number of code points (a lone surrogate counts as one). */
export function countCodePoints(s: string): i32 {
  let n = 0;
  for (let i = 0; i < s.length; i += codePointWidth(codePointAt(s, i))) n++;
  return n;
}
