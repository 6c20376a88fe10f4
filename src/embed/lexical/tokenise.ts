// One-pass tokeniser: words (letters, inner apostrophes), numbers (with thousands separators
// and decimals) and where sentences start, which matters for telling names from common words.

export interface Token {
  /** The token as written. */
  text: string;
  /** True for numbers (digits with separators), false for words. */
  isNumber: boolean;
  /** First letter is uppercase. */
  capitalised: boolean;
  /** First token of a sentence, title or line: capitalisation says nothing there. */
  sentenceStart: boolean;
}

// Words: letters/marks with inner apostrophes; hyphenated words are split (NATO-Chef → NATO, Chef).
// Numbers: 1,000 / 1.000 / 1 000 / 3,5 / 12.5.
const TOKEN = /(\p{L}[\p{L}\p{M}]*(?:['’]\p{L}[\p{L}\p{M}]*)*)|(\p{Nd}+(?:[.,\u00a0\u202f ]\p{Nd}{3})*(?:[.,]\p{Nd}+)?)|([.!?:;\n"„“«»]+)/gu;

export function tokenise(text: string): Token[] {
  const tokens: Token[] = [];
  let sentenceStart = true;
  for (const match of text.matchAll(TOKEN)) {
    const [, word, number] = match;
    if (word !== undefined) {
      const first = word[0]!;
      tokens.push({ text: word, isNumber: false, capitalised: first !== first.toLowerCase(), sentenceStart });
      sentenceStart = false;
    } else if (number !== undefined) {
      tokens.push({ text: number.trim(), isNumber: true, capitalised: false, sentenceStart });
      sentenceStart = false;
    } else {
      sentenceStart = true;
    }
  }
  return tokens;
}
