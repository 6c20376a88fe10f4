// Boundary checks for vectors entering an index (added or used as a query), and the
// unit-length normalisation every index kind stores, so that cosine is a dot product.

import {
  DimensionMismatchError,
  DuplicateIdError,
  InvalidArticleError,
  InvalidOptionsError,
  InvalidVectorError,
} from '../errors.js';
import type { IdMap } from './id-map.js';
import { allocateSparseVector, checkEmbeddingVector, denseOf, type EmbeddingVector, type SparseVector } from '../vectors/sparse-vector.js';

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

/**
 * Checks `vector` (dense or sparse) like `toUnitVector` and returns its non-zeros as a
 * unit-length sparse copy: the sparse index stores and scans only non-zeros, whichever
 * shape came in. Explicit zeros, and values that round to zero once normalised, are
 * dropped so that no posting holds a zero. Throws InvalidVectorError or DimensionMismatchError.
 */
export function toUnitSparseVector(vector: EmbeddingVector, dimension: number, id?: string): SparseVector {
  const what = id === undefined ? 'vector' : `vector of '${id}'`;
  checkEmbeddingVector(vector, dimension, what, id);
  const dense = vector instanceof Float32Array;
  const values = dense ? vector : vector.values;
  let sumOfSquares = 0;
  for (let k = 0; k < values.length; k++) sumOfSquares += values[k]! * values[k]!;
  if (sumOfSquares === 0) {
    throw new InvalidVectorError(`${what} is all zeros and has no direction to compare by cosine`, id);
  }
  const norm = Math.sqrt(sumOfSquares);
  let count = 0;
  for (let k = 0; k < values.length; k++) if (Math.fround(values[k]! / norm) !== 0) count++;
  const { indices: unitIndices, values: unitValues } = allocateSparseVector(count);
  let n = 0;
  for (let k = 0; k < values.length; k++) {
    const unit = Math.fround(values[k]! / norm);
    if (unit === 0) continue;
    unitIndices[n] = dense ? k : vector.indices[k]!;
    unitValues[n++] = unit;
  }
  return { indices: unitIndices, values: unitValues };
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
  return checkBatchWith(items, idMap, (vector, id) => toUnitVector(vector, dimension, id));
}

/** `checkBatch` with the index's own conversion of each vector (e.g. `toUnitSparseVector`). */
export function checkBatchWith<T>(
  items: ReadonlyArray<{ id: string; vector: EmbeddingVector }>,
  idMap: IdMap,
  toUnit: (vector: EmbeddingVector, id: string) => T,
): T[] {
  const seen = new Set<string>();
  return items.map(({ id, vector }) => {
    if (typeof id !== 'string') throw new InvalidArticleError(`article id must be a string, got ${typeof id}`);
    if (idMap.has(id) || seen.has(id)) throw new DuplicateIdError(id);
    seen.add(id);
    return toUnit(vector, id);
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
