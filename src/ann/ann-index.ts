// The contract for nearest-neighbour search over article vectors, keyed by article id.

import type { EmbeddingVector } from '../vectors/sparse-vector.js';

export interface Neighbor {
  /** Article id. */
  id: string;
  /** Cosine similarity in [-1, 1] (1 = same direction). */
  similarity: number;
}

export interface SearchOptions {
  /** Ignore these ids (e.g. the query article itself). */
  exclude?: ReadonlySet<string>;
}

export interface AnnIndex {
  /** Vector length every added vector must have. */
  readonly dimension: number;
  /** Number of live (not deleted) vectors. */
  readonly size: number;
  /** Adds a vector under a new id. Throws DuplicateIdError, DimensionMismatchError, InvalidVectorError. */
  add(id: string, vector: EmbeddingVector): void;
  /** Adds many vectors; same checks as add, all-or-nothing validation before any insert. */
  addMany(items: ReadonlyArray<{ id: string; vector: EmbeddingVector }>): void;
  /** True when the id is present and not deleted. */
  has(id: string): boolean;
  /** The stored vector (normalised; dense indexes return it dense), or undefined. */
  get(id: string): EmbeddingVector | undefined;
  /** Removes an id; returns false when it was not present. */
  delete(id: string): boolean;
  /** The k most similar live vectors, most similar first. */
  search(vector: EmbeddingVector, k: number, options?: SearchOptions): Neighbor[];
  /** All live ids in insertion order. */
  ids(): string[];
  /** Writes the index to `dir` atomically (temp file, fsync, rename). */
  save(dir: string): Promise<void>;
}
