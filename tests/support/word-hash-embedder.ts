// A small, exact embedder for tests of the detector's logic: lowercase words hashed into
// 64 dimensions. Same-word texts get the same vector; texts with no words in common are
// nearly orthogonal. Not multilingual: tests of language handling use the real embedders.

import type { EmbedInput, Embedder, EmbedOptions } from '../../src/embed/embedder.js';
import { sparseFromDense, type SparseVector } from '../../src/vectors/sparse-vector.js';

export class WordHashEmbedder implements Embedder {
  readonly id = 'test-word-hash:v1';
  readonly dimension = 64;
  readonly sameStoryThreshold = 0.5;
  calls = 0;

  async embed(inputs: readonly EmbedInput[], options: EmbedOptions = {}): Promise<Float32Array[]> {
    this.calls++;
    const out = inputs.map((input) => {
      const vector = new Float32Array(this.dimension);
      for (const word of `${input.title ?? ''} ${input.text}`.toLowerCase().match(/\p{L}+/gu) ?? []) {
        let h = 2166136261;
        for (let i = 0; i < word.length; i++) h = Math.imul(h ^ word.charCodeAt(i), 16777619);
        vector[(h >>> 0) % this.dimension]! += 1;
      }
      let norm = 0;
      for (const x of vector) norm += x * x;
      norm = Math.sqrt(norm) || 1;
      for (let i = 0; i < vector.length; i++) vector[i]! /= norm;
      return vector;
    });
    options.onProgress?.({ stage: 'embed', done: inputs.length, total: inputs.length, percent: 1 });
    return out;
  }
}

/**
 * The same vectors returned as their non-zeros, for tests of the sparse path. It shares the
 * dense one's id, as an embedder that switched shapes without changing its space would.
 */
export class SparseWordHashEmbedder implements Embedder {
  readonly vectorKind = 'sparse' as const;
  private readonly dense = new WordHashEmbedder();
  readonly id = this.dense.id;
  readonly dimension = this.dense.dimension;
  readonly sameStoryThreshold = this.dense.sameStoryThreshold;

  get calls(): number {
    return this.dense.calls;
  }

  async embed(inputs: readonly EmbedInput[], options: EmbedOptions = {}): Promise<SparseVector[]> {
    return (await this.dense.embed(inputs, options)).map(sparseFromDense);
  }
}
