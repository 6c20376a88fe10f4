// Fine-grained evidence that two articles report the same story, beyond the cosine of their
// vectors: how well their headlines and sentences align, and which names, places, numbers
// and concepts they share. The second stage (rerank.ts) weighs these with a fitted model.
//
// Work is split in two so that a query is prepared once and compared with many candidates:
// `sketchArticle` embeds an article's headline and sentences, `pairEvidence` compares two
// sketches without embedding anything.

import type { NormalizedArticle } from '../article.js';
import type { Embedder, EmbedInput } from '../embed/embedder.js';
import { embedInputOf } from '../embed/embed-articles.js';
import { splitSentences, surfaceMarks } from '../explain.js';
import type { EmbeddingVector } from '../vectors/sparse-vector.js';
import { dot } from '../vectors/vector-math.js';

/**
 * Characters of the body the sentence and surface evidence reads: the lead, where news
 * states its story (the built-in embedder reads 800). Bounds the cost of a sketch whatever
 * the article's length.
 */
export const EVIDENCE_BODY_CHARS = 1_200;
/** Sentences per article compared at most (headline included). */
export const EVIDENCE_MAX_SENTENCES = 12;

/** Kinds of named features an explaining embedder reports. */
type FeatureKindName = 'concept' | 'name' | 'place' | 'number' | 'token';

/** A feature before hashing, as the built-in embedder names it. */
interface NamedFeature {
  kind: FeatureKindName;
  weight: number;
}

/** Embedders that expose their named features (the built-in LexicalEmbedder does). */
interface FeatureListingEmbedder extends Embedder {
  features(input: EmbedInput): Map<number, NamedFeature>;
}

function listsFeatures(embedder: Embedder): embedder is FeatureListingEmbedder {
  return typeof (embedder as Partial<FeatureListingEmbedder>).features === 'function';
}

/** What the second stage needs of one article, computed once per article. */
export interface ArticleSketch {
  /** The whole article's vector (title and body, as the detector embeds it). */
  vector: EmbeddingVector;
  /** The headline's vector alone, when the article has one. */
  titleVector?: EmbeddingVector;
  /** Vectors of the headline and the lead's sentences, in order. */
  sentenceVectors: EmbeddingVector[];
  /** Capitalised-word prefixes and numbers of headline and lead (see `surfaceMarks`). */
  marks: Set<string>;
  /** Named features with their weights, when the embedder lists them; by feature hash. */
  features?: Map<number, NamedFeature>;
  /** Norm of `features`' weights. */
  featureNorm: number;
  /** Letters and digits in headline and lead: short or scraped-empty pages are weak evidence. */
  length: number;
  /** The article's language, when known. */
  lang?: string;
}

/** Evidence about one pair of articles; every field is 0 when it cannot be measured. */
export interface PairEvidence {
  /** Cosine of the two whole-article vectors. */
  cosine: number;
  /** Cosine of the two headlines alone (0 when either has none). */
  titleCosine: number;
  /** Cosine of the best-aligned sentence pair (headlines count as sentences). */
  bestSentence: number;
  /** Mean over both articles' sentences of each one's best match in the other article. */
  alignment: number;
  /** Share of the feature cosine carried by shared person and organisation names. */
  sharedNames: number;
  /** Share carried by shared places. */
  sharedPlaces: number;
  /** Share carried by shared numbers. */
  sharedNumbers: number;
  /** Share carried by shared concepts (translated words). */
  sharedConcepts: number;
  /** Shared capitalised-word prefixes and numbers over the smaller article's count (language-independent). */
  surfaceOverlap: number;
  /** log10 of the shorter article's length in letters and digits (0 below 10). */
  shorterLength: number;
  /** ln(1 + shared numbers), as written (digits survive translation). */
  sharedNumberCount: number;
  /** ln(1 + shared capitalised-word prefixes). */
  sharedWordCount: number;
  /** Best cosine of either headline to a sentence (or the headline) of the other article. */
  titleToLead: number;
  /** Mean cosine of the three best-aligned sentence pairs. */
  topAlignment: number;
  /** 1 when the two articles' languages differ (cross-lingual cosines run lower), else 0. */
  crossLingual: number;
  /** `cosine` of a cross-lingual pair (0 for one language): lets the model weigh it apart. */
  crossLingualCosine: number;
  /** `sharedConcepts` of a cross-lingual pair (0 for one language). */
  crossLingualConcepts: number;
  /** `sharedNames` of a cross-lingual pair (0 for one language). */
  crossLingualNames: number;
}

