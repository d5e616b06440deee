// text-stats: sentence, word and vocabulary statistics of a text.
import { JsonObjectWriter, quote } from "../lib/json";
import { codePointAt, codePointWidth, isSpace } from "../lib/text";
import { fail, readInput, succeed } from "../lib/tool";

const TOP_WORDS: i32 = 5;

class WordCount {
  constructor(public word: string, public count: i32, public first: i32) {}
}

/**
 * A letter or digit, approximately: ASCII letters and digits, and any other code point
 * outside the whitespace, punctuation and symbol blocks (so letters of every script and
 * their combining marks count; CJK text without spaces reads as one long word).
 */
function isWordChar(cp: i32): bool {
  if (cp < 0x80) return (cp >= 0x30 && cp <= 0x39) || ((cp | 0x20) >= 0x61 && (cp | 0x20) <= 0x7a);
  if (cp < 0xc0 || cp == 0xd7 || cp == 0xf7 || isSpace(cp)) return false;
  if (cp >= 0x2000 && cp <= 0x206f) return false; // general punctuation
  if (cp >= 0x2190 && cp <= 0x2bff) return false; // arrows, math operators, shapes, dingbats
  if (cp >= 0x3000 && cp <= 0x303f) return false; // CJK punctuation
  if (cp >= 0xfe30 && cp <= 0xfe4f) return false; // CJK compatibility forms
  if (cp >= 0xff00 && cp <= 0xff0f || cp >= 0xff1a && cp <= 0xff20 || cp >= 0xff3b && cp <= 0xff40 || cp >= 0xff5b && cp <= 0xff65) return false;
  if (cp >= 0x1f000 && cp <= 0x1faff) return false; // emoji and pictographs
  return true;
}

function isSentenceEnd(cp: i32): bool {
  return cp == 0x2e || cp == 0x21 || cp == 0x3f || cp == 0x2026 || cp == 0x3002 || cp == 0xff01 || cp == 0xff0e
    || cp == 0xff1f || cp == 0x203c || (cp >= 0x2047 && cp <= 0x2049);
}

function isApostrophe(cp: i32): bool { return cp == 0x27 || cp == 0x2019; }

function round2(x: f64): f64 { return Math.round(x * 100) / 100; }

/**
 * Input { text }. Output { characters, words, uniqueWords, sentences, averageWordLength,
 * averageWordsPerSentence, topWords: [{ word, count }] }.
 * Words are runs of letters and digits ("don't" and "3.14" are one word, "well-known" two), compared
 * lower-cased; lengths are in code points. A sentence ends at . ! ? … (and their CJK forms)
 * after at least one word; a "." between digits (3.14) does not end one. Abbreviations
 * ("e.g.") do end one: this is a heuristic. Averages have two decimals, 0 when there are
 * no words. topWords: the 5 most frequent, ties in order of first appearance.
 */
export function stats(): i32 {
  const input = readInput();
  const text = input.string("text");
  if (!input.ok) return fail(input.error);

  const index = new Map<string, i32>();
  const entries = new Array<WordCount>();
  let characters = 0;
  let words = 0;
  let letters = 0;
  let sentences = 0;
  let sentenceHasWords = false;
  let wordStart = -1;
  let wordLetters = 0;
  let prev = 0;
  const n = text.length;
  for (let i = 0; i <= n; ) {
    const cp = i < n ? codePointAt(text, i) : 0;
    const width = i < n ? codePointWidth(cp) : 1;
    const next = i + width < n ? codePointAt(text, i + width) : 0;
    if (i < n) characters++;
    const digitsAround = prev >= 0x30 && prev <= 0x39 && next >= 0x30 && next <= 0x39;
    const decimalPoint = (cp == 0x2e || cp == 0x2c) && digitsAround; // 3.14, 1,000: one word
    const joins = i < n && (isWordChar(cp) || (wordStart >= 0 && (decimalPoint || (isApostrophe(cp) && isWordChar(next)))));
    if (joins) {
      if (wordStart < 0) { wordStart = i; wordLetters = 0; }
      if (!isApostrophe(cp)) wordLetters++;
    } else if (wordStart >= 0) {
      const word = text.substring(wordStart, i).toLowerCase();
      if (index.has(word)) entries[index.get(word)].count++;
      else { index.set(word, entries.length); entries.push(new WordCount(word, 1, entries.length)); }
      words++;
      letters += wordLetters;
      sentenceHasWords = true;
      wordStart = -1;
    }
    if (i < n && isSentenceEnd(cp) && !decimalPoint && sentenceHasWords) {
      sentences++;
      sentenceHasWords = false;
    }
    prev = cp;
    i += width;
  }
  if (sentenceHasWords) sentences++;

  entries.sort((a: WordCount, b: WordCount): i32 => a.count != b.count ? b.count - a.count : a.first - b.first);
  const top = new Array<string>();
  for (let k = 0; k < entries.length && k < TOP_WORDS; k++) {
    top.push("{\"word\":" + quote(entries[k].word) + ",\"count\":" + entries[k].count.toString() + "}");
  }

  return succeed(new JsonObjectWriter()
    .int("characters", characters)
    .int("words", words)
    .int("uniqueWords", entries.length)
    .int("sentences", sentences)
    .num("averageWordLength", words == 0 ? 0 : round2(<f64>letters / <f64>words))
    .num("averageWordsPerSentence", sentences == 0 ? 0 : round2(<f64>words / <f64>sentences))
    .raw("topWords", "[" + top.join(",") + "]")
    .toString());
}
