// Arithmetic on embedding vectors of either shape, without densifying sparse ones: a dot
// product of two sparse vectors walks their non-zeros (O(nnz_a + nnz_b)), of a sparse and a
// dense vector gathers (O(nnz)).

import type { EmbeddingVector, SparseVector } from './sparse-vector.js';

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
 * The sum of vectors of one shape (a story's members, for average-linkage sums). Sparse
 * inputs give a sparse sum whose indices are the union of theirs.
 */
export function sumVectors(vectors: readonly EmbeddingVector[], dimension: number): EmbeddingVector {
  if (vectors.length === 1) return vectors[0]!;
  if (vectors.every((v) => !(v instanceof Float32Array))) return sumSparse(vectors as SparseVector[]);
  const sum = new Float32Array(dimension);
  for (const v of vectors) addInto(sum, v);
  return sum;
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
export function addVectors(a: EmbeddingVector, b: EmbeddingVector, dimension: number): EmbeddingVector {
  if (!(a instanceof Float32Array) && !(b instanceof Float32Array)) return mergeSparse(a, b);
  const sum = new Float32Array(dimension);
  addInto(sum, a);
  addInto(sum, b);
  return sum;
}

// A k-way sum by repeated pairwise merges of similar sizes (a balanced tree), so n members
// cost O(total non-zeros × log n) rather than O(n × size of the running sum).
function sumSparse(vectors: SparseVector[]): SparseVector {
  let level = vectors;
  while (level.length > 1) {
    const next: SparseVector[] = [];
    for (let k = 0; k + 1 < level.length; k += 2) next.push(mergeSparse(level[k]!, level[k + 1]!));
    if (level.length % 2 === 1) next.push(level[level.length - 1]!);
    level = next;
  }
  return level[0]!;
}

function mergeSparse(a: SparseVector, b: SparseVector): SparseVector {
  const ai = a.indices;
  const bi = b.indices;
  const av = a.values;
  const bv = b.values;
  const indices = new Uint32Array(ai.length + bi.length);
  const values = new Float32Array(ai.length + bi.length);
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
  return n === indices.length ? { indices, values } : { indices: indices.slice(0, n), values: values.slice(0, n) };
}
