import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AUTO_EXACT_MAX_SIZE, createAnnIndex, loadAnnIndex } from '../../src/ann/create-ann-index.js';
import { ExactIndex } from '../../src/ann/exact-index.js';
import { HnswIndex } from '../../src/ann/hnsw-index.js';
import { SparseIndex } from '../../src/ann/sparse-index.js';
import { InvalidOptionsError } from '../../src/errors.js';
import { randomVectors } from './random-vectors.js';

describe('createAnnIndex', () => {
  it('creates the kind it is asked for', () => {
    expect(createAnnIndex('exact', 8)).toBeInstanceOf(ExactIndex);
    expect(createAnnIndex('hnsw', 8, { M: 8 })).toBeInstanceOf(HnswIndex);
    expect(createAnnIndex('sparse', 4096)).toBeInstanceOf(SparseIndex);
  });

  it("with 'auto', uses brute force up to AUTO_EXACT_MAX_SIZE expected vectors and HNSW above or when unknown", () => {
    expect(createAnnIndex('auto', 8, { expectedSize: 10 })).toBeInstanceOf(ExactIndex);
    expect(createAnnIndex('auto', 8, { expectedSize: AUTO_EXACT_MAX_SIZE })).toBeInstanceOf(ExactIndex);
    expect(createAnnIndex('auto', 8, { expectedSize: AUTO_EXACT_MAX_SIZE + 1 })).toBeInstanceOf(HnswIndex);
    expect(createAnnIndex('auto', 8)).toBeInstanceOf(HnswIndex);
  });

  it('uses expectedSize as the initial capacity unless maxElements is given', () => {
    expect((createAnnIndex('hnsw', 8, { expectedSize: 5000 }) as HnswIndex).capacity).toBe(5000);
    expect((createAnnIndex('hnsw', 8, { expectedSize: 5000, maxElements: 64 }) as HnswIndex).capacity).toBe(64);
  });

  it('rejects an unknown kind or a bad expectedSize with InvalidOptionsError', () => {
    expect(() => createAnnIndex('faiss' as 'auto', 8)).toThrow(InvalidOptionsError);
    expect(() => createAnnIndex('auto', 8, { expectedSize: -3 })).toThrow(/expectedSize/);
  });
});

describe('loadAnnIndex', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'samestory-load-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('loads whichever kind the folder holds', async () => {
    const vectors = randomVectors(3, 8, 1);
    const classOf = { exact: ExactIndex, hnsw: HnswIndex, sparse: SparseIndex };
    for (const kind of ['exact', 'hnsw', 'sparse'] as const) {
      const index = createAnnIndex(kind, 8);
      index.addMany(vectors.map((vector, i) => ({ id: `${kind}${i}`, vector })));
      await index.save(dir);
      const loaded = await loadAnnIndex(dir);
      expect(loaded).toBeInstanceOf(classOf[kind]);
      expect(loaded.ids()).toEqual([`${kind}0`, `${kind}1`, `${kind}2`]);
    }
  });
});
