import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ANN_DATA_FILE, ANN_META_FILE } from '../../src/ann/ann-files.js';
import type { Neighbor } from '../../src/ann/ann-index.js';
import { ExactIndex } from '../../src/ann/exact-index.js';
import { SparseIndex } from '../../src/ann/sparse-index.js';
import { DimensionMismatchError, InvalidOptionsError, InvalidVectorError } from '../../src/errors.js';
import { denseOf, type SparseVector } from '../../src/vectors/sparse-vector.js';
import { describeAnnIndexConformance } from './ann-conformance.js';
import { seededRandom, skewedSparseVectors } from './random-vectors.js';

describeAnnIndexConformance('SparseIndex', {
  make: (dimension, options) => new SparseIndex(dimension, options),
  load: (dir) => SparseIndex.load(dir),
});

const sparse = (indices: number[], values: number[]): SparseVector => ({
  indices: Uint32Array.from(indices),
  values: Float32Array.from(values),
});

// The reference: every live vector scored by a plain sparse dot product of the unit vectors,
// sorted by similarity, ties in insertion order.
class BruteForce {
  #vectors = new Map<string, SparseVector>();

  add(id: string, vector: SparseVector): void {
    this.#vectors.set(id, unit(vector));
  }

  delete(id: string): void {
    this.#vectors.delete(id);
  }

