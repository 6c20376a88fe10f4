import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ANN_DATA_FILE, ANN_META_FILE } from '../../src/ann/ann-files.js';
import { ExactIndex } from '../../src/ann/exact-index.js';
import { HnswIndex, type HnswIndexOptions } from '../../src/ann/hnsw-index.js';
import { BundleError, InvalidOptionsError } from '../../src/errors.js';
import { describeAnnIndexConformance } from './ann-conformance.js';
import { clusteredVectors, randomVectors } from './random-vectors.js';

describeAnnIndexConformance('HnswIndex', {
  make: (dimension, options) => new HnswIndex(dimension, options),
  load: (dir) => HnswIndex.load(dir),
});

describe('HnswIndex', () => {
  it('fills in documented defaults and keeps given options', () => {
    expect(new HnswIndex(8).options).toEqual({ M: 16, efConstruction: 200, efSearch: 64, maxElements: 1024, seed: 100 });
    expect(new HnswIndex(8, { M: 8, efSearch: 10 }).options).toMatchObject({ M: 8, efSearch: 10, efConstruction: 200 });
  });

  it('rejects out-of-range options with InvalidOptionsError naming the option', () => {
    expect(() => new HnswIndex(8, { M: 1 })).toThrow(InvalidOptionsError);
    expect(() => new HnswIndex(8, { efSearch: 0 })).toThrow(/efSearch/);
    expect(() => new HnswIndex(8, { maxElements: 2.5 })).toThrow(/maxElements/);
    expect(() => new HnswIndex(8, { seed: -1 })).toThrow(/seed/);
    expect(() => new HnswIndex(0)).toThrow(/dimension/);
  });

  it('doubles its capacity when it fills up', () => {
    const index = new HnswIndex(8, { maxElements: 4 });
    index.addMany(randomVectors(5, 8, 1).map((vector, i) => ({ id: String(i), vector })));
    expect(index.capacity).toBe(8);
    index.addMany(randomVectors(20, 8, 2).map((vector, i) => ({ id: `b${i}`, vector })));
    expect(index.capacity).toBe(32);
  });

  it('reuses the slots of deleted vectors, so a sliding window keeps its capacity', () => {
    const index = new HnswIndex(8, { maxElements: 64 });
    const vectors = randomVectors(400, 8, 5);
    for (let i = 0; i < vectors.length; i++) {
      index.add(String(i), vectors[i]!);
      if (i >= 50) index.delete(String(i - 50));
    }
    expect(index.size).toBe(50);
    expect(index.capacity).toBe(64);
    // Only live vectors come back, and the nearest of a live vector is itself.
    const found = index.search(vectors[399]!, 50);
    expect(found).toHaveLength(50);
    expect(found[0]!.id).toBe('399');
    expect(found.every((n) => Number(n.id) >= 350)).toBe(true);
  });

  it('returns k neighbours even when k is larger than efSearch', () => {
    const index = new HnswIndex(8, { efSearch: 4 });
    index.addMany(randomVectors(300, 8, 3).map((vector, i) => ({ id: String(i), vector })));
    expect(index.search(randomVectors(1, 8, 4)[0]!, 100)).toHaveLength(100);
  });

  it('builds the same graph from the same seed and insertion order', () => {
    const vectors = clusteredVectors(400, 32, 8);
    const build = () => {
      const index = new HnswIndex(32, { M: 4, efConstruction: 8, efSearch: 4, seed: 7 });
      index.addMany(vectors.map((vector, i) => ({ id: String(i), vector })));
      return index;
    };
    const [a, b] = [build(), build()];
    for (const query of randomVectors(10, 32, 9)) expect(a.search(query, 5)).toEqual(b.search(query, 5));
  });

  describe('recall against ExactIndex on 3,000 clustered 384-dim vectors', () => {
    const dimension = 384;
    const vectors = clusteredVectors(3000, dimension, 2024);
    const items = vectors.map((vector, i) => ({ id: `a${i}`, vector }));
    const queries = vectors.map((_, i) => i).filter((i) => i % 15 === 0);
    const truth = (() => {
      const exact = new ExactIndex(dimension);
      exact.addMany(items);
      return queries.map((q) => new Set(exact.search(vectors[q]!, 10, { exclude: new Set([`a${q}`]) }).map((n) => n.id)));
    })();

    function recallAt10(options: HnswIndexOptions): number {
      const index = new HnswIndex(dimension, options);
      index.addMany(items);
      let found = 0;
      queries.forEach((q, i) => {
        const neighbours = index.search(vectors[q]!, 10, { exclude: new Set([`a${q}`]) });
        found += neighbours.filter((n) => truth[i]!.has(n.id)).length;
      });
      return found / (queries.length * 10);
    }

    it('finds at least 95% of the exact top-10 with the default options', () => {
      // Measured: 0.991 (efSearch 10 instead of 64: 0.973).
      expect(recallAt10({})).toBeGreaterThanOrEqual(0.95);
    });

    it('is a hard enough test that a sparse graph falls short of it', () => {
      // Measured: 0.784 with M 8, efConstruction 50, efSearch 10.
      expect(recallAt10({ M: 8, efConstruction: 50, efSearch: 10 })).toBeLessThan(0.95);
    });
  });

  describe('loading', () => {
    let dir: string;
    beforeEach(async () => {
      dir = await mkdtemp(path.join(tmpdir(), 'samestory-hnsw-'));
    });
    afterEach(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    async function saved(): Promise<HnswIndex> {
      const index = new HnswIndex(16, { M: 8, efSearch: 20 });
      index.addMany(randomVectors(50, 16, 1).map((vector, i) => ({ id: String(i), vector })));
      await index.save(dir);
      return index;
    }

    async function editMeta(edit: (meta: Record<string, unknown>) => void): Promise<void> {
      const metaPath = path.join(dir, ANN_META_FILE);
      const meta = JSON.parse(await readFile(metaPath, 'utf8')) as Record<string, unknown>;
      edit(meta);
      await writeFile(metaPath, JSON.stringify(meta));
    }

    it('loads an index whose deleted slots were reused, and keeps reusing them', async () => {
      const index = new HnswIndex(16, { M: 8, maxElements: 32 });
      const vectors = randomVectors(80, 16, 9);
      vectors.forEach((vector, i) => {
        index.add(String(i), vector);
        if (i >= 20) index.delete(String(i - 20));
      });
      await index.save(dir);
      const loaded = await HnswIndex.load(dir);
      expect(loaded.ids()).toEqual(index.ids());
      expect(loaded.search(vectors[79]!, 3).map((n) => n.id)).toEqual(index.search(vectors[79]!, 3).map((n) => n.id));
      loaded.delete('60');
      loaded.add('new', vectors[0]!);
      expect(loaded.capacity).toBe(32);
      expect(loaded.search(vectors[0]!, 1)[0]!.id).toBe('new');
    });

    it('restores the options it was built with, and its capacity', async () => {
      const original = await saved();
      const loaded = await HnswIndex.load(dir);
      expect(loaded.options).toEqual(original.options);
      expect(loaded.capacity).toBe(original.capacity);
    });

    it('refuses an exact index folder, pointing to loadAnnIndex', async () => {
      await new ExactIndex(4).save(dir);
      await expect(HnswIndex.load(dir)).rejects.toThrow(/'exact' index.*loadAnnIndex/);
    });

    it('refuses a meta whose M does not match the graph, before hnswlib reads it', async () => {
      await saved();
      await editMeta((meta) => {
        (meta.options as Record<string, number>).M = 16;
      });
      await expect(HnswIndex.load(dir)).rejects.toThrow(/M=8.*M=16/);
    });

    it('refuses a data file whose header claims a huge element count, before hnswlib reads it', async () => {
      await saved();
      const dataPath = path.join(dir, ANN_DATA_FILE);
      const bytes = await readFile(dataPath);
      bytes.writeBigUInt64LE(1n << 40n, 16);
      await writeFile(dataPath, bytes);
      await expect(HnswIndex.load(dir)).rejects.toThrow(BundleError);
    });

    it('refuses a data file whose header claims a capacity the index never had', async () => {
      await saved();
      const dataPath = path.join(dir, ANN_DATA_FILE);
      const bytes = await readFile(dataPath);
      bytes.writeBigUInt64LE(1n << 30n, 8);
      await writeFile(dataPath, bytes);
      await expect(HnswIndex.load(dir)).rejects.toThrow(/capacity/);
    });

    it('refuses stored options that are out of range', async () => {
      await saved();
      await editMeta((meta) => {
        (meta.options as Record<string, number>).efSearch = 0;
      });
      await expect(HnswIndex.load(dir)).rejects.toThrow(/stored options are invalid/);
    });
  });
});
