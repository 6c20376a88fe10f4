// The contract every embedding space implements. Index, clustering and API only see this.

import type { ProgressCallback } from '../progress.js';

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
   * Cosine similarity above which two articles are taken to report the same story, as
   * calibrated for this embedding space on labelled data (see README). Detectors use it
   * when the caller gives no threshold.
   */
  readonly sameStoryThreshold?: number;
  /**
   * Embeds each input into an L2-normalised Float32Array of length `dimension`.
   * The vector of an input never depends on the other inputs of the call.
   */
  embed(inputs: readonly EmbedInput[], options?: EmbedOptions): Promise<Float32Array[]>;
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

export function isExplainingEmbedder(embedder: Embedder): embedder is ExplainingEmbedder {
  return typeof (embedder as Partial<ExplainingEmbedder>).explain === 'function';
}
