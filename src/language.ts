// Language identification for articles that arrive without a `lang`. One place, so the
// detector and the built-in embedder always agree on an article's language.

import { eld } from 'eld/medium';

/** Characters looked at: a news lead decides the language, and longer texts only cost time. */
const SAMPLE_CHARS = 1_000;

/**
 * ISO 639-1 code of the text's language, or undefined when the text is too short or
 * ambiguous to tell.
 */
export function detectLanguage(text: string): string | undefined {
  const sample = text.length > SAMPLE_CHARS ? text.slice(0, SAMPLE_CHARS) : text;
  if (!/\p{L}{2}/u.test(sample)) return undefined;
  const result = eld.detect(sample);
  return result.language || undefined;
}
