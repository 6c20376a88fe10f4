import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, truncate, unlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StoryDetector } from '../../src/detector.js';
import { BundleError } from '../../src/errors.js';
import { BUNDLE_VERSION } from '../../src/persist/detector-bundle.js';
import { SparseWordHashEmbedder, WordHashEmbedder } from '../support/word-hash-embedder.js';
import { firstArticles, laterArticles } from './story-articles.js';

const BUNDLE_FILES = ['manifest.json', 'articles.json', 'vectors.f32', 'neighbors.bin', 'stories.json', 'index/ann-meta.json', 'index/ann-index.bin'];

let dir: string;
let bundle: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'samestory-corrupt-'));
  const detector = await StoryDetector.create({ embedder: new WordHashEmbedder() });
  await detector.add([...firstArticles, ...laterArticles]);
  await detector.save(dir);
  bundle = path.join(dir, 'bundle-1');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Loads and returns the error; fails the test when loading succeeds. */
async function loadError(): Promise<BundleError> {
  const error = await StoryDetector.load(dir, { embedder: new WordHashEmbedder() }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(BundleError);
  return error as BundleError;
}

const sha256 = (data: Uint8Array | string) => createHash('sha256').update(data).digest('hex');

/** Rewrites a bundle file and updates the manifest and CURRENT to match, as a careful forger would. */
async function forge(name: string, edit: (bytes: Buffer) => Buffer | string): Promise<void> {
  const data = edit(await readFile(path.join(bundle, name)));
  await writeFile(path.join(bundle, name), data);
  const manifest = JSON.parse(await readFile(path.join(bundle, 'manifest.json'), 'utf8'));
  manifest.files[name] = { bytes: Buffer.byteLength(data), sha256: sha256(data) };
  await forgeManifest(manifest);
}

async function forgeManifest(manifest: unknown): Promise<void> {
  const text = JSON.stringify(manifest);
  await writeFile(path.join(bundle, 'manifest.json'), text);
  await writeFile(path.join(dir, 'CURRENT'), `bundle-1 ${sha256(text)}\n`);
}

describe('loading a damaged bundle', () => {
  for (const name of BUNDLE_FILES) {
    it(`reports a truncated ${name} as a BundleError naming the file`, async () => {
      const { size } = await import('node:fs/promises').then((fs) => fs.stat(path.join(bundle, name)));
      await truncate(path.join(bundle, name), Math.floor(size / 2));
      expect((await loadError()).path).toBe(path.join(bundle, name));
    });

    it(`reports a flipped byte in ${name} as a BundleError`, async () => {
      const file = path.join(bundle, name);
      const bytes = await readFile(file);
      for (const at of [0, bytes.length >> 1, bytes.length - 1]) {
        const flipped = Buffer.from(bytes);
        flipped[at] = flipped[at]! ^ 0x5a;
        await writeFile(file, flipped);
        expect((await loadError()).path).toBe(file);
      }
    });

    it(`reports a missing ${name} as a BundleError`, async () => {
      await unlink(path.join(bundle, name));
      expect((await loadError()).message).toMatch(/missing/);
    });
  }

  it('reports a missing CURRENT', async () => {
    await unlink(path.join(dir, 'CURRENT'));
    expect((await loadError()).message).toMatch(/CURRENT is missing/);
  });

  it('reports garbage in CURRENT', async () => {
    for (const garbage of ['', 'bundle-1', '../../etc 00\n', '\u0000\u0001binary', 'bundle-1 abc\n']) {
      await writeFile(path.join(dir, 'CURRENT'), garbage);
      expect((await loadError()).message).toMatch(/CURRENT must hold/);
    }
  });

  it('reports a CURRENT that names a bundle folder that is gone', async () => {
    const current = await readFile(path.join(dir, 'CURRENT'), 'utf8');
    await writeFile(path.join(dir, 'CURRENT'), current.replace('bundle-1', 'bundle-7'));
    expect((await loadError()).message).toMatch(/manifest file is missing/);
  });

  it('refuses a bundle of a future format version and says to upgrade', async () => {
    const manifest = JSON.parse(await readFile(path.join(bundle, 'manifest.json'), 'utf8'));
    await forgeManifest({ ...manifest, version: BUNDLE_VERSION + 1 });
    expect((await loadError()).message).toMatch(new RegExp(`version ${BUNDLE_VERSION + 1} is not supported.*upgrade samestory`));
  });

  it('refuses a manifest whose counts disagree with the files', async () => {
    const manifest = JSON.parse(await readFile(path.join(bundle, 'manifest.json'), 'utf8'));
    await forgeManifest({ ...manifest, counts: { ...manifest.counts, articles: manifest.counts.articles + 1 } });
    expect((await loadError()).message).toMatch(/expected 10 vectors x 64 x 4/);
  });

  it('refuses a manifest with out-of-range options', async () => {
    const manifest = JSON.parse(await readFile(path.join(bundle, 'manifest.json'), 'utf8'));
    await forgeManifest({ ...manifest, options: { ...manifest.options, similarityThreshold: 7 } });
    expect((await loadError()).message).toMatch(/similarityThreshold/);
  });

  it('refuses a manifest whose linkage cohesion is outside 0..1', async () => {
    const manifest = JSON.parse(await readFile(path.join(bundle, 'manifest.json'), 'utf8'));
    await forgeManifest({ ...manifest, options: { ...manifest.options, linkageCohesion: -0.5 } });
    expect((await loadError()).message).toMatch(/linkageCohesion/);
  });

  it('refuses vectors holding NaN even when the checksums were updated', async () => {
    await forge('vectors.f32', (bytes) => {
      bytes.writeFloatLE(Number.NaN, 8);
      return bytes;
    });
    expect((await loadError()).message).toMatch(/non-finite/);
  });

  it('refuses a neighbour edge that points past the last article', async () => {
    await forge('neighbors.bin', (bytes) => {
      const count = firstArticles.length + laterArticles.length;
      bytes.writeUInt32LE(9999, 4 * count);
      return bytes;
    });
    expect((await loadError()).message).toMatch(/impossible edge/);
  });

  it('refuses articles with duplicate ids or wrong field types', async () => {
    await forge('articles.json', (bytes) => {
      const articles = JSON.parse(bytes.toString('utf8'));
      articles[1].id = articles[0].id;
      return JSON.stringify(articles);
    });
    expect((await loadError()).message).toMatch(/appears twice/);
    await forge('articles.json', (bytes) => {
      const articles = JSON.parse(bytes.toString('utf8'));
      articles[1].id = 'other';
      articles[2].publishedAt = 'yesterday';
      return JSON.stringify(articles);
    });
    expect((await loadError()).message).toMatch(/publishedAt/);
  });

  it('refuses stories that do not point at the first member of a story', async () => {
    await forge('stories.json', (bytes) => {
      const stories = JSON.parse(bytes.toString('utf8'));
      stories.storyFirst[0] = 3;
      return JSON.stringify(stories);
    });
    expect((await loadError()).message).toMatch(/storyFirst\[0\] is not the first member/);
  });

  it('refuses an index whose ids differ from the articles', async () => {
    await forge('articles.json', (bytes) => {
      const articles = JSON.parse(bytes.toString('utf8'));
      articles[0].id = 'renamed';
      return JSON.stringify(articles);
    });
    expect((await loadError()).message).toMatch(/index ids do not match/);
  });

  it('still loads the intact bundle after a failed load', async () => {
    const loaded = await StoryDetector.load(dir, { embedder: new WordHashEmbedder() });
    expect(loaded.size).toBe(firstArticles.length + laterArticles.length);
  });
});

describe('loading a damaged bundle of sparse vectors', () => {
  beforeEach(async () => {
    await rm(dir, { recursive: true, force: true });
    const detector = await StoryDetector.create({ embedder: new SparseWordHashEmbedder() });
    await detector.add([...firstArticles, ...laterArticles]);
    await detector.save(dir);
  });

  const loadSparseError = async (): Promise<BundleError> => {
    const error = await StoryDetector.load(dir, { embedder: new SparseWordHashEmbedder() }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(BundleError);
    return error as BundleError;
  };

  it('reports a truncated vectors.sparse as a BundleError naming the file', async () => {
    const file = path.join(bundle, 'vectors.sparse');
    const { size } = await import('node:fs/promises').then((fs) => fs.stat(file));
    await truncate(file, Math.floor(size / 2));
    expect((await loadSparseError()).path).toBe(file);
  });

  it('refuses indices out of order even when the checksums were updated', async () => {
    await forge('vectors.sparse', (bytes) => {
      // The first vector's first two indices swapped.
      const count = bytes.readUInt32LE(0);
      expect(count).toBeGreaterThan(1);
      const articles = firstArticles.length + laterArticles.length;
      const first = bytes.readUInt32LE(4 * articles);
      const second = bytes.readUInt32LE(4 * articles + 4);
      bytes.writeUInt32LE(second, 4 * articles);
      bytes.writeUInt32LE(first, 4 * articles + 4);
      return bytes;
    });
    expect((await loadSparseError()).message).toMatch(/out of order/);
  });

  it('refuses a manifest whose non-zero count disagrees with the file', async () => {
    const manifest = JSON.parse(await readFile(path.join(bundle, 'manifest.json'), 'utf8'));
    await forgeManifest({ ...manifest, counts: { ...manifest.counts, nonZeros: manifest.counts.nonZeros + 1 } });
    expect((await loadSparseError()).message).toMatch(/non-zeros/);
  });

  it('refuses sparse vectors in a bundle that claims an older version', async () => {
    const manifest = JSON.parse(await readFile(path.join(bundle, 'manifest.json'), 'utf8'));
    await forgeManifest({ ...manifest, version: 2 });
    expect((await loadSparseError()).message).toMatch(/version 3/);
  });
});
