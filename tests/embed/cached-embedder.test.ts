import { appendFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CachedEmbedder } from '../../src/embed/cached-embedder.js';
import { SparseWordHashEmbedder, WordHashEmbedder } from '../support/word-hash-embedder.js';

const flood = { text: 'The river flooded the old town.', lang: 'en' };
const launch = { text: 'A rocket carried a satellite into orbit.', lang: 'en' };

function cacheFile(dir: string): string {
  const [name] = readdirSync(dir);
  return join(dir, name!);
}

describe('CachedEmbedder', () => {
  it('returns the wrapped embedder\'s vectors and embeds each text only once', async () => {
    const inner = new WordHashEmbedder();
    const cached = await CachedEmbedder.create(inner);
    const first = await cached.embed([flood, launch]);
    const again = await cached.embed([launch, flood, flood]);
    expect(again[0]).toEqual(first[1]);
    expect(again[1]).toEqual(first[0]);
    expect(inner.calls).toBe(1);
    expect({ hits: cached.hits, misses: cached.misses }).toEqual({ hits: 3, misses: 2 });
    expect(cached.id).toBe(inner.id);
    expect(cached.dimension).toBe(inner.dimension);
  });

  it('keeps embedding from memory when its file cannot be written, and says why', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'samestory-cache-'));
    const inner = new WordHashEmbedder();
    const cached = await CachedEmbedder.create(inner, { dir });
    await cached.embed([flood]);
    // The cache file turns into a folder: the next append fails, as on a full or broken disk.
    const file = cacheFile(dir);
    rmSync(file);
    mkdirSync(file);
    const [vector] = await cached.embed([launch]);
    expect(vector).toHaveLength(inner.dimension);
    expect(cached.writeError).toMatchObject({ code: 'CACHE_WRITE_FAILED', path: file });
    await cached.embed([launch]);
    expect(inner.calls).toBe(2);
  });

  it('tells texts apart by language and title too', async () => {
    const cached = await CachedEmbedder.create(new WordHashEmbedder());
    await cached.embed([flood]);
    await cached.embed([{ ...flood, lang: 'de' }, { ...flood, title: 'Flood' }]);
    expect(cached.misses).toBe(3);
  });

  it('keeps at most maxEntries vectors, dropping the least recently used', async () => {
    const inner = new WordHashEmbedder();
    const cached = await CachedEmbedder.create(inner, { maxEntries: 1 });
    await cached.embed([flood]);
    await cached.embed([launch]);
    await cached.embed([flood]);
    expect(cached.size).toBe(1);
    expect(cached.misses).toBe(3);
  });

  it('survives a restart: a second process re-embeds nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'samestory-cache-'));
    const first = await CachedEmbedder.create(new WordHashEmbedder(), { dir });
    const vectors = await first.embed([flood, launch]);
    const inner = new WordHashEmbedder();
    const second = await CachedEmbedder.create(inner, { dir });
    expect(await second.embed([flood, launch])).toEqual(vectors);
    expect(inner.calls).toBe(0);
  });

  it('skips a torn last record and keeps appending on a record boundary', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'samestory-cache-'));
    await (await CachedEmbedder.create(new WordHashEmbedder(), { dir })).embed([flood]);
    const file = cacheFile(dir);
    const intact = statSync(file).size;
    appendFileSync(file, Buffer.alloc(17, 7)); // a crash in the middle of the next record
    const reopened = await CachedEmbedder.create(new WordHashEmbedder(), { dir });
    expect(reopened.size).toBe(1);
    expect(statSync(file).size).toBe(intact);
    await reopened.embed([launch]);
    const inner = new WordHashEmbedder();
    await (await CachedEmbedder.create(inner, { dir })).embed([flood, launch]);
    expect(inner.calls).toBe(0);
  });

  it('ignores damaged records and files of other formats, re-embedding instead', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'samestory-cache-'));
    await (await CachedEmbedder.create(new WordHashEmbedder(), { dir })).embed([flood, launch]);
    const file = cacheFile(dir);
    const bytes = readFileSync(file);
    bytes[bytes.length - 20] = bytes[bytes.length - 20]! ^ 0xff; // flip a byte of the last vector
    writeFileSync(file, bytes);
    const damaged = await CachedEmbedder.create(new WordHashEmbedder(), { dir });
    expect(damaged.size).toBe(1);

    writeFileSync(file, 'not a cache file');
    const inner = new WordHashEmbedder();
    const foreign = await CachedEmbedder.create(inner, { dir });
    expect(foreign.size).toBe(0);
    await foreign.embed([flood]);
    expect(inner.calls).toBe(1);
    expect((await CachedEmbedder.create(new WordHashEmbedder(), { dir })).size).toBe(1);
  });
});

describe('CachedEmbedder over a sparse embedder', () => {
  it('says it is sparse and persists sparse vectors as their non-zeros', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'samestory-cache-'));
    const first = await CachedEmbedder.create(new SparseWordHashEmbedder(), { dir });
    expect(first.vectorKind).toBe('sparse');
    const vectors = await first.embed([flood, launch]);
    // Two 64-d word-hash vectors with a handful of words each: far less than 2 × 64 floats.
    expect(statSync(cacheFile(dir)).size).toBeLessThan(2 * 64 * 4);
    const inner = new SparseWordHashEmbedder();
    const second = await CachedEmbedder.create(inner, { dir });
    expect(await second.embed([flood, launch])).toEqual(vectors);
    expect(inner.calls).toBe(0);
  });

  it('skips a damaged record and a torn tail, keeping the records before them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'samestory-cache-'));
    await (await CachedEmbedder.create(new SparseWordHashEmbedder(), { dir })).embed([flood]);
    await (await CachedEmbedder.create(new SparseWordHashEmbedder(), { dir })).embed([launch]);
    const file = cacheFile(dir);
    const bytes = readFileSync(file);
    bytes[bytes.length - 12] = bytes[bytes.length - 12]! ^ 0xff; // a value of the last record
    writeFileSync(file, Buffer.concat([bytes, Buffer.alloc(40, 9)])); // and half a record after it
    const reopened = await CachedEmbedder.create(new SparseWordHashEmbedder(), { dir });
    expect(reopened.size).toBe(1);
    const inner = new SparseWordHashEmbedder();
    const again = await CachedEmbedder.create(inner, { dir });
    await again.embed([flood]);
    expect(inner.calls).toBe(0);
  });

  it('does not read a dense cache file of the same embedder id as sparse vectors', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'samestory-cache-'));
    await (await CachedEmbedder.create(new WordHashEmbedder(), { dir })).embed([flood]);
    const inner = new SparseWordHashEmbedder();
    const sparse = await CachedEmbedder.create(inner, { dir });
    expect(sparse.size).toBe(0);
    await sparse.embed([flood]);
    expect(inner.calls).toBe(1);
  });
});
