import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StoryDetector, type StoryDetectorOptions } from '../../src/detector.js';
import { LexicalEmbedder } from '../../src/embed/lexical/lexical-embedder.js';
import type { Embedder } from '../../src/embed/embedder.js';
import { BundleError, DimensionMismatchError, EmbedderMismatchError } from '../../src/errors.js';
import { SparseWordHashEmbedder, WordHashEmbedder } from '../support/word-hash-embedder.js';
import { firstArticles, floodQuery, generatedArticles, laterArticles } from './story-articles.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'samestory-persist-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function detectorWith(options: StoryDetectorOptions = {}) {
  const detector = await StoryDetector.create({ embedder: new WordHashEmbedder(), ...options });
  await detector.add(firstArticles);
  return detector;
}

/** What a user can observe of a detector, for comparing two of them. */
async function observe(detector: StoryDetector) {
  const ids = [...firstArticles, ...laterArticles].map((a) => a.id).filter((id) => detector.has(id));
  const matches = await detector.match(floodQuery, { explain: false });
  return {
    size: detector.size,
    stories: detector.clusters().map((s) => ({ ids: s.articleIds, representative: s.representativeId, cohesion: s.cohesion })),
    similarities: ids.map((a) => ids.map((b) => detector.similarity(a, b))),
    matches: matches.map((m) => ({ ids: m.story.articleIds, similarity: m.similarity, closest: m.closestArticleId })),
    articles: ids.map((id) => detector.article(id)),
  };
}

describe('StoryDetector.save / StoryDetector.load', () => {
  it('still loads a version 1 bundle (no stories file) and clusters what it holds', async () => {
    const detector = await detectorWith();
    await detector.save(dir);
    // Turn the bundle into what version 1 wrote: no stories.json, version 1 in the manifest.
    const bundle = path.join(dir, 'bundle-1');
    const manifest = JSON.parse(await readFile(path.join(bundle, 'manifest.json'), 'utf8'));
    delete manifest.files['stories.json'];
    delete manifest.options.activeWindowDays;
    delete manifest.options.linkageCohesion;
    manifest.version = 1;
    await unlink(path.join(bundle, 'stories.json'));
    const text = JSON.stringify(manifest);
    await writeFile(path.join(bundle, 'manifest.json'), text);
    await writeFile(path.join(dir, 'CURRENT'), `bundle-1 ${createHash('sha256').update(text).digest('hex')}\n`);
    const loaded = await StoryDetector.load(dir, { embedder: new WordHashEmbedder() });
    expect(loaded.clusters().map((s) => s.articleIds)).toEqual(detector.clusters().map((s) => s.articleIds));
    // Such bundles were clustered by plain average linkage, and go on that way.
    expect(loaded.linkageCohesion).toBe(0);
  });

  it('gives back a detector with the same stories, similarities and matches', async () => {
    const original = await detectorWith();
    await original.save(dir);
    const loaded = await StoryDetector.load(dir, { embedder: new WordHashEmbedder() });
    expect(await observe(loaded)).toEqual(await observe(original));
    expect(loaded.clusters().map((s) => s.articleIds)).toContainEqual(['flood-1', 'flood-2']);
  });

  it('keeps the detector options: threshold, time window, neighbours, cohesion', async () => {
    const original = await detectorWith({ similarityThreshold: 0.42, timeWindowDays: Infinity, neighbors: 3, linkageCohesion: 0.8, calibrateLanguages: false });
    await original.save(dir);
    const loaded = await StoryDetector.load(dir, { embedder: new WordHashEmbedder() });
    expect(loaded.similarityThreshold).toBe(0.42);
    expect(loaded.linkageCohesion).toBe(0.8);
    expect(loaded.timeWindowMs).toBe(Infinity);
    expect(await observe(loaded)).toEqual(await observe(original));
  });

  it('lets a loaded detector keep adding, ending where an unsaved one ends', async () => {
    const original = await detectorWith();
    await original.save(dir);
    const loaded = await StoryDetector.load(dir, { embedder: new WordHashEmbedder() });
    await loaded.add(laterArticles);
    await original.add(laterArticles);
    expect(loaded.size).toBe(firstArticles.length + laterArticles.length);
    expect(await observe(loaded)).toEqual(await observe(original));
  });

  it('round-trips an HNSW index', async () => {
    const original = await StoryDetector.create({ embedder: new WordHashEmbedder(), index: 'hnsw' });
    await original.add([...firstArticles, ...generatedArticles('gen', 60)]);
    await original.save(dir);
    const loaded = await StoryDetector.load(dir, { embedder: new WordHashEmbedder() });
    expect(await observe(loaded)).toEqual(await observe(original));
  });

  it('waits for add() calls made before save() and saves their articles', async () => {
    const detector = await StoryDetector.create({ embedder: new WordHashEmbedder() });
    const adding = detector.add(firstArticles);
    const saving = detector.save(dir);
    await Promise.all([adding, saving]);
    const loaded = await StoryDetector.load(dir, { embedder: new WordHashEmbedder() });
    expect(loaded.size).toBe(firstArticles.length);
  });

  it('replaces the previous save and leaves one bundle folder behind', async () => {
    const detector = await detectorWith();
    await detector.save(dir);
    await detector.add(laterArticles);
    await detector.save(dir);
    const loaded = await StoryDetector.load(dir, { embedder: new WordHashEmbedder() });
    expect(loaded.size).toBe(firstArticles.length + laterArticles.length);
    expect((await readdir(dir)).sort()).toEqual(['CURRENT', 'bundle-2']);
  });

  it('saves and loads an empty detector', async () => {
    const detector = await StoryDetector.create({ embedder: new WordHashEmbedder() });
    await detector.save(dir);
    const loaded = await StoryDetector.load(dir, { embedder: new WordHashEmbedder() });
    expect(loaded.size).toBe(0);
    expect(loaded.clusters()).toEqual([]);
  });

  it('round-trips the built-in embedder, which load creates by itself', async () => {
    const embedder = await LexicalEmbedder.create();
    const original = await StoryDetector.create({ embedder });
    await original.add([...firstArticles, ...laterArticles]);
    await original.save(dir);
    const loaded = await StoryDetector.load(dir);
    expect(loaded.embedder.id).toBe(embedder.id);
    expect(await observe(loaded)).toEqual(await observe(original));
  });
});

