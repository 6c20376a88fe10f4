import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../src/seeded-random.js';
import { denseOf, sparseFromDense, type SparseVector } from '../../src/vectors/sparse-vector.js';
import { addVectors, dot, squaredNorm, sumVectors } from '../../src/vectors/vector-math.js';

const DIMENSION = 64;

// Random sparse vectors with about `density` of their dimensions set, negative values too.
function randomSparse(count: number, density: number, seed: number): SparseVector[] {
  const next = seededRandom(seed);
  return Array.from({ length: count }, () => {
    const dense = new Float32Array(DIMENSION);
    for (let d = 0; d < DIMENSION; d++) if (next() < density) dense[d] = next() * 2 - 1;
    return sparseFromDense(dense);
  });
}

function denseDotReference(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let d = 0; d < a.length; d++) s += a[d]! * b[d]!;
  return s;
}

describe('vector arithmetic on either shape', () => {
  const vectors = randomSparse(40, 0.2, 7);
  const dense = vectors.map((v) => denseOf(v, DIMENSION));

  it('gives the dense dot product for sparse·sparse, sparse·dense and dense·dense', () => {
    for (let i = 0; i < vectors.length; i++) {
      for (let j = 0; j < vectors.length; j++) {
        const expected = denseDotReference(dense[i]!, dense[j]!);
        expect(dot(vectors[i]!, vectors[j]!)).toBeCloseTo(expected, 6);
        expect(dot(vectors[i]!, dense[j]!)).toBeCloseTo(expected, 6);
        expect(dot(dense[i]!, vectors[j]!)).toBeCloseTo(expected, 6);
        expect(dot(dense[i]!, dense[j]!)).toBeCloseTo(expected, 6);
      }
    }
  });

  it('sums sparse vectors to exactly the float32 sum a dense loop gives, keeping them sparse', () => {
    const sum = sumVectors(vectors.slice(0, 25)) as SparseVector;
    expect(sum).not.toBeInstanceOf(Float32Array);
    const expected = new Float32Array(DIMENSION);
    for (const v of dense.slice(0, 25)) for (let d = 0; d < DIMENSION; d++) expected[d] = expected[d]! + v[d]!;
    expect(Array.from(denseOf(sum, DIMENSION))).toEqual(Array.from(expected));
    // Strictly ascending indices, no stored zeros.
    for (let k = 1; k < sum.indices.length; k++) expect(sum.indices[k]!).toBeGreaterThan(sum.indices[k - 1]!);
    expect(sum.values.every((x) => x !== 0)).toBe(true);
  });

  it('drops entries that cancel out in a sum', () => {
    const a: SparseVector = { indices: Uint32Array.of(1, 5), values: Float32Array.of(0.5, 0.25) };
    const b: SparseVector = { indices: Uint32Array.of(5, 9), values: Float32Array.of(-0.25, 1) };
    const sum = sumVectors([a, b]) as SparseVector;
    expect(Array.from(sum.indices)).toEqual([1, 9]);
    expect(Array.from(sum.values)).toEqual([0.5, 1]);
  });

  it('adds two sparse vectors into a sparse one and mixed shapes into a dense one', () => {
    const [a, b] = vectors;
    const sparseSum = addVectors(a!, b!);
    expect(sparseSum).not.toBeInstanceOf(Float32Array);
    const mixed = addVectors(a!, dense[1]!);
    expect(mixed).toBeInstanceOf(Float32Array);
    expect(Array.from(denseOf(sparseSum, DIMENSION))).toEqual(Array.from(mixed as Float32Array));
  });

  it('measures the same squared norm for both shapes', () => {
    for (let i = 0; i < vectors.length; i++) expect(squaredNorm(vectors[i]!)).toBeCloseTo(squaredNorm(dense[i]!), 10);
  });

  it('returns a lone vector as its own sum (no copy)', () => {
    expect(sumVectors([vectors[3]!])).toBe(vectors[3]);
  });
});
