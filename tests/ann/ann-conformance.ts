// The behaviour every AnnIndex implementation must share (hono's common-case pattern):
// each implementation's test file calls describeAnnIndexConformance once.

import { mkdtemp, readdir, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { similarity } from 'ml-distance';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ANN_DATA_FILE, ANN_META_FILE } from '../../src/ann/ann-files.js';
import type { AnnIndex, Neighbor } from '../../src/ann/ann-index.js';
import { loadAnnIndex } from '../../src/ann/create-ann-index.js';
import {
  BundleError,
  DimensionMismatchError,
  DuplicateIdError,
  InvalidOptionsError,
  InvalidVectorError,
} from '../../src/errors.js';
import { denseOf } from '../../src/vectors/sparse-vector.js';
import { randomVectors } from './random-vectors.js';

export interface ConformanceOptions {
  /** Builds an empty index; `maxElements` is the initial capacity to start from. */
  make: (dimension: number, options?: { maxElements?: number }) => AnnIndex;
  /** The implementation's own loader (e.g. `ExactIndex.load`). */
  load: (dir: string) => Promise<AnnIndex>;
}

const DIMENSION = 16;

export function describeAnnIndexConformance(name: string, { make, load }: ConformanceOptions): void {
  describe(`${name} (AnnIndex conformance)`, () => {
    const vectors = randomVectors(60, DIMENSION, 42);
    const idOf = (i: number) => `article-${i}`;

    function filled(count = vectors.length, options?: { maxElements?: number }): AnnIndex {
      const index = make(DIMENSION, options);
      index.addMany(vectors.slice(0, count).map((vector, i) => ({ id: idOf(i), vector })));
      return index;
    }

    describe('adding and searching', () => {
      it('finds a stored vector as its own nearest neighbour with similarity 1', () => {
        const index = filled();
        for (const i of [0, 17, 59]) {
          const [first] = index.search(vectors[i]!, 1);
          expect(first?.id).toBe(idOf(i));
          expect(first?.similarity).toBeCloseTo(1, 5);
        }
      });

      it('reports size, membership and the stored vector normalised to unit length', () => {
        const index = filled(10);
        expect(index.size).toBe(10);
        expect(index.dimension).toBe(DIMENSION);
        expect(index.has(idOf(3))).toBe(true);
        expect(index.has('unknown')).toBe(false);
        expect(index.get('unknown')).toBeUndefined();
        // Dense indexes hand back a Float32Array, sparse ones their non-zeros.
        const stored = denseOf(index.get(idOf(3))!, DIMENSION);
        expect(Math.hypot(...stored)).toBeCloseTo(1, 5);
        expect(similarity.cosine(stored, vectors[3]!)).toBeCloseTo(1, 5);
      });

      it('does not keep a reference to the caller’s array', () => {
        const index = make(DIMENSION);
        const vector = Float32Array.from(vectors[0]!);
        index.add('a', vector);
        vector.fill(1);
        expect(similarity.cosine(denseOf(index.get('a')!, DIMENSION), vectors[0]!)).toBeCloseTo(1, 5);
      });

      it('returns neighbours most similar first, with similarities equal to ml-distance cosine', () => {
        const index = filled();
        const query = randomVectors(1, DIMENSION, 7)[0]!;
        const found = index.search(query, 10);
        expect(found).toHaveLength(10);
        expectDescending(found);
        for (const { id, similarity: value } of found) {
          const i = Number(id.slice('article-'.length));
          expect(value).toBeCloseTo(similarity.cosine(query, vectors[i]!), 5);
        }
      });

      it('returns every live vector when k is larger than the index', () => {
        const index = filled(5);
        const found = index.search(vectors[0]!, 50);
        expect(found.map((n) => n.id).sort()).toEqual([0, 1, 2, 3, 4].map(idOf).sort());
        expectDescending(found);
      });

      it('returns nothing for k = 0 or an empty index, and rejects a negative or fractional k', () => {
        expect(filled(5).search(vectors[0]!, 0)).toEqual([]);
        expect(make(DIMENSION).search(vectors[0]!, 5)).toEqual([]);
        expect(() => filled(5).search(vectors[0]!, -1)).toThrow(InvalidOptionsError);
        expect(() => filled(5).search(vectors[0]!, 2.5)).toThrow(InvalidOptionsError);
      });

      it('leaves out excluded ids and still returns k neighbours', () => {
        const index = filled();
        const plain = index.search(vectors[0]!, 5).map((n) => n.id);
        const exclude = new Set([idOf(0), plain[1]!, 'not-indexed']);
        const found = index.search(vectors[0]!, 5, { exclude }).map((n) => n.id);
        expect(found).toHaveLength(5);
        expect(found.some((id) => exclude.has(id))).toBe(false);
        expect(found.slice(0, 3)).toEqual(plain.filter((id) => !exclude.has(id)).slice(0, 3));
      });

      it('grows past its initial capacity', () => {
        const index = filled(vectors.length, { maxElements: 4 });
        expect(index.size).toBe(vectors.length);
        for (let i = 0; i < vectors.length; i++) expect(index.search(vectors[i]!, 1)[0]?.id).toBe(idOf(i));
      });
    });

    describe('deleting', () => {
      it('stops returning a deleted id and forgets it', () => {
        const index = filled();
        expect(index.delete(idOf(5))).toBe(true);
        expect(index.size).toBe(vectors.length - 1);
        expect(index.has(idOf(5))).toBe(false);
        expect(index.get(idOf(5))).toBeUndefined();
        expect(index.search(vectors[5]!, 10).map((n) => n.id)).not.toContain(idOf(5));
        expect(index.ids()).not.toContain(idOf(5));
      });

      it('returns false for an id that is not present', () => {
        const index = filled(3);
        expect(index.delete('unknown')).toBe(false);
        expect(index.delete(idOf(1))).toBe(true);
        expect(index.delete(idOf(1))).toBe(false);
        expect(index.size).toBe(2);
      });

      it('accepts a deleted id again, with its new vector', () => {
        const index = filled(10);
        index.delete(idOf(2));
        index.add(idOf(2), vectors[40]!);
        expect(index.search(vectors[40]!, 1)[0]?.id).toBe(idOf(2));
        expect(index.ids().at(-1)).toBe(idOf(2));
      });

      it('still finds exactly the live vectors after most of them were deleted', () => {
        const many = randomVectors(200, DIMENSION, 3);
        const index = make(DIMENSION);
        index.addMany(many.map((vector, i) => ({ id: `m${i}`, vector })));
        for (let i = 0; i < 200; i++) if (i % 5 !== 0) index.delete(`m${i}`);
        const live = Array.from({ length: 40 }, (_, j) => `m${j * 5}`);
        expect(index.size).toBe(40);
        expect(index.ids()).toEqual(live);
        expect(index.search(many[10]!, 1)[0]?.id).toBe('m10');
        expect(index.search(many[10]!, 100).map((n) => n.id).sort()).toEqual([...live].sort());
        expect(similarity.cosine(denseOf(index.get('m195')!, DIMENSION), many[195]!)).toBeCloseTo(1, 5);
      });

      it('keeps ids, vectors and search right through a long sliding window of adds and deletes', () => {
        const stream = randomVectors(600, DIMENSION, 4);
        const index = make(DIMENSION, { maxElements: 16 });
        stream.forEach((vector, i) => {
          index.add(`s${i}`, vector);
          if (i >= 30) index.delete(`s${i - 30}`);
        });
        const live = Array.from({ length: 30 }, (_, j) => `s${570 + j}`);
        expect(index.size).toBe(30);
        expect(index.ids()).toEqual(live);
        expect(index.has('s569')).toBe(false);
        for (const id of live) {
          const i = Number(id.slice(1));
          expect(index.search(stream[i]!, 1)[0]?.id).toBe(id);
          expect(similarity.cosine(denseOf(index.get(id)!, DIMENSION), stream[i]!)).toBeCloseTo(1, 5);
        }
      });
    });

    describe('rejecting bad input', () => {
      it('throws DuplicateIdError for an id that is already present', () => {
        const index = filled(3);
        expect(() => index.add(idOf(1), vectors[10]!)).toThrow(DuplicateIdError);
        expect(index.size).toBe(3);
      });

      it('validates a whole batch before adding any of it', () => {
        const index = filled(3);
        const duplicateInBatch = [
          { id: 'x', vector: vectors[10]! },
          { id: 'x', vector: vectors[11]! },
        ];
        expect(() => index.addMany(duplicateInBatch)).toThrow(DuplicateIdError);
        const badVectorLast = [
          { id: 'y', vector: vectors[12]! },
          { id: 'z', vector: new Float32Array(DIMENSION) },
        ];
        expect(() => index.addMany(badVectorLast)).toThrow(InvalidVectorError);
        expect(index.size).toBe(3);
        expect(index.has('x') || index.has('y')).toBe(false);
      });

      it('throws DimensionMismatchError for a vector of the wrong length, added or searched', () => {
        const index = filled(3);
        expect(() => index.add('short', new Float32Array(DIMENSION - 1).fill(1))).toThrow(DimensionMismatchError);
        expect(() => index.search(new Float32Array(DIMENSION + 1).fill(1), 1)).toThrow(DimensionMismatchError);
      });

      it('throws InvalidVectorError for NaN or infinite values', () => {
        const index = make(DIMENSION);
        const withNaN = Float32Array.from(vectors[0]!);
        withNaN[3] = Number.NaN;
        const withInfinity = Float32Array.from(vectors[0]!);
        withInfinity[0] = Number.POSITIVE_INFINITY;
        expect(() => index.add('nan', withNaN)).toThrow(InvalidVectorError);
        expect(() => index.add('inf', withInfinity)).toThrow(InvalidVectorError);
        expect(() => index.search(withNaN, 1)).toThrow(InvalidVectorError);
        expect(index.size).toBe(0);
      });

      it('throws InvalidVectorError for an all-zero vector, which has no direction', () => {
        const index = make(DIMENSION);
        expect(() => index.add('zero', new Float32Array(DIMENSION))).toThrow(InvalidVectorError);
        expect(() => index.search(new Float32Array(DIMENSION), 1)).toThrow(InvalidVectorError);
      });

      it('throws InvalidVectorError for a plain array instead of a Float32Array', () => {
        const index = make(DIMENSION);
        const plain = Array.from(vectors[0]!) as unknown as Float32Array;
        expect(() => index.add('plain', plain)).toThrow(InvalidVectorError);
      });
    });

    it('lists live ids in insertion order', () => {
      const index = make(DIMENSION);
      index.add('c', vectors[0]!);
      index.add('a', vectors[1]!);
      index.addMany([
        { id: 'b', vector: vectors[2]! },
        { id: 'd', vector: vectors[3]! },
      ]);
      index.delete('a');
      expect(index.ids()).toEqual(['c', 'b', 'd']);
    });

    describe('saving and loading', () => {
      let dir: string;
      beforeEach(async () => {
        dir = await mkdtemp(path.join(tmpdir(), 'samestory-ann-'));
      });
      afterEach(async () => {
        await rm(dir, { recursive: true, force: true });
      });

      async function savedIndex(): Promise<AnnIndex> {
        const index = filled();
        index.delete(idOf(7));
        index.delete(idOf(30));
        await index.save(dir);
        return index;
      }

      it('round-trips: the loaded index gives the same ids, vectors and search results', async () => {
        const original = await savedIndex();
        for (const loaded of [await load(dir), await loadAnnIndex(dir)]) {
          expect(loaded.dimension).toBe(DIMENSION);
          expect(loaded.size).toBe(original.size);
          expect(loaded.ids()).toEqual(original.ids());
          expect(loaded.has(idOf(7))).toBe(false);
          expect(loaded.get(idOf(12))).toEqual(original.get(idOf(12)));
          for (const query of randomVectors(5, DIMENSION, 99)) {
            expect(loaded.search(query, 8, { exclude: new Set([idOf(1)]) })).toEqual(
              original.search(query, 8, { exclude: new Set([idOf(1)]) }),
            );
          }
        }
      });

      it('keeps working after loading: adds, deletes and grows', async () => {
        await savedIndex();
        const loaded = await load(dir);
        const extra = randomVectors(40, DIMENSION, 5);
        loaded.addMany(extra.map((vector, i) => ({ id: `extra-${i}`, vector })));
        loaded.delete(idOf(0));
        expect(loaded.size).toBe(vectors.length - 3 + 40);
        expect(loaded.search(extra[39]!, 1)[0]?.id).toBe('extra-39');
        expect(() => loaded.add(idOf(1), extra[0]!)).toThrow(DuplicateIdError);
      });

      it('round-trips an empty index', async () => {
        await make(DIMENSION).save(dir);
        const loaded = await load(dir);
        expect(loaded.size).toBe(0);
        expect(loaded.search(vectors[0]!, 3)).toEqual([]);
      });

      it('overwrites an earlier save in the same folder and leaves no temp files behind', async () => {
        await filled(5).save(dir);
        await savedIndex();
        expect((await readdir(dir)).sort()).toEqual([ANN_DATA_FILE, ANN_META_FILE].sort());
        expect((await load(dir)).size).toBe(vectors.length - 2);
      });

      it('creates the target folder when it does not exist', async () => {
        const nested = path.join(dir, 'a', 'b');
        await filled(3).save(nested);
        expect((await load(nested)).size).toBe(3);
      });

      describe('refusing unusable files with BundleError', () => {
        const metaPath = () => path.join(dir, ANN_META_FILE);
        const dataPath = () => path.join(dir, ANN_DATA_FILE);
        const editMeta = async (edit: (meta: Record<string, unknown>) => void) => {
          const meta = JSON.parse(await readFile(metaPath(), 'utf8')) as Record<string, unknown>;
          edit(meta);
          await writeFile(metaPath(), JSON.stringify(meta));
        };

        it('when the folder holds no saved index', async () => {
          await expect(load(path.join(dir, 'nothing-here'))).rejects.toThrow(BundleError);
          await expect(loadAnnIndex(dir)).rejects.toThrow(/missing/);
        });

        it('when the meta file is not valid JSON', async () => {
          await savedIndex();
          const text = await readFile(metaPath(), 'utf8');
          await writeFile(metaPath(), text.slice(0, text.length / 2));
          await expect(load(dir)).rejects.toThrow(BundleError);
        });

        it('when the meta file has an unsupported version', async () => {
          await savedIndex();
          await editMeta((meta) => {
            meta.version = 99;
          });
          await expect(load(dir)).rejects.toThrow(/version 99 is not supported/);
        });

        it('when the meta file has an impossible dimension', async () => {
          await savedIndex();
          await editMeta((meta) => {
            meta.dimension = 0;
          });
          await expect(load(dir)).rejects.toThrow(BundleError);
        });

        it('when the meta file claims a dimension the data does not have', async () => {
          await savedIndex();
          await editMeta((meta) => {
            meta.dimension = DIMENSION * 2;
          });
          await expect(load(dir)).rejects.toThrow(/dimension/);
        });

        it('when the meta file points outside its folder', async () => {
          await savedIndex();
          await editMeta((meta) => {
            meta.dataFile = '../elsewhere.bin';
          });
          await expect(load(dir)).rejects.toThrow(BundleError);
        });

        it('when the data file is missing', async () => {
          await savedIndex();
          await rm(dataPath());
          await expect(load(dir)).rejects.toThrow(BundleError);
        });

        it('when the data file is truncated', async () => {
          await savedIndex();
          await truncate(dataPath(), 100);
          await expect(load(dir)).rejects.toThrow(/truncated/);
        });

        it('when the data file was truncated and the meta edited to match its size', async () => {
          await savedIndex();
          await truncate(dataPath(), 200);
          await editMeta((meta) => {
            meta.dataBytes = 200;
          });
          await expect(load(dir)).rejects.toThrow(/truncated/);
        });

        it('when a byte of the data file was changed', async () => {
          await savedIndex();
          const bytes = await readFile(dataPath());
          const middle = Math.floor(bytes.length / 2);
          bytes[middle] = bytes[middle]! ^ 0xff;
          await writeFile(dataPath(), bytes);
          await expect(load(dir)).rejects.toThrow(/checksum/);
        });

        it('when the data file comes from a different save', async () => {
          const other = await mkdtemp(path.join(tmpdir(), 'samestory-ann-other-'));
          try {
            const index = filled();
            index.delete(idOf(8));
            index.delete(idOf(9));
            await index.save(other);
            await savedIndex();
            await writeFile(dataPath(), await readFile(path.join(other, ANN_DATA_FILE)));
            await expect(load(dir)).rejects.toThrow(BundleError);
          } finally {
            await rm(other, { recursive: true, force: true });
          }
        });

        it('when the id map is malformed', async () => {
          await savedIndex();
          await editMeta((meta) => {
            meta.idMap = { ids: ['same', 'same'] };
          });
          await expect(load(dir)).rejects.toThrow(BundleError);
        });
      });
    });
  });
}

function expectDescending(found: Neighbor[]): void {
  for (let i = 1; i < found.length; i++) expect(found[i - 1]!.similarity).toBeGreaterThanOrEqual(found[i]!.similarity);
}
