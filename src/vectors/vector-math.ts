// Arithmetic on embedding vectors of either shape, without densifying sparse ones: a dot
// product of two sparse vectors walks their non-zeros (O(nnz_a + nnz_b)), of a sparse and a
// dense vector gathers (O(nnz)).

import { allocateSparseVector, type EmbeddingVector, type SparseVector } from './sparse-vector.js';

/** Dot product: cosine similarity when both are unit vectors. */
export function dot(a: EmbeddingVector, b: EmbeddingVector): number {
  if (a instanceof Float32Array) return b instanceof Float32Array ? denseDot(a, b) : sparseDenseDot(b, a);
  return b instanceof Float32Array ? sparseDenseDot(a, b) : sparseDot(a, b);
}

export function denseDot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

export function sparseDot(a: SparseVector, b: SparseVector): number {
  const ai = a.indices;
  const bi = b.indices;
  const av = a.values;
  const bv = b.values;
  let i = 0;
  let j = 0;
  let s = 0;
  while (i < ai.length && j < bi.length) {
    const x = ai[i]!;
    const y = bi[j]!;
    if (x === y) s += av[i++]! * bv[j++]!;
    else if (x < y) i++;
    else j++;
  }
  return s;
}

export function sparseDenseDot(a: SparseVector, b: Float32Array): number {
  const { indices, values } = a;
  let s = 0;
  for (let k = 0; k < indices.length; k++) s += values[k]! * b[indices[k]!]!;
  return s;
}

/** Squared L2 norm, summed in float64. */
export function squaredNorm(vector: EmbeddingVector): number {
  const values = vector instanceof Float32Array ? vector : vector.values;
  let s = 0;
  for (let k = 0; k < values.length; k++) s += values[k]! * values[k]!;
  return s;
}

/**
 * The sum of vectors (a story's members, for average-linkage sums), accumulated in float32
 * in the order given, as a dense sum would be. Sparse inputs give a sparse sum whose
 * indices are the union of theirs, at O(total non-zeros) cost plus sorting the union.
 */
export function sumVectors(vectors: readonly EmbeddingVector[]): EmbeddingVector {
  if (vectors.length === 1) return vectors[0]!;
  const dense = vectors.find((v): v is Float32Array => v instanceof Float32Array);
  if (dense) {
    const sum = new Float32Array(dense.length);
    for (const v of vectors) addInto(sum, v);
    return sum;
  }
  let total = 0;
  let top = 0;
  for (const v of vectors as SparseVector[]) {
    total += v.indices.length;
    if (v.indices.length > 0) top = Math.max(top, v.indices[v.indices.length - 1]!);
  }
  const scratch = scratchOf(top + 1);
  const touched = touchedOf(total);
  let n = 0;
  for (const { indices, values } of vectors as SparseVector[]) {
    for (let k = 0; k < indices.length; k++) {
      const d = indices[k]!;
      scratch[d] = scratch[d]! + values[k]!;
      touched[n++] = d;
    }
  }
  return drainScratch(scratch, touched);
}

// Reused dense buffer for sparse sums: all-zero between calls (JavaScript runs one call at
// a time, so one buffer serves every caller).
let scratchBuffer = new Float32Array(0);
// The dimensions a sum touched, reused the same way: a feed sums story members at every
// add(), and a fresh array each time was most of the typed-array memory it allocated.
let touchedBuffer = new Uint32Array(0);
// Kept up to 4 MiB; a larger sum (a story of many thousand articles) gets a fresh array.
const MAX_KEPT_TOUCHED = 1 << 20;
function touchedOf(total: number): Uint32Array {
  if (total > MAX_KEPT_TOUCHED) return new Uint32Array(total);
  if (touchedBuffer.length < total) touchedBuffer = new Uint32Array(Math.min(MAX_KEPT_TOUCHED, Math.max(total, 2 * touchedBuffer.length)));
  return touchedBuffer.subarray(0, total);
}
function scratchOf(dimension: number): Float32Array {
  if (scratchBuffer.length < dimension) scratchBuffer = new Float32Array(dimension);
  return scratchBuffer;
}

// Reads the touched entries of `scratch` out as a sparse vector and zeroes them again.
function drainScratch(scratch: Float32Array, touched: Uint32Array): SparseVector {
  touched.sort();
  let unique = 0;
  for (let k = 0; k < touched.length; k++) {
    const d = touched[k]!;
    if (k > 0 && d === touched[k - 1]) continue;
    if (scratch[d] !== 0) touched[unique++] = d;
    else scratch[d] = 0; // -0 back to +0
  }
  const { indices, values } = allocateSparseVector(unique);
  indices.set(touched.subarray(0, unique));
  for (let k = 0; k < unique; k++) {
    values[k] = scratch[indices[k]!]!;
    scratch[indices[k]!] = 0;
  }
  return { indices, values };
}

/** Adds `vector` into the dense `target` in place. */
export function addInto(target: Float32Array, vector: EmbeddingVector): void {
  if (vector instanceof Float32Array) {
    for (let d = 0; d < target.length; d++) target[d] = target[d]! + vector[d]!;
    return;
  }
  const { indices, values } = vector;
  for (let k = 0; k < indices.length; k++) target[indices[k]!] = target[indices[k]!]! + values[k]!;
}

/** The sum of two vectors as a new vector (sparse when both are sparse). */
export function addVectors(a: EmbeddingVector, b: EmbeddingVector): EmbeddingVector {
  if (!(a instanceof Float32Array) && !(b instanceof Float32Array)) return mergeSparse(a, b);
  const sum = new Float32Array(a instanceof Float32Array ? a.length : (b as Float32Array).length);
  addInto(sum, a);
  addInto(sum, b);
  return sum;
}

function mergeSparse(a: SparseVector, b: SparseVector): SparseVector {
  const ai = a.indices;
  const bi = b.indices;
  const av = a.values;
  const bv = b.values;
  const { indices, values } = allocateSparseVector(ai.length + bi.length);
  let i = 0;
  let j = 0;
  let n = 0;
  while (i < ai.length || j < bi.length) {
    const x = i < ai.length ? ai[i]! : Infinity;
    const y = j < bi.length ? bi[j]! : Infinity;
    if (x === y) {
      indices[n] = x;
      values[n++] = av[i++]! + bv[j++]!;
    } else if (x < y) {
      indices[n] = x;
      values[n++] = av[i++]!;
    } else {
      indices[n] = y;
      values[n++] = bv[j++]!;
    }
  }
  if (n === indices.length) return { indices, values };
  const out = allocateSparseVector(n);
  out.indices.set(indices.subarray(0, n));
  out.values.set(values.subarray(0, n));
  return out;
}
