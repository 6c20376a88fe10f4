import { describe, expect, it } from 'vitest';
import { isUnitVector, l2Norm, l2NormalizeInPlace, poolHiddenStates, WeightedVectorSum } from '../../src/embed/pooling.js';

/** A seeded generator, so the property tests below run on the same numbers every time. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32 - 0.5;
  };
}

function randomHidden(batch: number, sequence: number, dimension: number, seed = 1): Float32Array {
  const next = random(seed);
  return Float32Array.from({ length: batch * sequence * dimension }, next);
}

describe('poolHiddenStates', () => {
  it('mean pooling averages the unmasked tokens of each row', () => {
    // Two rows of three tokens, dimension 2; the second row has one padding token.
    const hidden = Float32Array.from([1, 2, 3, 4, 5, 6, /* row 2 */ 10, 20, 30, 40, 999, 999]);
    const mask = [1, 1, 1, 1, 1, 0];
    const [first, second] = poolHiddenStates(hidden, [2, 3, 2], mask, 'mean');
    expect(Array.from(first!)).toEqual([3, 4]);
    expect(Array.from(second!)).toEqual([20, 30]);
  });

  it('cls pooling takes the first token of each row', () => {
    const hidden = Float32Array.from([1, 2, 3, 4, /* row 2 */ 5, 6, 7, 8]);
    const pooled = poolHiddenStates(hidden, [2, 2, 2], [1, 1, 1, 0], 'cls');
    expect(pooled.map((v) => Array.from(v))).toEqual([
      [1, 2],
      [5, 6],
    ]);
  });

  it('accepts a bigint attention mask, as tokenizers produce int64', () => {
    const hidden = Float32Array.from([2, 4, 100]);
    const [vector] = poolHiddenStates(hidden, [1, 3, 1], [1n, 1n, 0n], 'mean');
    expect(vector![0]).toBe(3);
  });

  it('values under padding never change the mean (property over random batches)', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const next = random(seed);
      const sequence = 2 + Math.floor((next() + 0.5) * 10);
      const realTokens = 1 + Math.floor((next() + 0.5) * (sequence - 1));
      const mask = Array.from({ length: sequence }, (_, i) => (i < realTokens ? 1 : 0));
      const hidden = randomHidden(1, sequence, 8, seed);
      const before = poolHiddenStates(hidden, [1, sequence, 8], mask, 'mean')[0]!;
      for (let i = realTokens * 8; i < hidden.length; i++) hidden[i] = 1e6 * next();
      const after = poolHiddenStates(hidden, [1, sequence, 8], mask, 'mean')[0]!;
      expect(Array.from(after)).toEqual(Array.from(before));
    }
  });

  it('a row pooled inside a batch equals the same row pooled alone', () => {
    const hidden = randomHidden(3, 4, 5);
    const mask = [1, 1, 1, 1, 1, 1, 0, 0, 1, 0, 0, 0];
    const batch = poolHiddenStates(hidden, [3, 4, 5], mask, 'mean');
    const alone = poolHiddenStates(hidden.slice(20, 40), [1, 4, 5], mask.slice(4, 8), 'mean');
    expect(Array.from(batch[1]!)).toEqual(Array.from(alone[0]!));
  });

  it('rejects dims that do not match the data', () => {
    expect(() => poolHiddenStates(new Float32Array(10), [2, 3, 2], [1, 1, 1, 1, 1, 1], 'mean')).toThrow(RangeError);
    expect(() => poolHiddenStates(new Float32Array(12), [2, 3, 2], [1, 1, 1], 'mean')).toThrow(RangeError);
  });
});

describe('l2NormalizeInPlace', () => {
  it('scales a vector to unit length and keeps its direction', () => {
    const v = Float32Array.from([3, 4]);
    l2NormalizeInPlace(v);
    expect(v[0]).toBeCloseTo(0.6, 6);
    expect(v[1]).toBeCloseTo(0.8, 6);
  });

  it('gives unit norm for random vectors of any scale', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const scale = 10 ** (seed % 7 - 3);
      const v = randomHidden(1, 1, 64, seed).map((x) => x * scale);
      expect(l2Norm(l2NormalizeInPlace(v))).toBeCloseTo(1, 5);
    }
  });

  it('leaves a zero vector at zero, which isUnitVector then rejects', () => {
    const v = new Float32Array(4);
    l2NormalizeInPlace(v);
    expect(Array.from(v)).toEqual([0, 0, 0, 0]);
    expect(isUnitVector(v)).toBe(false);
  });
});

describe('isUnitVector', () => {
  it('rejects vectors holding NaN or Infinity', () => {
    expect(isUnitVector([1, Number.NaN])).toBe(false);
    expect(isUnitVector([Number.POSITIVE_INFINITY, 0])).toBe(false);
    expect(isUnitVector([0.6, 0.8])).toBe(true);
  });
});

describe('WeightedVectorSum', () => {
  it('computes the weighted mean of the vectors added', () => {
    const sum = new WeightedVectorSum(2);
    sum.add([1, 0], 3);
    sum.add([0, 1], 1);
    expect(Array.from(sum.mean())).toEqual([0.75, 0.25]);
  });

  it('does not depend on the order vectors arrive in (property over random sets)', () => {
    for (let seed = 1; seed <= 10; seed++) {
      const next = random(seed);
      const vectors = Array.from({ length: 6 }, (_, i) => randomHidden(1, 1, 16, seed * 10 + i));
      const weights = vectors.map(() => 1 + Math.floor((next() + 0.5) * 100));
      const forward = new WeightedVectorSum(16);
      const backward = new WeightedVectorSum(16);
      vectors.forEach((v, i) => forward.add(v, weights[i]!));
      [...vectors.keys()].reverse().forEach((i) => backward.add(vectors[i]!, weights[i]!));
      const a = forward.mean();
      const b = backward.mean();
      a.forEach((x, d) => expect(x).toBeCloseTo(b[d]!, 6));
    }
  });

  it('rejects a vector of the wrong dimension', () => {
    expect(() => new WeightedVectorSum(3).add([1, 2], 1)).toThrow(RangeError);
  });
});
