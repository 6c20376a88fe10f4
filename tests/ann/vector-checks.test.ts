import { describe, expect, it } from 'vitest';
import { IdMap } from '../../src/ann/id-map.js';
import { checkBatch, clampSimilarity, toUnitVector } from '../../src/ann/vector-checks.js';
import { DimensionMismatchError, DuplicateIdError, InvalidArticleError, InvalidVectorError } from '../../src/errors.js';

describe('toUnitVector', () => {
  it('returns a unit-length copy in the same direction', () => {
    const input = Float32Array.of(3, 0, 4);
    const unit = toUnitVector(input, 3);
    expect(Array.from(unit)).toEqual([Math.fround(0.6), 0, Math.fround(0.8)]);
    expect(Array.from(input)).toEqual([3, 0, 4]);
  });

  it('handles very small and very large magnitudes without losing the direction', () => {
    const half = Math.fround(Math.SQRT1_2);
    expect(Array.from(toUnitVector(Float32Array.of(1e-30, 1e-30), 2))).toEqual([half, half]);
    expect(Array.from(toUnitVector(Float32Array.of(3e38, 0), 2))).toEqual([1, 0]);
  });

  it('names the article and the problem in its errors', () => {
    expect(() => toUnitVector(Float32Array.of(1, 2), 3, 'a1')).toThrow(DimensionMismatchError);
    expect(() => toUnitVector(Float32Array.of(1, Number.NaN), 2, 'a1')).toThrow(/'a1'.*NaN at position 1/);
    expect(() => toUnitVector(Float32Array.of(0, 0), 2)).toThrow(/all zeros/);
    expect(() => toUnitVector(new Float64Array(2) as unknown as Float32Array, 2)).toThrow(/Float32Array or a sparse vector, got Float64Array/);
    try {
      toUnitVector(Float32Array.of(0, 0), 2, 'a2');
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidVectorError);
      expect((error as InvalidVectorError).id).toBe('a2');
    }
  });
});

describe('checkBatch', () => {
  it('rejects ids duplicated in the batch or already present, and non-string ids', () => {
    const present = new IdMap();
    present.assign('old');
    const v = Float32Array.of(1, 0);
    expect(checkBatch([{ id: 'new', vector: v }], 2, present)).toHaveLength(1);
    expect(() => checkBatch([{ id: 'old', vector: v }], 2, present)).toThrow(DuplicateIdError);
    expect(() => checkBatch([{ id: 'n', vector: v }, { id: 'n', vector: v }], 2, present)).toThrow(DuplicateIdError);
    expect(() => checkBatch([{ id: 7 as unknown as string, vector: v }], 2, present)).toThrow(InvalidArticleError);
  });
});

describe('clampSimilarity', () => {
  it('keeps values inside [-1, 1]', () => {
    expect([clampSimilarity(1.0000001), clampSimilarity(-1.0000001), clampSimilarity(0.3)]).toEqual([1, -1, 0.3]);
  });
});
