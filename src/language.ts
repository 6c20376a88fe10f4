// Language identification for articles that arrive without a `lang`. One place, so the
// detector and the built-in embedder always agree on an article's language.

// The small model: same accuracy as 'medium' on OG2021's 10,940 titles in 9 languages
// (0.990), half the memory (90 vs 187 MB).
import { eld } from 'eld/small';

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

/**
 * Sets `article.lang` from its title and text when the caller gave none, with the same
 * input the built-in embedder uses, so both always agree.
 */
export function fillLanguage(article: { title?: string; text: string; lang?: string }): void {
  if (article.lang) return;
  const lang = detectLanguage(article.title ? `${article.title}\n${article.text}` : article.text);
  if (lang) article.lang = lang;
}
