// The contract every embedding space implements. Index, clustering and API only see this.

import type { ProgressCallback } from '../progress.js';
import type { EmbeddingVector, VectorKind } from '../vectors/sparse-vector.js';

/** Input to an embedder: the text to embed plus optional hints. */
export interface EmbedInput {
  /** Body text (already cleaned of scrape noise). */
  text: string;
  /** Headline, if known; embedders may weight it more than body text. */
  title?: string;
  /** ISO 639-1 language code when the caller knows it; embedders that need one detect it otherwise. */
  lang?: string;
}

export interface EmbedOptions {
  /** Cancels the work between batches. */
  signal?: AbortSignal;
  /** Called after each batch with the number of inputs embedded so far. */
  onProgress?: ProgressCallback;
}

export interface Embedder {
  /**
   * Identifies the vector space: model + dtype + version. Vectors from embedders with
   * different ids must never be compared or stored in one index.
   */
  readonly id: string;
  /** Length of every vector this embedder returns. */
  readonly dimension: number;
  /**
   * The shape of the vectors `embed` returns: 'dense' (a Float32Array of `dimension`
   * values, as model embedders give) or 'sparse' (only the non-zero entries, as the
   * built-in lexical embedder gives). The detector picks its index and storage by it.
   * @default 'dense'
   */
  readonly vectorKind?: VectorKind;
  /**
   * Cosine similarity above which two articles are taken to report the same story, as
   * calibrated for this embedding space on labelled data (see README). Detectors use it
   * when the caller gives no threshold.
   */
  readonly sameStoryThreshold?: number;
  /**
   * Embeds each input into an L2-normalised vector of length `dimension`: a Float32Array,
   * or a SparseVector (ascending indices, their values) when `vectorKind` is 'sparse'.
   * The vector of an input never depends on the other inputs of the call.
   */
  embed(inputs: readonly EmbedInput[], options?: EmbedOptions): Promise<EmbeddingVector[]>;
  /** Releases model sessions or tables; the embedder cannot be used afterwards. */
  dispose?(): Promise<void>;
}

/** What an embedder can say about why two inputs are close (used by match explanations). */
export interface SharedFeature {
  /** Kind of evidence. */
  kind: 'concept' | 'name' | 'place' | 'number' | 'token';
  /** Human-readable label, e.g. 'north korea' or 'nuclear (pl: nuklearny, de: Atom)'. */
  label: string;
  /** Share of the cosine similarity this feature contributes (sums to ≤ 1 over all features). */
  contribution: number;
}

/** Embedders that can explain a similarity implement this too. */
export interface ExplainingEmbedder extends Embedder {
  explain(a: EmbedInput, b: EmbedInput, options?: { limit?: number }): Promise<SharedFeature[]>;
}

/** The shape of an embedder's vectors ('dense' unless it says otherwise). */
export function vectorKindOf(embedder: Embedder): VectorKind {
  return embedder.vectorKind === 'sparse' ? 'sparse' : 'dense';
}

export function isExplainingEmbedder(embedder: Embedder): embedder is ExplainingEmbedder {
  return typeof (embedder as Partial<ExplainingEmbedder>).explain === 'function';
}
