// Synthetic data for the speed benchmarks, seeded so every run measures the same work:
// story-clustered vectors shaped like the built-in embedder's (a few dozen hashed features
// out of thousands, shared within a story), and article texts made from real ones by edits.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EmbedInput } from '../../src/index.js';
import { seededRandom } from '../../src/seeded-random.js';
import { SHARED_DIR } from './data.js';
import type { SparseVector } from './tfidf.js';

export { seededRandom };

export interface StoryVectors {
  /** Dense L2-normalised vectors, as the library stores them. */
  vectors: Float32Array[];
  /** The same vectors as sparse ones (for an exact inverted-index kNN). */
  sparse: SparseVector[];
  /** Story of each vector. */
  story: Int32Array;
  /** Publication time, epoch ms, over 45 days. */
  times: Float64Array;
}

export interface StoryVectorOptions {
  count: number;
  dimension: number;
  /** Mean articles per story (OG2021 has about 8). @default 8 */
  meanStorySize?: number;
  /** Features a story's articles draw from. @default 20 */
  storyFeatures?: number;
  /** Story features each article draws (with repeats). @default 24 */
  featuresPerArticle?: number;
  /** Unrelated features each article has, drawn from the whole space. @default 6 */
  noiseFeatures?: number;
  seed?: number;
}

/**
 * Articles in stories: each story owns a random set of features, each article takes a random
 * subset of its story's features plus noise features, with random weights. The defaults give
 * about 20 non-zero features per vector (the built-in embedder averages 21 on OG2021 titles),
 * mean cosine 0.49 within a story and under 0.01 across stories. Stories start at random
 * times over 45 days; their articles follow within about a day.
 */
export function storyVectors(options: StoryVectorOptions): StoryVectors {
  const { count, dimension, meanStorySize = 8, storyFeatures = 20, featuresPerArticle = 24, noiseFeatures = 6, seed = 1 } = options;
  const random = seededRandom(seed);
  const day = 86_400_000;
  const vectors: Float32Array[] = [];
  const sparse: SparseVector[] = [];
  const story = new Int32Array(count);
  const times = new Float64Array(count);
  let storyId = -1;
  let left = 0;
  let features: number[] = [];
  let start = 0;
  for (let i = 0; i < count; i++) {
    if (left === 0) {
      storyId++;
      // Geometric sizes with the given mean: many small stories, a few large ones.
      left = 1 + Math.floor(Math.log(1 - random()) / Math.log(1 - 1 / meanStorySize));
      features = Array.from({ length: storyFeatures }, () => Math.floor(random() * dimension));
      start = Date.UTC(2021, 6, 1) + random() * 45 * day;
    }
    left--;
    const weights = new Map<number, number>();
    for (let f = 0; f < featuresPerArticle; f++) {
      const feature = features[Math.floor(random() * features.length)]!;
      weights.set(feature, (weights.get(feature) ?? 0) + 0.5 + random());
    }
    for (let f = 0; f < noiseFeatures; f++) {
      // Squaring skews noise towards low feature numbers: frequent words collide more.
      const feature = Math.floor(random() ** 2 * dimension);
      weights.set(feature, (weights.get(feature) ?? 0) + 0.5 + random());
    }
    const indices = Int32Array.from([...weights.keys()].sort((a, b) => a - b));
    const values = Float32Array.from(indices, (k) => weights.get(k)!);
    const norm = Math.hypot(...values);
    for (let k = 0; k < values.length; k++) values[k]! /= norm;
    const dense = new Float32Array(dimension);
    indices.forEach((k, a) => (dense[k] = values[a]!));
    vectors.push(dense);
    sparse.push({ indices, values });
    story[i] = storyId;
    times[i] = start + -Math.log(1 - random()) * day * 0.5;
  }
  return { vectors, sparse, story, times };
}

/** Words of a language from the frequency lists in ../shared/lexical, most frequent first, ranks [from, to). */
export function frequentWords(lang: string, from = 0, to = 5_000): string[] {
  const file = join(SHARED_DIR, 'lexical/frequencywords', `${lang}_50k.txt`);
  return readFileSync(file, 'utf8')
    .split('\n')
    .slice(from, to)
    .map((line) => line.split(' ')[0]!)
    .filter((word) => /^\p{L}{3,}$/u.test(word));
}

export interface EditedArticles {
  inputs: EmbedInput[];
  /** Story of each article. */
  story: Int32Array;
}

/**
 * `count` articles made from real ones, in stories of about `meanStorySize`. A story is a
 * base article with `storyEditRate` of its words replaced by rarer words of its language
 * (standing in for the names, places and facts that tell two stories on one topic apart),
 * so the few bases yield many distinct but related stories. Each article of a story keeps
 * the headline and lead, a random 70 % of the other sentences in random order, and has
 * `articleEditRate` of its words replaced by common words (each outlet's own wording).
 */
export function editedArticles(
  bases: readonly EmbedInput[],
  count: number,
  options: { storyEditRate?: number; articleEditRate?: number; meanStorySize?: number; seed?: number } = {},
): EditedArticles {
  const { storyEditRate = 0.4, articleEditRate = 0.1, meanStorySize = 8, seed = 7 } = options;
  const random = seededRandom(seed);
  const cache = new Map<string, { common: string[]; rare: string[] }>();
  const wordsOf = (lang: string) => {
    let words = cache.get(lang);
    if (!words) {
      try {
        words = { common: frequentWords(lang, 0, 5_000), rare: frequentWords(lang, 5_000, 50_000) };
      } catch {
        words = { common: [], rare: [] };
      }
      cache.set(lang, words);
    }
    return words;
  };
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;
  const replaceWords = (text: string, rate: number, words: readonly string[]) =>
    text.replace(/\p{L}+/gu, (word) => (words.length > 0 && random() < rate ? pick(words) : word));
  const inputs: EmbedInput[] = [];
  const story = new Int32Array(count);
  let storyId = -1;
  let left = 0;
  let lang = 'en';
  let title = '';
  let lead = '';
  let body: string[] = [];
  for (let i = 0; i < count; i++) {
    const words = () => wordsOf(lang);
    if (left === 0) {
      storyId++;
      left = 1 + Math.floor(Math.log(1 - random()) / Math.log(1 - 1 / meanStorySize));
      const base = pick(bases);
      lang = base.lang ?? 'en';
      title = replaceWords(base.title ?? '', storyEditRate, words().rare);
      [lead = '', ...body] = replaceWords(base.text, storyEditRate, words().rare)
        .split(/(?<=[.!?])\s+/)
        .filter((sentence) => sentence.trim() !== '');
    }
    left--;
    const kept = body.filter(() => random() < 0.7);
    for (let s = kept.length - 1; s > 0; s--) {
      const j = Math.floor(random() * (s + 1));
      [kept[s], kept[j]] = [kept[j]!, kept[s]!];
    }
    inputs.push({
      title: replaceWords(title, articleEditRate, words().common),
      text: replaceWords([lead, ...kept].join(' '), articleEditRate, words().common),
      lang,
    });
    story[i] = storyId;
  }
  return { inputs, story };
}