/** The evidence fields in the order the model's coefficients use. */
export const EVIDENCE_FIELDS = [
  'cosine',
  'titleCosine',
  'bestSentence',
  'alignment',
  'sharedNames',
  'sharedPlaces',
  'sharedNumbers',
  'sharedConcepts',
  'surfaceOverlap',
  'shorterLength',
  'sharedNumberCount',
  'sharedWordCount',
  'titleToLead',
  'topAlignment',
  'crossLingual',
  'crossLingualCosine',
  'crossLingualConcepts',
  'crossLingualNames',
] as const satisfies ReadonlyArray<keyof PairEvidence>;

/** Headline and lead: the part of an article the evidence reads. */
function leadOf(article: NormalizedArticle): { title?: string; text: string } {
  const text = article.text.length > EVIDENCE_BODY_CHARS ? article.text.slice(0, EVIDENCE_BODY_CHARS) : article.text;
  return article.title ? { title: article.title, text } : { text };
}

/**
 * Prepares an article for comparisons: one embedder call for its headline and lead
 * sentences. `vector` is the article's vector when the caller has it already (the detector
 * does), else the article is embedded too.
 */
export async function sketchArticle(embedder: Embedder, article: NormalizedArticle, vector?: EmbeddingVector): Promise<ArticleSketch> {
  const lead = leadOf(article);
  const lang = article.lang ? { lang: article.lang } : {};
  const sentences = splitSentences(lead.text).slice(0, EVIDENCE_MAX_SENTENCES - (lead.title ? 1 : 0));
  const inputs: EmbedInput[] = [];
  if (!vector) inputs.push(embedInputOf(article));
  if (lead.title) inputs.push({ text: lead.title, ...lang });
  for (const text of sentences) inputs.push({ text, ...lang });
  const vectors = inputs.length > 0 ? await embedder.embed(inputs) : [];
  const whole = vector ?? vectors.shift()!;
  const titleVector = lead.title ? vectors[0] : undefined;
  const features = listsFeatures(embedder) ? embedder.features(embedInputOf(article)) : undefined;
  let squared = 0;
  if (features) for (const feature of features.values()) squared += feature.weight * feature.weight;
  const letters = `${lead.title ?? ''} ${lead.text}`.match(/[\p{L}\p{N}]/gu)?.length ?? 0;
  return {
    vector: whole,
    ...(titleVector ? { titleVector } : {}),
    sentenceVectors: vectors,
    marks: new Set(surfaceMarks(lead).keys()),
    ...(features ? { features } : {}),
    featureNorm: Math.sqrt(squared),
    length: letters,
    ...(article.lang ? { lang: article.lang } : {}),
  };
}

