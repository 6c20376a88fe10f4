// The contract for nearest-neighbour search over article vectors, keyed by article id.

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
  add(id: string, vector: Float32Array): void;
  /** Adds many vectors; same checks as add, all-or-nothing validation before any insert. */
  addMany(items: ReadonlyArray<{ id: string; vector: Float32Array }>): void;
  /** True when the id is present and not deleted. */
  has(id: string): boolean;
  /** The stored vector (normalised), or undefined. */
  get(id: string): Float32Array | undefined;
  /** Removes an id; returns false when it was not present. */
  delete(id: string): boolean;
  /** The k most similar live vectors, most similar first. */
  search(vector: Float32Array, k: number, options?: SearchOptions): Neighbor[];
  /** All live ids in insertion order. */
  ids(): string[];
  /** Writes the index to `dir` atomically (temp file, fsync, rename). */
  save(dir: string): Promise<void>;
}
