// Evidence for why two articles look like the same story: shared names and numbers, the
// best-aligned sentence pair, language pair and time gap. Used by StoryDetector.match.

import type { Embedder, SharedFeature } from './embed/embedder.js';
import { embedInputOf } from './embed/embed-articles.js';
import { isExplainingEmbedder } from './embed/embedder.js';
import type { NormalizedArticle } from './article.js';
import { dot } from './vectors/vector-math.js';

export interface SentencePair {
  a: string;
  b: string;
  /** Cosine similarity of the two sentences in the embedder's space. */
  similarity: number;
}

export interface MatchExplanation {
  /** Cosine similarity of the two article vectors. */
  similarity: number;
  /** Languages of the two articles, e.g. ['pl', 'de'] (undefined where unknown). */
  languages: [string | undefined, string | undefined];
  /** Hours between the two publication times, when both are known. */
  timeGapHours?: number;
  /** Names, places, numbers and concepts both articles share, strongest first. */
  sharedFeatures: SharedFeature[];
  /** The sentence of each article that are closest to each other. */
  bestSentencePair?: SentencePair;
}

const MAX_SENTENCES = 40;

/** Splits text into sentences on end punctuation and line breaks; drops fragments. */
export function splitSentences(text: string): string[] {
  return text
    .split(/(?<=[.!?…])\s+(?=[\p{Lu}\p{N}"„«“])|\n+/u)
    .map((s) => s.trim())
    .filter((s) => s.length >= 20 && /\p{L}/u.test(s));
}

/**
 * Capitalised words and numbers of an article, keyed language-independently ('w:' + folded
 * 5-letter prefix, 'n:' + digits), each with its first surface form. Names and numbers
 * survive translation nearly unchanged: a folded 5-letter prefix of a capitalised word strips
 * most case endings (Blinkena / Blinken, Pjongjangu / Pjöngjang).
 */
export function surfaceMarks(article: Pick<NormalizedArticle, 'title' | 'text'>): Map<string, string> {
  const marks = new Map<string, string>();
  const text = `${article.title ?? ''}\n${article.text}`;
  for (const match of text.matchAll(/\p{N}+(?:[.,]\p{N}+)*|\p{Lu}[\p{L}\p{M}'-]{2,}/gu)) {
    const word = match[0];
    const isNumber = /^\p{N}/u.test(word);
    const folded = isNumber
      ? word.replace(/[.,]/g, '')
      : word.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().slice(0, 5);
    const key = (isNumber ? 'n:' : 'w:') + folded;
    if (!marks.has(key)) marks.set(key, word);
  }
  return marks;
}

/** Shared capitalised words and numbers, for embedders that cannot explain themselves. */
export function sharedSurfaceFeatures(a: NormalizedArticle, b: NormalizedArticle, limit: number): SharedFeature[] {
  const ma = surfaceMarks(a);
  const mb = surfaceMarks(b);
  const shared: SharedFeature[] = [];
  for (const [key, word] of ma) {
    const other = mb.get(key);
    if (other === undefined) continue;
    shared.push({
      kind: key.startsWith('n:') ? 'number' : 'name',
      label: word === other ? word : `${word} / ${other}`,
      contribution: 0,
    });
  }
  const share = shared.length > 0 ? 1 / shared.length : 0;
  for (const feature of shared) feature.contribution = share;
  return shared.slice(0, limit);
}

export async function bestSentencePair(
  embedder: Embedder,
  a: NormalizedArticle,
  b: NormalizedArticle,
): Promise<SentencePair | undefined> {
  const sa = splitSentences(`${a.title ?? ''}\n${a.text}`).slice(0, MAX_SENTENCES);
  const sb = splitSentences(`${b.title ?? ''}\n${b.text}`).slice(0, MAX_SENTENCES);
  if (sa.length === 0 || sb.length === 0) return undefined;
  const vectors = await embedder.embed([
    ...sa.map((text) => ({ text, ...(a.lang ? { lang: a.lang } : {}) })),
    ...sb.map((text) => ({ text, ...(b.lang ? { lang: b.lang } : {}) })),
  ]);
  let best: SentencePair | undefined;
  for (let i = 0; i < sa.length; i++) {
    const va = vectors[i]!;
    for (let j = 0; j < sb.length; j++) {
      const similarity = dot(va, vectors[sa.length + j]!);
      if (!best || similarity > best.similarity) best = { a: sa[i]!, b: sb[j]!, similarity };
    }
  }
  return best;
}

export async function explainPair(
  embedder: Embedder,
  a: NormalizedArticle,
  b: NormalizedArticle,
  similarity: number,
  options: { limit?: number } = {},
): Promise<MatchExplanation> {
  const limit = options.limit ?? 10;
  const sharedFeatures = isExplainingEmbedder(embedder)
    ? await embedder.explain(embedInputOf(a), embedInputOf(b), { limit })
    : sharedSurfaceFeatures(a, b, limit);
  const explanation: MatchExplanation = {
    similarity,
    languages: [a.lang, b.lang],
    sharedFeatures,
  };
  if (a.publishedAt !== undefined && b.publishedAt !== undefined) {
    explanation.timeGapHours = Math.abs(a.publishedAt - b.publishedAt) / 3_600_000;
  }
  const pair = await bestSentencePair(embedder, a, b);
  if (pair) explanation.bestSentencePair = pair;
  return explanation;
}
