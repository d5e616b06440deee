// slugify: a JS tool (kind = "js"). A plain script, not a module: Caxton calls the global
// function named by the manifest's entry with the input object and sends back what it
// returns. No imports, no require, no host APIs: only JavaScript's built-ins exist here.
/* exported slugify */
"use strict";

// Letters that Unicode decomposition (NFKD) does not turn into ASCII.
const SPELLED_OUT = {
  ß: "ss",
  æ: "ae",
  Æ: "AE",
  œ: "oe",
  Œ: "OE",
  ø: "o",
  Ø: "O",
  đ: "d",
  Đ: "D",
  ð: "d",
  Ð: "D",
  þ: "th",
  Þ: "TH",
  ł: "l",
  Ł: "L",
  ı: "i",
  "&": " and ",
};
const SPELLED_OUT_PATTERN = new RegExp(`[${Object.keys(SPELLED_OUT).join("")}]`, "g");

/**
 * { text, separator = "-", maxLength? } -> { slug }. Letters lose their accents, everything
 * that is not an ASCII letter or digit separates words, and the words are joined
 * lower-cased. Text in scripts without an ASCII form (Cyrillic, CJK, ...) gives "".
 * maxLength cuts at the last separator that fits, or mid-word when the first word is longer.
 */
function slugify(input) {
  if (typeof input.text !== "string") throw new TypeError("text must be a string");
  const separator = input.separator ?? "-";
  if (!["-", "_", "."].includes(separator)) throw new TypeError('separator must be "-", "_" or "."');

  const ascii = input.text
    .replace(SPELLED_OUT_PATTERN, (c) => SPELLED_OUT[c])
    .normalize("NFKD")
    .replace(/\p{M}/gu, ""); // the accents NFKD split off
  let slug = ascii
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean)
    .join(separator);

  const maxLength = input.maxLength;
  if (maxLength !== undefined && slug.length > maxLength) {
    const lastBreak = slug.slice(0, maxLength + 1).lastIndexOf(separator);
    slug = lastBreak > 0 ? slug.slice(0, lastBreak) : slug.slice(0, maxLength);
  }
  return { slug };
}
