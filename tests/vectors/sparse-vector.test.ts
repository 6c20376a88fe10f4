import { describe, expect, it } from 'vitest';
import { DimensionMismatchError, InvalidVectorError } from '../../src/errors.js';
import { allocateSparseVector, checkEmbeddingVector, denseOf, isSparseVector, sparseFromDense, sparseFromEntries } from '../../src/vectors/sparse-vector.js';

describe('sparse vectors', () => {
  it('are allocated with indices and values in one buffer that do not overlap', () => {
    const vector = allocateSparseVector(3);
    expect(vector.indices.buffer).toBe(vector.values.buffer);
    vector.indices.set([1, 2, 0xffff_ffff]);
    vector.values.set([-1.5, 0.25, 3]);
    expect(Array.from(vector.indices)).toEqual([1, 2, 0xffff_ffff]);
    expect(Array.from(vector.values)).toEqual([-1.5, 0.25, 3]);
    expect(allocateSparseVector(0).indices).toHaveLength(0);
  });

  it('keep the non-zero entries of a dense vector, in ascending order, and give it back', () => {
    const dense = Float32Array.of(0, 0.5, 0, -0.25, 0, 0, 1);
    const sparse = sparseFromDense(dense);
    expect(Array.from(sparse.indices)).toEqual([1, 3, 6]);
    expect(Array.from(sparse.values)).toEqual([0.5, -0.25, 1]);
    expect(isSparseVector(sparse)).toBe(true);
    expect(isSparseVector(dense)).toBe(false);
    expect(Array.from(denseOf(sparse, 7))).toEqual(Array.from(dense));
  });

  it('are built from unordered entries, repeated indices summed and zeros dropped', () => {
    const sparse = sparseFromEntries([9, 2, 9, 4, 4], [0.5, 1, 0.25, 0.5, -0.5]);
    expect(Array.from(sparse.indices)).toEqual([2, 9]);
    expect(Array.from(sparse.values)).toEqual([1, 0.75]);
  });

  it('are checked at the boundary with typed errors', () => {
    const ok = { indices: Uint32Array.of(0, 3), values: Float32Array.of(0.6, 0.8) };
    expect(() => checkEmbeddingVector(ok, 4, 'v')).not.toThrow();
    expect(() => checkEmbeddingVector({ indices: Uint32Array.of(3, 0), values: Float32Array.of(1, 1) }, 4, 'v')).toThrow(InvalidVectorError);
    expect(() => checkEmbeddingVector({ indices: Uint32Array.of(1, 1), values: Float32Array.of(1, 1) }, 4, 'v')).toThrow(/out of order or repeated/);
    expect(() => checkEmbeddingVector({ indices: Uint32Array.of(4), values: Float32Array.of(1) }, 4, 'v')).toThrow(DimensionMismatchError);
    expect(() => checkEmbeddingVector({ indices: Uint32Array.of(1), values: Float32Array.of(Number.NaN) }, 4, 'v')).toThrow(/finite/);
    expect(() => checkEmbeddingVector({ indices: Uint32Array.of(1, 2), values: Float32Array.of(1) }, 4, 'v')).toThrow(/2 indices but 1 values/);
    expect(() => checkEmbeddingVector({ indices: [1], values: [1] }, 4, 'v')).toThrow(InvalidVectorError);
    expect(() => checkEmbeddingVector(new Float32Array(3), 4, 'v')).toThrow(DimensionMismatchError);
    expect(() => checkEmbeddingVector(null, 4, 'v')).toThrow(InvalidVectorError);
  });
});
