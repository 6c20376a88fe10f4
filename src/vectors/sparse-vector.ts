// The two shapes an embedding takes. Model embedders fill every dimension and return a
// Float32Array; the built-in lexical embedder fills 20–300 of 4,096 and returns only those
// (indices and values), so everything after it (weighting, clustering sums, the index,
// caches and bundles) can work in O(non-zeros) instead of O(dimension).

import { DimensionMismatchError, InvalidVectorError } from '../errors.js';

/** A vector stored as its non-zero entries. */
export interface SparseVector {
  /** Dimensions holding a value, strictly ascending. */
  readonly indices: Uint32Array;
  /** The value at each of `indices` (same length). */
  readonly values: Float32Array;
}

/** What an embedder returns for one input: dense (every dimension) or sparse. */
export type EmbeddingVector = Float32Array | SparseVector;

/** Which shape an embedder's vectors have (see `Embedder.vectorKind`). */
export type VectorKind = 'dense' | 'sparse';

/**
 * An all-zero sparse vector of `length` entries whose indices and values share one
 * ArrayBuffer: every typed array costs about 300 bytes beyond its data (JS objects, V8's
 * backing-store record, a malloc block), and a feed holds one or two vectors per article.
 */
export function allocateSparseVector(length: number): SparseVector {
  const buffer = new ArrayBuffer(8 * length);
  return { indices: new Uint32Array(buffer, 0, length), values: new Float32Array(buffer, 4 * length, length) };
}

export function isSparseVector(vector: EmbeddingVector): vector is SparseVector {
  return !(vector instanceof Float32Array);
}

/** The non-zero entries of a dense vector. */
export function sparseFromDense(dense: Float32Array): SparseVector {
  let count = 0;
  for (let d = 0; d < dense.length; d++) if (dense[d] !== 0) count++;
  const { indices, values } = allocateSparseVector(count);
  let k = 0;
  for (let d = 0; d < dense.length; d++) {
    const x = dense[d]!;
    if (x !== 0) {
      indices[k] = d;
      values[k++] = x;
    }
  }
  return { indices, values };
}

/** A dense copy (a dense input is returned as it is). */
export function denseOf(vector: EmbeddingVector, dimension: number): Float32Array {
  if (vector instanceof Float32Array) return vector;
  const dense = new Float32Array(dimension);
  const { indices, values } = vector;
  for (let k = 0; k < indices.length; k++) dense[indices[k]!] = values[k]!;
  return dense;
}

/**
 * Builds a sparse vector from unordered entries (repeated indices are summed, zeros
 * dropped). `indices` and `values` are read, never kept.
 */
export function sparseFromEntries(indices: ArrayLike<number>, values: ArrayLike<number>): SparseVector {
  const n = indices.length;
  const order = new Uint32Array(n);
  for (let k = 0; k < n; k++) order[k] = k;
  order.sort((a, b) => indices[a]! - indices[b]!);
  const sums = new Float64Array(n);
  let count = 0;
  let k = 0;
  while (k < n) {
    const index = indices[order[k]!]!;
    let sum = 0;
    while (k < n && indices[order[k]!] === index) sum += values[order[k++]!]!;
    if (sum !== 0) {
      // Every position before k has been read, and count < k.
      order[count] = index;
      sums[count++] = sum;
    }
  }
  const out = allocateSparseVector(count);
  out.indices.set(order.subarray(0, count));
  for (let i = 0; i < count; i++) out.values[i] = sums[i]!;
  return out;
}

/**
 * Checks a vector from outside (an embedder, a file, a caller): the right type and
 * dimension, finite values, and for sparse vectors equal lengths and strictly ascending
 * indices below `dimension`. `what` names it in messages; `id` is the article, if any.
 */
export function checkEmbeddingVector(vector: unknown, dimension: number, what: string, id?: string): asserts vector is EmbeddingVector {
  if (vector instanceof Float32Array) {
    if (vector.length !== dimension) throw new DimensionMismatchError(dimension, vector.length, what);
    for (let d = 0; d < vector.length; d++) {
      if (!Number.isFinite(vector[d]!)) throw new InvalidVectorError(`${what} holds ${vector[d]} at position ${d}; every value must be finite`, id);
    }
    return;
  }
  const sparse = vector as Partial<SparseVector> | null;
  if (typeof sparse !== 'object' || sparse === null || !(sparse.indices instanceof Uint32Array) || !(sparse.values instanceof Float32Array)) {
    throw new InvalidVectorError(`${what} must be a Float32Array or a sparse vector { indices: Uint32Array, values: Float32Array }`, id);
  }
  const { indices, values } = sparse;
  if (indices.length !== values.length) {
    throw new InvalidVectorError(`${what} has ${indices.length} indices but ${values.length} values`, id);
  }
  let previous = -1;
  for (let k = 0; k < indices.length; k++) {
    const index = indices[k]!;
    if (index <= previous) throw new InvalidVectorError(`${what} has indices out of order or repeated at entry ${k}`, id);
    if (index >= dimension) throw new DimensionMismatchError(dimension, index + 1, `${what} (index ${index})`);
    if (!Number.isFinite(values[k]!)) throw new InvalidVectorError(`${what} holds ${values[k]} at index ${index}; every value must be finite`, id);
    previous = index;
  }
}