/** Compares two prepared articles. Symmetric: pairEvidence(a, b) equals pairEvidence(b, a). */
export function pairEvidence(a: ArticleSketch, b: ArticleSketch): PairEvidence {
  const evidence: PairEvidence = {
    cosine: dot(a.vector, b.vector),
    titleCosine: a.titleVector && b.titleVector ? dot(a.titleVector, b.titleVector) : 0,
    bestSentence: 0,
    alignment: 0,
    sharedNames: 0,
    sharedPlaces: 0,
    sharedNumbers: 0,
    sharedConcepts: 0,
    surfaceOverlap: 0,
    shorterLength: Math.log10(Math.max(10, Math.min(a.length, b.length))) - 1,
    sharedNumberCount: 0,
    sharedWordCount: 0,
    titleToLead: Math.max(titleToSentences(a.titleVector, b.sentenceVectors), titleToSentences(b.titleVector, a.sentenceVectors)),
    topAlignment: 0,
    crossLingual: a.lang !== undefined && b.lang !== undefined && a.lang !== b.lang ? 1 : 0,
    crossLingualCosine: 0,
    crossLingualConcepts: 0,
    crossLingualNames: 0,
  };
  alignSentences(a.sentenceVectors, b.sentenceVectors, evidence);
  if (a.features && b.features && a.featureNorm > 0 && b.featureNorm > 0) shareByKind(a, b, evidence);
  let numbers = 0;
  let words = 0;
  for (const mark of a.marks) {
    if (!b.marks.has(mark)) continue;
    if (mark.startsWith('n:')) numbers++;
    else words++;
  }
  const fewer = Math.min(a.marks.size, b.marks.size);
  evidence.surfaceOverlap = fewer > 0 ? (numbers + words) / fewer : 0;
  evidence.sharedNumberCount = Math.log1p(numbers);
  evidence.sharedWordCount = Math.log1p(words);
  if (evidence.crossLingual === 1) {
    evidence.crossLingualCosine = evidence.cosine;
    evidence.crossLingualConcepts = evidence.sharedConcepts;
    evidence.crossLingualNames = evidence.sharedNames;
  }
  return evidence;
}

function titleToSentences(title: EmbeddingVector | undefined, sentences: readonly EmbeddingVector[]): number {
  let best = 0;
  if (title) for (const sentence of sentences) best = Math.max(best, dot(title, sentence));
  return best;
}

/** Pairs whose mean makes `topAlignment`. */
const TOP_ALIGNED_PAIRS = 3;

function alignSentences(sa: readonly EmbeddingVector[], sb: readonly EmbeddingVector[], evidence: PairEvidence): void {
  if (sa.length === 0 || sb.length === 0) return;
  const bestOfB = new Float64Array(sb.length).fill(-1);
  let sumA = 0;
  let best = -1;
  const top = new Array<number>(TOP_ALIGNED_PAIRS).fill(-Infinity);
  for (const va of sa) {
    let bestOfThis = -1;
    for (let j = 0; j < sb.length; j++) {
      const similarity = dot(va, sb[j]!);
      if (similarity > top[TOP_ALIGNED_PAIRS - 1]!) {
        top[TOP_ALIGNED_PAIRS - 1] = similarity;
        top.sort((x, y) => y - x);
      }
      if (similarity > bestOfThis) bestOfThis = similarity;
      if (similarity > bestOfB[j]!) bestOfB[j] = similarity;
    }
    sumA += bestOfThis;
    if (bestOfThis > best) best = bestOfThis;
  }
  let sumB = 0;
  for (const value of bestOfB) sumB += value;
  evidence.bestSentence = best;
  evidence.alignment = (sumA / sa.length + sumB / sb.length) / 2;
  const found = top.filter((value) => value > -Infinity);
  evidence.topAlignment = found.reduce((sum, value) => sum + value, 0) / found.length;
}

// The cosine of the two feature lists, split by the kind of feature that carries it.
function shareByKind(a: ArticleSketch, b: ArticleSketch, evidence: PairEvidence): void {
  const scale = 1 / (a.featureNorm * b.featureNorm);
  const [small, large] = a.features!.size <= b.features!.size ? [a.features!, b.features!] : [b.features!, a.features!];
  for (const [hash, feature] of small) {
    const other = large.get(hash);
    if (!other) continue;
    const contribution = feature.weight * other.weight * scale;
    switch (feature.kind) {
      case 'name':
      case 'token':
        evidence.sharedNames += contribution;
        break;
      case 'place':
        evidence.sharedPlaces += contribution;
        break;
      case 'number':
        evidence.sharedNumbers += contribution;
        break;
      case 'concept':
        evidence.sharedConcepts += contribution;
        break;
    }
  }
}

/**
 * True when the shipped model fits this embedder: its evidence needs the named features the
 * built-in embedder lists (other embedders' cosines live on other scales, too).
 */
export function rerankFitsEmbedder(embedder: Embedder): boolean {
  return listsFeatures(embedder);
}
