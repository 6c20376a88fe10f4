// One-pass tokeniser: words (letters, inner apostrophes), numbers (with thousands separators
// and decimals) and where sentences start, which matters for telling names from common words.
// A hand-written scanner over UTF-16 code units: the regular expression it replaces allocated
// a match array per token, a third of the embedder's garbage.

export interface Token {
  /** The token as written. */
  text: string;
  /** True for numbers (digits with separators), false for words. */
  isNumber: boolean;
  /** First letter is uppercase. */
  capitalised: boolean;
  /** First token of a sentence, title or line: capitalisation says nothing there. */
  sentenceStart: boolean;
  /**
   * What stands between this token and the one before: spaces only, one hyphen (Meridian-3,
   * Pyrénées-Orientales), or anything else (punctuation, a line break, the start of the text).
   * Words of one name follow each other with nothing but a space or a hyphen between them.
   */
  separatedBy: Separator;
}

export type Separator = 'space' | 'hyphen' | 'other';

const LETTER = 1;
const MARK = 2;
const DIGIT = 4;
/** Ends a sentence (or a title or quote): . ! ? : ; newline and quotation marks. */
const BREAK = 8;
const UPPER = 16;
const APOSTROPHE = 32;
const KNOWN = 128;

/** Character classes of BMP code units, filled in as characters are first seen. */
const classes = new Uint8Array(65536);

function classify(code: number): number {
  const char = String.fromCharCode(code);
  let bits = KNOWN;
  if (/\p{L}/u.test(char)) bits |= LETTER;
  if (/\p{M}/u.test(char)) bits |= MARK;
  if (/\p{Nd}/u.test(char)) bits |= DIGIT;
  if ('.!?:;\n"„“«»'.includes(char)) bits |= BREAK;
  if ((bits & LETTER) !== 0 && char !== char.toLowerCase()) bits |= UPPER;
  if (char === "'" || char === '’') bits |= APOSTROPHE;
  return bits;
}

/** Class bits of the code point at `i` (astral letters and digits via their code point). */
function classAt(text: string, i: number): number {
  const code = text.charCodeAt(i);
  if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
    const point = text.codePointAt(i)!;
    if (point > 0xffff) {
      const char = String.fromCodePoint(point);
      // Astral letters are never treated as capitals (as the former regex-based tokeniser did).
      return KNOWN | (/\p{L}/u.test(char) ? LETTER : 0) | (/\p{M}/u.test(char) ? MARK : 0) | (/\p{Nd}/u.test(char) ? DIGIT : 0);
    }
  }
  let bits = classes[code]!;
  if (bits === 0) classes[code] = bits = classify(code);
  return bits;
}

/** Length in code units of the code point at `i`. */
function widthAt(text: string, i: number): number {
  const code = text.charCodeAt(i);
  return code >= 0xd800 && code <= 0xdbff && i + 1 < text.length && (text.codePointAt(i)! > 0xffff) ? 2 : 1;
}

function isSeparator(code: number): boolean {
  return code === 46 || code === 44 || code === 0xa0 || code === 0x202f || code === 32;
}

function digitsAt(text: string, i: number, count: number): boolean {
  for (let k = 0; k < count; k++) if (i + k >= text.length || (classAt(text, i + k) & DIGIT) === 0) return false;
  return true;
}

/**
 * Calls `visit` for every token: words are letters then letters/marks, with inner apostrophes
 * (hyphenated words are split: NATO-Chef → NATO, Chef); numbers are digits with thousands
 * groups and a decimal part (1,000 / 1.000 / 1 000 / 3,5 / 12.5).
 */
export function scanTokens(
  text: string,
  visit: (text: string, isNumber: boolean, capitalised: boolean, sentenceStart: boolean, separatedBy: Separator) => void,
): void {
  let sentenceStart = true;
  const length = text.length;
  let i = 0;
  let previousEnd = -1;
  while (i < length) {
    const bits = classAt(text, i);
    if ((bits & LETTER) !== 0) {
      const start = i;
      i += widthAt(text, i);
      for (;;) {
        if (i >= length) break;
        const next = classAt(text, i);
        if ((next & (LETTER | MARK)) !== 0) {
          i += widthAt(text, i);
        } else if ((next & APOSTROPHE) !== 0 && i + 1 < length && (classAt(text, i + 1) & LETTER) !== 0) {
          i += 1 + widthAt(text, i + 1);
        } else break;
      }
      visit(text.slice(start, i), false, (bits & UPPER) !== 0, sentenceStart, separatorOf(text, previousEnd, start));
      sentenceStart = false;
      previousEnd = i;
    } else if ((bits & DIGIT) !== 0) {
      const start = i;
      while (i < length && (classAt(text, i) & DIGIT) !== 0) i += widthAt(text, i);
      // Thousands groups: a separator and exactly three digits, as often as they come.
      while (i + 3 < length && isSeparator(text.charCodeAt(i)) && digitsAt(text, i + 1, 3)) i += 4;
      const code = i < length ? text.charCodeAt(i) : 0;
      if ((code === 46 || code === 44) && i + 1 < length && (classAt(text, i + 1) & DIGIT) !== 0) {
        i += 1;
        while (i < length && (classAt(text, i) & DIGIT) !== 0) i += widthAt(text, i);
      }
      visit(text.slice(start, i), true, false, sentenceStart, separatorOf(text, previousEnd, start));
      sentenceStart = false;
      previousEnd = i;
    } else {
      if ((bits & BREAK) !== 0) sentenceStart = true;
      i += widthAt(text, i);
    }
  }
}

function separatorOf(text: string, from: number, to: number): Separator {
  if (from < 0 || to === from) return 'other';
  if (to === from + 1 && (text.charCodeAt(from) === 45 || text.charCodeAt(from) === 0x2011)) return 'hyphen';
  for (let i = from; i < to; i++) {
    const code = text.charCodeAt(i);
    if (code !== 32 && code !== 9 && code !== 0xa0 && code !== 0x202f) return 'other';
  }
  return 'space';
}

export function tokenise(text: string): Token[] {
  const tokens: Token[] = [];
  scanTokens(text, (token, isNumber, capitalised, sentenceStart, separatedBy) => tokens.push({ text: token, isNumber, capitalised, sentenceStart, separatedBy }));
  return tokens;
}