  search(query: SparseVector, k: number, exclude: ReadonlySet<string> = new Set()): Neighbor[] {
    const q = unit(query);
    return [...this.#vectors]
      .filter(([id]) => !exclude.has(id))
      .map(([id, v], order) => ({ id, similarity: dot(q, v), order }))
      .sort((a, b) => b.similarity - a.similarity || a.order - b.order)
      .slice(0, k)
      .map(({ id, similarity }) => ({ id, similarity }));
  }
}

function unit({ indices, values }: SparseVector): SparseVector {
  let sumOfSquares = 0;
  for (const value of values) sumOfSquares += value * value;
  const norm = Math.sqrt(sumOfSquares);
  return { indices, values: values.map((value) => value / norm) };
}

function dot(a: SparseVector, b: SparseVector): number {
  let i = 0;
  let j = 0;
  let sum = 0;
  while (i < a.indices.length && j < b.indices.length) {
    if (a.indices[i] === b.indices[j]) sum += a.values[i++]! * b.values[j++]!;
    else if (a.indices[i]! < b.indices[j]!) i++;
    else j++;
  }
  return sum;
}

function expectSameNeighbours(found: Neighbor[], expected: Neighbor[]): void {
  expect(found.map((n) => n.id)).toEqual(expected.map((n) => n.id));
  found.forEach((n, i) => expect(Math.abs(n.similarity - expected[i]!.similarity)).toBeLessThan(1e-6));
}

// A SparseIndex and the brute-force reference holding the same vectors (ids v0, v1, ...).
function indexWithReference(dimension: number, vectors: readonly SparseVector[]): { index: SparseIndex; reference: BruteForce } {
  const index = new SparseIndex(dimension);
  const reference = new BruteForce();
  vectors.forEach((vector, i) => {
    index.add(`v${i}`, vector);
    reference.add(`v${i}`, vector);
  });
  return { index, reference };
}

// Deletes each stored vector from both with probability `share`.
function deleteFromBoth(index: SparseIndex, reference: BruteForce, random: () => number, share: number): void {
  for (const id of index.ids()) {
    if (random() < share) {
      index.delete(id);
      reference.delete(id);
    }
  }
}

describe('SparseIndex', () => {
  describe('exact answers', () => {
    it('returns exactly what brute force returns on skewed signed data, through deletes and re-adds', () => {
      const dimension = 400;
      const vectors = skewedSparseVectors(1200, dimension, 17);
      const queries = skewedSparseVectors(60, dimension, 18);
      const random = seededRandom(19);
      const index = new SparseIndex(dimension, { maxElements: 16 });
      const reference = new BruteForce();
      const add = (id: string, vector: SparseVector) => {
        index.add(id, vector);
        reference.add(id, vector);
      };
      let next = 0;
      let prunedSearches = 0;
      const checkQueries = () => {
        queries.forEach((query, q) => {
          const k = [1, 3, 10, 40][q % 4]!;
          const live = index.ids();
          const exclude = new Set(q % 3 === 0 ? [live[q % live.length]!, 'never-added'] : []);
          expectSameNeighbours(index.search(query, k, { exclude }), reference.search(query, k, exclude));
          const stats = index.lastSearchStats;
          if (stats.postingsScanned < stats.postingsInQueryLists) prunedSearches++;
        });
      };
      for (; next < 600; next++) add(`v${next}`, vectors[next]!);
      checkQueries();
      // Deleting most of them compacts (tombstones pass a quarter of the live vectors), renumbers
      // and shrinks the arrays that deletes emptied.
      deleteFromBoth(index, reference, random, 0.9);
      checkQueries();
      // Deleted ids come back with other vectors, and the index grows again.
      for (let i = 0; i < 100; i++) if (!index.has(`v${i}`)) add(`v${i}`, vectors[1100 + i]!);
      for (; next < 1100; next++) add(`v${next}`, vectors[next]!);
      checkQueries();
      // Stored vectors as queries: each finds itself first.
      for (const id of index.ids().slice(0, 50)) {
        const stored = index.get(id)!;
        expectSameNeighbours(index.search(stored, 5), reference.search(stored, 5));
        expect(index.search(stored, 1)[0]!.id).toBe(id);
      }
      // The comparison covered searches that stopped early as well as full ones.
      expect(prunedSearches).toBeGreaterThan(20);
      expect(prunedSearches).toBeLessThan(3 * queries.length);
    });

    it('answers exactly when the query reaches most stored vectors (every label summed, none tracked)', () => {
      // 40 dimensions, ~24 signed non-zeros each: every query's lists hold several postings
      // per stored vector, the case where the index sums all labels instead of tracking them.
      const dimension = 40;
      const vectors = skewedSparseVectors(900, dimension, 51, { hotDimensions: 8, rareFeatures: 20 });
      const queries = skewedSparseVectors(40, dimension, 52, { hotDimensions: 8, rareFeatures: 20 });
      const random = seededRandom(53);
      const { index, reference } = indexWithReference(dimension, vectors);
      const checkQueries = () => {
        queries.forEach((query, q) => {
          const k = [1, 10, 40, index.size + 5][q % 4]!;
          const live = index.ids();
          const exclude = new Set(q % 3 === 0 ? [live[q % live.length]!, live[(7 * q) % live.length]!] : []);
          expectSameNeighbours(index.search(query, k, { exclude }), reference.search(query, k, exclude));
          expect(index.lastSearchStats.postingsInQueryLists).toBeGreaterThanOrEqual(4 * index.size);
        });
      };
      checkQueries();
      deleteFromBoth(index, reference, random, 0.4);
      checkQueries();
    });

    it('answers exactly when a dimension holds values of every magnitude tier, with ties and negative values', () => {
      // 60 dimensions, 16 signed non-zeros each, magnitudes from 1 down to 1/4,000: each
      // dimension's postings fill all of its tier lists, so the bound on what the unread lists
      // can add counts one tier per dimension, and every label is summed. Every fifth vector
      // repeats an earlier one, so the k-th similarity is often a tie.
      const dimension = 60;
      const random = seededRandom(61);
      const randomVector = (): SparseVector => {
        const indices = new Set<number>();
        // Low dimensions are common, as frequent features are.
        while (indices.size < 16) indices.add(Math.floor(dimension * random() ** 2));
        const sorted = [...indices].sort((a, b) => a - b);
        return sparse(sorted, sorted.map(() => (random() < 0.5 ? -1 : 1) * 4 ** (-6 * random())));
      };
      const vectors: SparseVector[] = [];
      for (let i = 0; i < 1500; i++) vectors.push(i % 5 === 4 ? vectors[Math.floor(random() * i)]! : randomVector());
      const queries = [...Array.from({ length: 30 }, randomVector), ...vectors.slice(0, 10)];
      const { index, reference } = indexWithReference(dimension, vectors);
      let prunedSearches = 0;
      const checkQueries = () => {
        queries.forEach((query, q) => {
          const k = [1, 10, 40][q % 3]!;
          const live = index.ids();
          const exclude = new Set(q % 4 === 0 ? [live[q % live.length]!, live[(11 * q) % live.length]!] : []);
          expectSameNeighbours(index.search(query, k, { exclude }), reference.search(query, k, exclude));
          const stats = index.lastSearchStats;
          expect(stats.postingsInQueryLists).toBeGreaterThanOrEqual(4 * index.size);
          if (stats.postingsScanned < stats.postingsInQueryLists) prunedSearches++;
        });
      };
      checkQueries();
      deleteFromBoth(index, reference, random, 0.3);
      checkQueries();
      // The comparison covered searches that stopped before the last list.
      expect(prunedSearches).toBeGreaterThan(queries.length / 2);
    });

    it('returns exactly what brute force returns on small collections, for every k up to their size', () => {
      const random = seededRandom(41);
      const randomVector = (dimension: number): SparseVector => {
        const indices = [...new Set(Array.from({ length: 1 + Math.floor(random() * 4) }, () => Math.floor(random() * dimension)))];
        return sparse(indices.sort((a, b) => a - b), indices.map(() => random() * 2 - 1 || 0.5));
      };
      for (let trial = 0; trial < 300; trial++) {
        const dimension = 4 + Math.floor(random() * 12);
        const count = 1 + Math.floor(random() * 30);
        const index = new SparseIndex(dimension, { maxElements: 4 });
        const reference = new BruteForce();
        for (let i = 0; i < count; i++) {
          const vector = randomVector(dimension);
          index.add(`v${i}`, vector);
          reference.add(`v${i}`, vector);
        }
        const query = randomVector(dimension);
        const exclude = new Set(random() < 0.3 ? [`v${Math.floor(random() * count)}`] : []);
        for (let k = 1; k <= count + 1; k++) {
          expectSameNeighbours(index.search(query, k, { exclude }), reference.search(query, k, exclude));
        }
      }
    });

    it('ranks like ExactIndex over the same vectors given dense', () => {
      const dimension = 300;
      const vectors = skewedSparseVectors(500, dimension, 5);
      const index = new SparseIndex(dimension);
      const exact = new ExactIndex(dimension);
      vectors.forEach((vector, i) => {
        index.add(String(i), vector);
        exact.add(String(i), denseOf(vector, dimension));
      });
      for (const query of skewedSparseVectors(20, dimension, 6)) {
        const found = index.search(query, 10);
        const expected = exact.search(denseOf(query, dimension), 10);
        expect(found.map((n) => n.id)).toEqual(expected.map((n) => n.id));
        found.forEach((n, i) => expect(n.similarity).toBeCloseTo(expected[i]!.similarity, 6));
      }
    });

    it('fills the answer with similarity-0 vectors in insertion order when too few share a dimension', () => {
      const index = new SparseIndex(10);
      index.add('opposite', sparse([0], [-1]));
      index.add('unrelated-1', sparse([5], [1]));
      index.add('match', sparse([0, 1], [1, 1]));
      index.add('unrelated-2', sparse([7], [2]));
      const found = index.search(sparse([0], [3]), 4);
      expect(found.map((n) => n.id)).toEqual(['match', 'unrelated-1', 'unrelated-2', 'opposite']);
      expect(found.map((n) => n.similarity)).toEqual([Math.SQRT1_2, 0, 0, -1].map((s) => expect.closeTo(s, 6)));
    });

    it('breaks similarity ties by insertion order', () => {
      const index = new SparseIndex(8);
      for (const id of ['first', 'second', 'third']) index.add(id, sparse([2, 5], [1, -1]));
      index.add('unrelated', sparse([3], [1]));
      expect(index.search(sparse([2, 5], [1, -1]), 2).map((n) => n.id)).toEqual(['first', 'second']);
    });
  });

  describe('pruning', () => {
    // Four features in 30-60 % of the vectors, weighing little (as idf weighting makes them).
    const dimension = 1024;
    const vectors = skewedSparseVectors(3000, dimension, 23, { hotDimensions: 4, hotScale: 0.1 });

    it('skips most of the postings of frequent features, and still answers exactly', () => {
      const { index, reference } = indexWithReference(dimension, vectors);
      let inQueryLists = 0;
      let scanned = 0;
      for (const query of vectors.slice(0, 100)) {
        expectSameNeighbours(index.search(query, 10), reference.search(query, 10));
        const stats = index.lastSearchStats;
        expect(stats.postingsScanned).toBeLessThanOrEqual(stats.postingsInQueryLists);
        inQueryLists += stats.postingsInQueryLists;
        scanned += stats.postingsScanned;
      }
      // The four frequent features hold 42 % of the postings in these queries' lists;
      // measured: 48 % of all the postings read.
      expect(scanned).toBeLessThan(0.6 * inQueryLists);
    });

    it('reports what the last search read', () => {
      const index = new SparseIndex(16);
      index.addMany([
        { id: 'a', vector: sparse([1, 2], [1, 1]) },
        { id: 'b', vector: sparse([2, 3], [1, 1]) },
      ]);
      index.search(sparse([2], [1]), 1);
      expect(index.lastSearchStats.postingsInQueryLists).toBe(2);
      expect(index.lastSearchStats.postingsScanned).toBe(2);
      expect(index.lastSearchStats.candidatesRescored).toBeGreaterThan(0);
    });
  });

  describe('vectors in and out', () => {
    it('stores the non-zeros of a dense vector and returns them as a unit sparse vector', () => {
      const index = new SparseIndex(6);
      index.add('a', Float32Array.of(0, 3, 0, 0, -4, 0));
      const stored = index.get('a')!;
      expect(stored).toEqual(sparse([1, 4], [0.6, -0.8]));
      expect(stored.values).toBeInstanceOf(Float32Array);
    });

    it('drops explicit zeros of a sparse vector', () => {
      const index = new SparseIndex(6);
      index.add('a', sparse([0, 2, 5], [0, 2, 0]));
      expect(index.get('a')).toEqual(sparse([2], [1]));
    });

    it('keeps no reference to the caller’s sparse arrays, nor hands out its own', () => {
      const index = new SparseIndex(6);
      const vector = sparse([1, 3], [1, 1]);
      index.add('a', vector);
      vector.values.fill(5);
      vector.indices[1] = 4;
      index.get('a')!.values.fill(7);
      expect(index.get('a')).toEqual(sparse([1, 3], [Math.SQRT1_2, Math.SQRT1_2]));
    });

    it('accepts a sparse query for dense-added vectors and the other way round', () => {
      const index = new SparseIndex(4);
      index.add('dense', Float32Array.of(1, 0, 1, 0));
      index.add('sparse', sparse([1, 3], [2, 2]));
      expect(index.search(sparse([0, 2], [1, 1]), 1)[0]!.id).toBe('dense');
      expect(index.search(Float32Array.of(0, 1, 0, 1), 1)[0]!.id).toBe('sparse');
    });

    it('rejects malformed sparse vectors with InvalidVectorError or DimensionMismatchError', () => {
      const index = new SparseIndex(8);
      expect(() => index.add('unordered', sparse([3, 1], [1, 1]))).toThrow(InvalidVectorError);
      expect(() => index.add('repeated', sparse([2, 2], [1, 1]))).toThrow(InvalidVectorError);
      expect(() => index.add('lengths', { indices: Uint32Array.of(1, 2), values: Float32Array.of(1) })).toThrow(InvalidVectorError);
      expect(() => index.add('nan', sparse([1], [Number.NaN]))).toThrow(InvalidVectorError);
      expect(() => index.add('empty', sparse([], []))).toThrow(/all zeros/);
      expect(() => index.add('zeros', sparse([1, 2], [0, 0]))).toThrow(/all zeros/);
      expect(() => index.add('wide', sparse([8], [1]))).toThrow(DimensionMismatchError);
      expect(() => index.search(sparse([9], [1]), 1)).toThrow(DimensionMismatchError);
      expect(index.size).toBe(0);
    });

    it('rejects an invalid dimension or capacity with InvalidOptionsError', () => {
      expect(() => new SparseIndex(0)).toThrow(InvalidOptionsError);
      expect(() => new SparseIndex(4.5)).toThrow(InvalidOptionsError);
      expect(() => new SparseIndex(8, { maxElements: 0 })).toThrow(/maxElements/);
    });
  });

  describe('loading', () => {
    let dir: string;
    beforeEach(async () => {
      dir = await mkdtemp(path.join(tmpdir(), 'samestory-sparse-'));
    });
    afterEach(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    it('answers exactly as before saving, on skewed data after deletes', async () => {
      const vectors = skewedSparseVectors(400, 200, 31);
      const index = new SparseIndex(200);
      index.addMany(vectors.map((vector, i) => ({ id: `v${i}`, vector })));
      for (let i = 0; i < 400; i += 3) index.delete(`v${i}`);
      await index.save(dir);
      const loaded = await SparseIndex.load(dir);
      for (const query of skewedSparseVectors(20, 200, 32)) expect(loaded.search(query, 10)).toEqual(index.search(query, 10));
    });

    it('loads despite an absurd saved capacity, without allocating it', async () => {
      const index = new SparseIndex(8);
      index.add('a', sparse([1, 4], [1, 2]));
      await index.save(dir);
      const metaPath = path.join(dir, ANN_META_FILE);
      const meta = JSON.parse(await readFile(metaPath, 'utf8')) as { options: Record<string, number> };
      meta.options.maxElements = 1e12;
      await writeFile(metaPath, JSON.stringify(meta));
      const loaded = await SparseIndex.load(dir);
      expect(loaded.search(sparse([4], [1]), 1)[0]!.id).toBe('a');
    });

    it('refuses an exact index folder, pointing to loadAnnIndex', async () => {
      await new ExactIndex(4).save(dir);
      await expect(SparseIndex.load(dir)).rejects.toThrow(/'exact' index.*loadAnnIndex/);
    });

    it('refuses a data file with rows out of order even when its checksum matches', async () => {
      const index = new SparseIndex(8);
      index.add('a', sparse([1, 4, 6], [1, 2, 3]));
      await index.save(dir);
      const dataPath = path.join(dir, ANN_DATA_FILE);
      const bytes = await readFile(dataPath);
      // Header (20 bytes), then two row starts, then the dimensions 1, 4, 6: make them 1, 6, 4.
      bytes.writeUInt32LE(6, 20 + 8 + 4);
      bytes.writeUInt32LE(4, 20 + 8 + 8);
      await writeFile(dataPath, bytes);
      const metaPath = path.join(dir, ANN_META_FILE);
      const meta = JSON.parse(await readFile(metaPath, 'utf8')) as Record<string, unknown>;
      meta.dataSha256 = createHash('sha256').update(bytes).digest('hex');
      await writeFile(metaPath, JSON.stringify(meta));
      await expect(SparseIndex.load(dir)).rejects.toThrow(/corrupt: row 0 has dimensions out of order/);
    });
  });
});
