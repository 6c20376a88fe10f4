// The contract for per-article state: the articles of the active window, their vectors,
// their candidate neighbours and the index that finds them, all addressed by one integer,
// the article's *position* (order of arrival; removed positions stay empty until
// `compact` renumbers them away). The detector drives a store and keeps nothing per article
// itself, so a store backed by a database can replace the in-memory one.

import type { NormalizedArticle } from '../article.js';
import type { AnnIndex } from '../ann/ann-index.js';
import type { EmbeddingVector } from '../vectors/sparse-vector.js';

/** Candidate neighbours of one article: positions and their similarities, best first. */
export interface NeighborList {
  readonly positions: Int32Array;
  readonly similarities: Float64Array;
}

/**
 * An all-zero neighbour list of `length` edges in one ArrayBuffer (similarities first, for
 * their 8-byte alignment): one typed array fewer per article, about 300 bytes each.
 */
export function allocateNeighborList(length: number): NeighborList {
  const buffer = new ArrayBuffer(12 * length);
  return { similarities: new Float64Array(buffer, 0, length), positions: new Int32Array(buffer, 8 * length, length) };
}

/** A position found by `search`, with its cosine similarity in embedder space. */
export interface PositionMatch {
  position: number;
  similarity: number;
}

/** Everything a store holds, with positions dense (taken after `compact`). */
export interface StoreSnapshot {
  articles: NormalizedArticle[];
  vectors: EmbeddingVector[];
  neighborLists: NeighborList[];
  index: AnnIndex;
}

export interface ArticleStore {
  /** Length of every vector. */
  readonly dimension: number;
  /** Positions handed out so far, removed ones included until `compact`. */
  readonly count: number;
  /** Live (not removed) articles. */
  readonly size: number;
  /** Removed positions not yet compacted away. */
  readonly removedCount: number;
  /** Position of a live article, or undefined. */
  positionOf(id: string): number | undefined;
  /** The article at a live position (undefined once removed). */
  article(position: number): NormalizedArticle | undefined;
  /** The vector (embedder space) at a live position (undefined once removed). */
  vector(position: number): EmbeddingVector | undefined;
  /** Every position's vector, undefined for removed ones (for re-weighting the collection). */
  vectors(): ReadonlyArray<EmbeddingVector | undefined>;
  /** Candidate neighbours found for the article at `position` when it was added. */
  neighbors(position: number): NeighborList;
  /**
   * Stores a batch at positions `count` .. `count + articles.length - 1` (returns the
   * first), indexes the vectors and finds each new article's candidate neighbours among
   * everything stored, the batch included. All or nothing: a batch that fails to index
   * leaves the store as it was.
   */
  addBatch(articles: readonly NormalizedArticle[], vectors: readonly EmbeddingVector[]): Promise<number>;
  /** The `k` live positions most similar to `vector`, best first. */
  search(vector: EmbeddingVector, k: number): Promise<PositionMatch[]>;
  /** Removes a live position (its article leaves the active window). */
  remove(position: number): void;
  /**
   * Renumbers positions so removed ones take no room, keeping the order of arrival.
   * Returns `newPositionOf[old]` (-1 for removed), or undefined when nothing was removed.
   */
  compact(): Int32Array | undefined;
  /** What a save writes; call after `compact` so positions are dense. */
  snapshot(): StoreSnapshot;
}
