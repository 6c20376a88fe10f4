// Inverse document frequency over the collection itself, per vector dimension.
//
// A sparse embedder (the built-in lexical one) weights its features with priors from
// general-language frequency lists, which cannot know what is common in *this* collection:
// in a feed about the Olympics, "olympic", "tokyo" and "medal" are in a third of all
// articles and make unrelated stories look alike. Counting, per dimension, how many
// articles use it and scaling by the smoothed IDF ln((1+N)/(1+df)) + 1 fixes that. For
// dense embedders every dimension is used by every article, all weights are equal and the
// vectors are left as they are.
//
// A handful of articles says little about what is common: with three articles, a feature all
// three share scores as the most common one there is, and a story of three translations
// splits when clustered alone yet holds together inside a larger batch. So the counts are
// blended with a prior of PRIOR_ARTICLES pseudo-articles in which every dimension is used at
// the collection's mean rate, i.e. no correction of the embedder's own weights (the lexical
// embedder's already carry the frequency lists' rarity): a small collection is weighted
// mostly by those priors, a large one by itself.

import type { EmbeddingVector, SparseVector } from '../vectors/sparse-vector.js';

/**
 * Pseudo-articles of the prior, from the SemEval training pairs
 * (benchmarks/fit-collection-prior.ts). A pair's weighted cosine among 3 random training
 * texts against its cosine among all 3,519: RMS difference 0.066 without a prior, 0.039 at 10,
 * 0.034 at 20, 0.033 at 30, 0.032 at 50–100, 0.033 at 1,000; among 10 texts 0.041 / 0.034 /
 * 0.031 / 0.030 / 0.029. Pools of 34 cross-language training pairs keep Pearson r 0.675 and
 * Recall@1 0.81 from 0 to 100. 20 is the low end of that flat stretch, where a large
 * collection's figures stay put: on the evaluation data (reported, not fitted) SemEval de–pl
 * lost one of 28 retrieval queries at 50 and Spearman ρ 0.002 at 30, neither at 20.
 */
export const PRIOR_ARTICLES = 20;

export class CollectionWeighting {
  private readonly documentFrequency: Float64Array;
  private count = 0;
  private nonZero = 0;

  /** `priorArticles`: weight of the prior in articles (0: the collection alone). */
  constructor(
    readonly dimension: number,
    readonly priorArticles = PRIOR_ARTICLES,
  ) {
    this.documentFrequency = new Float64Array(dimension);
  }

  /** Counts one more article's vector. */
  add(vector: EmbeddingVector): void {
    this.count++;
    this.nonZero += this.countInto(vector, 1);
  }

  /** Stops counting a vector counted with `add` (an evicted article). */
  remove(vector: EmbeddingVector): void {
    this.count--;
    this.nonZero -= this.countInto(vector, -1);
  }

  private countInto(vector: EmbeddingVector, step: 1 | -1): number {
    const df = this.documentFrequency;
    if (!(vector instanceof Float32Array)) {
      const { indices, values } = vector;
      for (let k = 0; k < indices.length; k++) if (values[k] !== 0) df[indices[k]!] = df[indices[k]!]! + step;
      return indices.length;
    }
    let nonZero = 0;
    for (let d = 0; d < vector.length; d++) {
      if (vector[d] !== 0) {
        df[d] = df[d]! + step;
        nonZero++;
      }
    }
    return nonZero;
  }

  /**
   * True when reweighting changes anything: vectors use under half of the dimensions on
   * average (sparse), and there are at least two articles.
   */
  get active(): boolean {
    return this.count >= 2 && this.nonZero < 0.5 * this.count * this.dimension;
  }

  /** Current weight of each dimension: ln((1 + N + m) / (1 + df + m·rate)) + 1. */
  weights(): Float32Array {
    const n = this.count + this.priorArticles;
    const priorFrequency = this.count > 0 ? (this.priorArticles * this.nonZero) / (this.count * this.dimension) : 0;
    return Float32Array.from(this.documentFrequency, (df) => Math.log((1 + n) / (1 + df + priorFrequency)) + 1);
  }

  /**
   * `vector` scaled by `weights` and L2-normalised. A sparse vector gives a sparse one that
   * shares its `indices` array (only the values differ), written into `out.values` when
   * given; a dense one is written into `out` (a new array by default).
   */
  static apply(vector: EmbeddingVector, weights: Float32Array, out?: EmbeddingVector): EmbeddingVector {
    if (!(vector instanceof Float32Array)) return applySparse(vector, weights, out && !(out instanceof Float32Array) && out.values.length === vector.values.length ? out.values : undefined);
    const target = out instanceof Float32Array ? out : new Float32Array(vector.length);
    let norm = 0;
    for (let d = 0; d < vector.length; d++) {
      const x = vector[d]!;
      if (x === 0) {
        target[d] = 0;
        continue;
      }
      const y = x * weights[d]!;
      target[d] = y;
      norm += y * y;
    }
    if (norm > 0) {
      const inverse = 1 / Math.sqrt(norm);
      for (let d = 0; d < target.length; d++) target[d] = target[d]! * inverse;
    }
    return target;
  }
}

function applySparse(vector: SparseVector, weights: Float32Array, out: Float32Array = new Float32Array(vector.values.length)): SparseVector {
  const { indices, values } = vector;
  let norm = 0;
  for (let k = 0; k < indices.length; k++) {
    const y = values[k]! * weights[indices[k]!]!;
    out[k] = y;
    norm += y * y;
  }
  if (norm > 0) {
    const inverse = 1 / Math.sqrt(norm);
    for (let k = 0; k < out.length; k++) out[k] = out[k]! * inverse;
  }
  return { indices, values: out };
}
