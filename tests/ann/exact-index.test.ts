import { similarity } from 'ml-distance';
import { describe, expect, it } from 'vitest';
import { ExactIndex } from '../../src/ann/exact-index.js';
import { InvalidOptionsError } from '../../src/errors.js';
import { describeAnnIndexConformance } from './ann-conformance.js';
import { randomVectors, seededRandom } from './random-vectors.js';

describeAnnIndexConformance('ExactIndex', {
  make: (dimension, options) => new ExactIndex(dimension, options),
  load: (dir) => ExactIndex.load(dir),
});

describe('ExactIndex', () => {
  it('gives the same cosine as ml-distance for random vectors of many sizes and dimensions', () => {
    const random = seededRandom(2024);
    for (let trial = 0; trial < 25; trial++) {
      const dimension = 1 + Math.floor(random() * 400);
      const count = 1 + Math.floor(random() * 30);
      const vectors = randomVectors(count + 1, dimension, trial);
      // Scale some vectors: cosine must not care about length.
      vectors.forEach((v, i) => v.forEach((x, j) => (v[j] = x * (1 + (i % 7) * 10))));
      const query = vectors.pop()!;
      const index = new ExactIndex(dimension);
      index.addMany(vectors.map((vector, i) => ({ id: String(i), vector })));
      const found = index.search(query, count);
      expect(found).toHaveLength(count);
      for (const { id, similarity: value } of found) {
        expect(value).toBeCloseTo(similarity.cosine(query, vectors[Number(id)]!), 5);
      }
    }
  });

  it('ranks exactly like sorting every ml-distance cosine', () => {
    const vectors = randomVectors(300, 24, 11);
    const index = new ExactIndex(24);
    index.addMany(vectors.map((vector, i) => ({ id: String(i), vector })));
    for (const query of randomVectors(10, 24, 12)) {
      const expected = vectors
        .map((v, i) => ({ id: String(i), value: similarity.cosine(query, v) }))
        .sort((a, b) => b.value - a.value)
        .slice(0, 15)
        .map((n) => n.id);
      expect(index.search(query, 15).map((n) => n.id)).toEqual(expected);
    }
  });

  it('returns similarity -1 for the opposite direction and clamps rounding to [-1, 1]', () => {
    const index = new ExactIndex(3);
    index.add('up', Float32Array.of(0.1, 0.2, 0.3));
    const [opposite] = index.search(Float32Array.of(-1, -2, -3), 1);
    expect(opposite?.similarity).toBeCloseTo(-1, 6);
    expect(opposite!.similarity).toBeGreaterThanOrEqual(-1);
    expect(index.search(Float32Array.of(3, 6, 9), 1)[0]!.similarity).toBeLessThanOrEqual(1);
  });

  it('breaks similarity ties by insertion order', () => {
    const index = new ExactIndex(2);
    for (const id of ['first', 'second', 'third']) index.add(id, Float32Array.of(1, 1));
    expect(index.search(Float32Array.of(1, 1), 2).map((n) => n.id)).toEqual(['first', 'second']);
  });

  it('rejects an invalid dimension or capacity with InvalidOptionsError', () => {
    expect(() => new ExactIndex(0)).toThrow(InvalidOptionsError);
    expect(() => new ExactIndex(1.5)).toThrow(InvalidOptionsError);
    expect(() => new ExactIndex(8, { maxElements: 0 })).toThrow(InvalidOptionsError);
  });
});
