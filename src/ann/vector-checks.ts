// Boundary checks for vectors entering an index (added or used as a query), and the
// unit-length normalisation both index kinds store, so that cosine is a dot product.

import {
  DimensionMismatchError,
  DuplicateIdError,
  InvalidArticleError,
  InvalidOptionsError,
  InvalidVectorError,
} from '../errors.js';
import type { IdMap } from './id-map.js';
import { checkEmbeddingVector, denseOf, type EmbeddingVector } from '../vectors/sparse-vector.js';

/**
 * Checks that `vector` is a Float32Array of `dimension` finite numbers with a non-zero
 * norm, and returns a unit-length copy (the caller's array is never modified). A sparse
 * vector is checked and made dense: the dense indexes (exact scan, HNSW) store every
 * dimension. Throws InvalidVectorError or DimensionMismatchError; `id` names the article.
 */
export function toUnitVector(vector: EmbeddingVector, dimension: number, id?: string): Float32Array {
  const what = id === undefined ? 'vector' : `vector of '${id}'`;
  if (!(vector instanceof Float32Array)) {
    if (typeof vector !== 'object' || vector === null || !('indices' in vector)) {
      throw new InvalidVectorError(`${what} must be a Float32Array or a sparse vector, got ${describe(vector)}`, id);
    }
    checkEmbeddingVector(vector, dimension, what, id);
    vector = denseOf(vector, dimension);
  }
  if (vector.length !== dimension) throw new DimensionMismatchError(dimension, vector.length, what);
  // Summing squares in float64 keeps the norm exact enough for 1,000+ dimensions.
  let sumOfSquares = 0;
  for (let i = 0; i < vector.length; i++) {
    const value = vector[i]!;
    if (!Number.isFinite(value)) {
      throw new InvalidVectorError(`${what} holds ${value} at position ${i}; every value must be finite`, id);
    }
    sumOfSquares += value * value;
  }
  if (sumOfSquares === 0) {
    throw new InvalidVectorError(`${what} is all zeros and has no direction to compare by cosine`, id);
  }
  const norm = Math.sqrt(sumOfSquares);
  const unit = new Float32Array(dimension);
  for (let i = 0; i < dimension; i++) unit[i] = vector[i]! / norm;
  return unit;
}

/** Throws InvalidOptionsError unless `k` (number of neighbours asked for) is a non-negative integer. */
export function checkNeighborCount(k: number): void {
  if (!Number.isSafeInteger(k) || k < 0) {
    throw new InvalidOptionsError('k', `must be a non-negative integer, got ${String(k)}`);
  }
}

/** Throws InvalidOptionsError unless `dimension` is a positive integer. */
export function checkDimension(dimension: number): void {
  if (!Number.isSafeInteger(dimension) || dimension < 1) {
    throw new InvalidOptionsError('dimension', `must be a positive integer, got ${String(dimension)}`);
  }
}

/**
 * Validates a whole batch before anything is inserted (all-or-nothing): each vector, and
 * ids duplicated within the batch or already live in `idMap`. Returns the unit vectors.
 */
export function checkBatch(
  items: ReadonlyArray<{ id: string; vector: EmbeddingVector }>,
  dimension: number,
  idMap: IdMap,
): Float32Array[] {
  const seen = new Set<string>();
  return items.map(({ id, vector }) => {
    if (typeof id !== 'string') throw new InvalidArticleError(`article id must be a string, got ${typeof id}`);
    if (idMap.has(id) || seen.has(id)) throw new DuplicateIdError(id);
    seen.add(id);
    return toUnitVector(vector, dimension, id);
  });
}

/** Float rounding can push the dot product of two unit vectors a hair past ±1. */
export function clampSimilarity(value: number): number {
  return value > 1 ? 1 : value < -1 ? -1 : value;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'object') return value.constructor?.name ?? 'object';
  return typeof value;
}