describe('saving sparse vectors', () => {
  it('stores a sparse embedder\'s vectors as their non-zeros and loads the same detector', async () => {
    const original = await StoryDetector.create({ embedder: new SparseWordHashEmbedder() });
    await original.add([...firstArticles, ...laterArticles]);
    await original.save(dir);
    const files = await readdir(path.join(dir, 'bundle-1'));
    expect(files).toContain('vectors.sparse');
    expect(files).not.toContain('vectors.f32');
    const manifest = JSON.parse(await readFile(path.join(dir, 'bundle-1', 'manifest.json'), 'utf8'));
    expect(manifest.version).toBe(3);
    expect(manifest.embedder.vectorKind).toBe('sparse');
    const loaded = await StoryDetector.load(dir, { embedder: new SparseWordHashEmbedder() });
    expect(await observe(loaded)).toEqual(await observe(original));
  });

  it('loads a version 2 bundle of dense vectors into a sparse embedder\'s detector, same stories', async () => {
    // Before sparse vectors, the built-in embedder's vectors were saved dense (version 2).
    const original = await detectorWith();
    await original.save(dir);
    const bundle = path.join(dir, 'bundle-1');
    const manifest = JSON.parse(await readFile(path.join(bundle, 'manifest.json'), 'utf8'));
    manifest.version = 2;
    const text = JSON.stringify(manifest);
    await writeFile(path.join(bundle, 'manifest.json'), text);
    await writeFile(path.join(dir, 'CURRENT'), `bundle-1 ${createHash('sha256').update(text).digest('hex')}\n`);
    const loaded = await StoryDetector.load(dir, { embedder: new SparseWordHashEmbedder() });
    expect(await observe(loaded)).toEqual(await observe(original));
    // It goes on with sparse vectors, and saves them sparse.
    await loaded.add(laterArticles);
    await loaded.save(dir);
    expect(await readdir(path.join(dir, 'bundle-2'))).toContain('vectors.sparse');
  });
});

describe('StoryDetector.load refuses a different embedding space', () => {
  const otherId: Embedder = Object.assign(new WordHashEmbedder(), { id: 'test-word-hash:v2' });
  const otherDimension: Embedder = Object.assign(new WordHashEmbedder(), { dimension: 32 });

  it('throws EmbedderMismatchError for another embedder id', async () => {
    await (await detectorWith()).save(dir);
    const error = await StoryDetector.load(dir, { embedder: otherId }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EmbedderMismatchError);
    expect((error as EmbedderMismatchError).actual).toBe('test-word-hash:v1');
  });

  it('throws DimensionMismatchError for the same id with another dimension', async () => {
    await (await detectorWith()).save(dir);
    await expect(StoryDetector.load(dir, { embedder: otherDimension })).rejects.toBeInstanceOf(DimensionMismatchError);
  });

  it('throws EmbedderMismatchError when no embedder is given and the bundle is not the built-in one', async () => {
    await (await detectorWith()).save(dir);
    await expect(StoryDetector.load(dir)).rejects.toBeInstanceOf(EmbedderMismatchError);
  });

  it('throws BundleError for a folder that holds no save', async () => {
    await expect(StoryDetector.load(dir, { embedder: new WordHashEmbedder() })).rejects.toThrow(/CURRENT is missing/);
    await expect(StoryDetector.load(dir, { embedder: new WordHashEmbedder() })).rejects.toBeInstanceOf(BundleError);
  });
});
