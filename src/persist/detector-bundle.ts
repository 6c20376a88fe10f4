// The contents of one saved detector bundle: what each file holds, how it is written, and
// how it is checked on the way back in. Everything read is validated before it is
// trusted: sizes and SHA-256 against the manifest, then the structure of each file, so a
// truncated or flipped file gives a BundleError, never a detector with wrong answers.
//
// Layout of a bundle folder:
//   manifest.json   format + version, embedder id and dimension, detector options,
//                   counts, and size + SHA-256 of every other file
//   articles.json   the normalised articles, in insertion order
//   vectors.f32     count x dimension float32, little-endian, row-major (embedder space)
//   neighbors.bin   u32 list length per article, then all neighbour positions (u32),
//                   then all their similarities (f64), little-endian
//   stories.json    (version 2) the first member of each article's story, the feed clock,
//                   and the archive: its folder, or the archived stories themselves
//   index/          the ANN index, saved by its own save(dir) (it carries its own checksums)

import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { NormalizedArticle } from '../article.js';
import type { AnnIndex } from '../ann/ann-index.js';
import { ANN_META_FILE } from '../ann/ann-files.js';
import { loadAnnIndex } from '../ann/create-ann-index.js';
import type { AnnIndexKindChoice } from '../ann/create-ann-index.js';
import type { CandidateEdge } from '../cluster/average-linkage.js';
import type { StoryCluster } from '../cluster/story-cluster.js';
import type { LanguageCalibrationOptions } from '../cluster/language-calibration.js';
import { BundleError, isSamestoryError } from '../errors.js';
import { sha256Of, writeFileDurably } from './durable-files.js';

export const BUNDLE_FORMAT = 'samestory-detector-bundle';
/** Bundle version this code writes; bump when the layout changes incompatibly. */
export const BUNDLE_VERSION = 2;
// Version 1 bundles (no stories.json) are still read: their stories are clustered on load.
const READABLE_VERSIONS = [1, 2];

export const MANIFEST_FILE = 'manifest.json';
const ARTICLES_FILE = 'articles.json';
const VECTORS_FILE = 'vectors.f32';
const NEIGHBORS_FILE = 'neighbors.bin';
const STORIES_FILE = 'stories.json';
const INDEX_DIR = 'index';
const INDEX_META = `${INDEX_DIR}/${ANN_META_FILE}`;

/** The detector settings a bundle records, so a loaded detector clusters the same way. */
export interface SavedDetectorOptions {
  similarityThreshold: number;
  /** null stands for Infinity (no time window), which JSON cannot hold. */
  timeWindowDays: number | null;
  /** null stands for Infinity (no eviction); absent in version 1 bundles. */
  activeWindowDays?: number | null;
  neighbors: number;
  /** Absent in bundles written before the option existed (they were clustered with 0). */
  linkageCohesion?: number;
  batchSize: number;
  /** Absent in bundles written before the option existed (the default applies). */
  maxTextChars?: number;
  calibrateLanguages: false | LanguageCalibrationOptions;
  collectionWeighting: boolean;
  index: AnnIndexKindChoice;
}

interface FileRecord {
  bytes: number;
  sha256: string;
}

export interface BundleManifest {
  format: typeof BUNDLE_FORMAT;
  version: number;
  savedAt: string;
  embedder: { id: string; dimension: number };
  options: SavedDetectorOptions;
  counts: { articles: number; neighborEdges: number };
  files: Record<string, FileRecord>;
}

/** Everything a detector needs to be rebuilt without re-embedding anything. */
export interface DetectorState {
  embedder: { id: string; dimension: number };
  options: SavedDetectorOptions;
  articles: NormalizedArticle[];
  vectors: Float32Array[];
  neighborLists: CandidateEdge[][];
  index: AnnIndex;
  /** Story of each article as the position of its first member; absent in version 1 bundles. */
  stories?: SavedStories;
  /** Where archived stories are: their folder, or the stories themselves. */
  archive?: SavedArchive;
}

export interface SavedStories {
  storyFirst: number[];
  /** Newest publication time seen (the feed clock), epoch ms. */
  clock: number | null;
}

export type SavedArchive = { dir: string } | { stories: StoryCluster[] };

/**
 * Writes `state` into the empty folder `dir`, every file fsynced, the manifest last.
 * Returns the manifest's SHA-256.
 */
export async function writeDetectorBundle(dir: string, state: DetectorState): Promise<string> {
  const { dimension } = state.embedder;
  const articles = Buffer.from(JSON.stringify(state.articles), 'utf8');
  const vectors = encodeVectors(state.vectors, dimension);
  const { bytes: neighbors, edges } = encodeNeighbors(state.neighborLists);
  const stories = Buffer.from(JSON.stringify({ ...state.stories, archive: state.archive ?? { stories: [] } }), 'utf8');
  const files: Record<string, FileRecord> = {};
  const contents = [
    [ARTICLES_FILE, articles],
    [VECTORS_FILE, vectors],
    [NEIGHBORS_FILE, neighbors],
    [STORIES_FILE, stories],
  ] as const;
  for (const [name, data] of contents) {
    await writeFileDurably(path.join(dir, name), data);
    files[name] = { bytes: data.length, sha256: sha256Of(data) };
  }
  await state.index.save(path.join(dir, INDEX_DIR));
  // The index meta holds the checksum of the index data, so recording the meta's own
  // checksum ties the whole index to this manifest.
  const indexMeta = await readFile(path.join(dir, INDEX_META));
  files[INDEX_META] = { bytes: indexMeta.length, sha256: sha256Of(indexMeta) };
  const manifest: BundleManifest = {
    format: BUNDLE_FORMAT,
    version: BUNDLE_VERSION,
    savedAt: new Date().toISOString(),
    embedder: { id: state.embedder.id, dimension },
    options: state.options,
    counts: { articles: state.articles.length, neighborEdges: edges },
    files,
  };
  const manifestText = JSON.stringify(manifest, null, 2);
  await writeFileDurably(path.join(dir, MANIFEST_FILE), manifestText);
  return sha256Of(manifestText);
}

/**
 * Reads and validates a bundle's manifest only (cheap: lets callers check the embedder
 * first). `expectedSha256` is the checksum CURRENT recorded for it.
 */
export async function readManifest(dir: string, expectedSha256: string): Promise<BundleManifest> {
  const file = path.join(dir, MANIFEST_FILE);
  const raw = await readWhole(file, 'manifest');
  if (sha256Of(raw) !== expectedSha256) {
    throw new BundleError(file, 'manifest does not match the checksum in CURRENT (corrupt, truncated, or from another save)');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw.toString('utf8'));
  } catch (error) {
    throw new BundleError(file, 'manifest is not valid JSON (truncated or corrupt)', { cause: error });
  }
  return checkManifest(parsed, file);
}

/** Reads a whole bundle whose manifest was read with `readManifest`. Throws BundleError. */
export async function readDetectorBundle(dir: string, manifest: BundleManifest): Promise<DetectorState> {
  try {
    return await readContents(dir, manifest);
  } catch (error) {
    if (isSamestoryError(error)) throw error;
    throw new BundleError(dir, `bundle cannot be read: ${String(error)}`, { cause: error });
  }
}

async function readContents(dir: string, manifest: BundleManifest): Promise<DetectorState> {
  const { dimension } = manifest.embedder;
  const count = manifest.counts.articles;
  const articlesBytes = await readChecked(dir, ARTICLES_FILE, manifest);
  const vectorsBytes = await readChecked(dir, VECTORS_FILE, manifest);
  const neighborsBytes = await readChecked(dir, NEIGHBORS_FILE, manifest);
  await readChecked(dir, INDEX_META, manifest);
  const storiesBytes = manifest.version >= 2 ? await readChecked(dir, STORIES_FILE, manifest) : undefined;

  // Binary files first: their sizes follow from the counts alone, the clearest message.
  const vectors = decodeVectors(vectorsBytes, count, dimension, path.join(dir, VECTORS_FILE));
  const neighborLists = decodeNeighbors(neighborsBytes, count, manifest, path.join(dir, NEIGHBORS_FILE));
  const articles = decodeArticles(articlesBytes, count, path.join(dir, ARTICLES_FILE));
  const index = await loadAnnIndex(path.join(dir, INDEX_DIR));
  const indexDir = path.join(dir, INDEX_DIR);
  if (index.dimension !== dimension) {
    throw new BundleError(indexDir, `index has dimension ${index.dimension} but the manifest says ${dimension}`);
  }
  const ids = index.ids();
  if (ids.length !== count || ids.some((id, i) => id !== articles[i]!.id)) {
    throw new BundleError(indexDir, 'index ids do not match the saved articles');
  }
  const state: DetectorState = { embedder: manifest.embedder, options: manifest.options, articles, vectors, neighborLists, index };
  if (storiesBytes) {
    const { stories, archive } = decodeStories(storiesBytes, count, path.join(dir, STORIES_FILE));
    state.stories = stories;
    state.archive = archive;
  }
  return state;
}

async function readWhole(file: string, what: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'is missing' : 'cannot be read';
    throw new BundleError(file, `${what} file ${reason}`, { cause: error });
  }
}

async function readChecked(dir: string, name: string, manifest: BundleManifest): Promise<Buffer> {
  const file = path.join(dir, name);
  const record = manifest.files[name]!;
  const bytes = await readWhole(file, 'bundle');
  if (bytes.length !== record.bytes) {
    throw new BundleError(file, `has ${bytes.length} bytes but the manifest recorded ${record.bytes}: truncated, or from another save`);
  }
  if (sha256Of(bytes) !== record.sha256) {
    throw new BundleError(file, 'does not match the checksum in the manifest (corrupt, or from another save)');
  }
  return bytes;
}

// ---- encoding ------------------------------------------------------------------------

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

function encodeVectors(vectors: readonly Float32Array[], dimension: number): Buffer {
  const out = Buffer.alloc(vectors.length * dimension * 4);
  if (LITTLE_ENDIAN) {
    const floats = new Float32Array(out.buffer, out.byteOffset, vectors.length * dimension);
    vectors.forEach((vector, i) => floats.set(vector, i * dimension));
  } else {
    vectors.forEach((vector, i) => vector.forEach((x, d) => out.writeFloatLE(x, (i * dimension + d) * 4)));
  }
  return out;
}

function encodeNeighbors(lists: readonly CandidateEdge[][]): { bytes: Buffer; edges: number } {
  const edges = lists.reduce((sum, list) => sum + list.length, 0);
  const out = Buffer.alloc(4 * lists.length + 12 * edges);
  let positionAt = 4 * lists.length;
  let similarityAt = positionAt + 4 * edges;
  lists.forEach((list, i) => {
    out.writeUInt32LE(list.length, 4 * i);
    for (const edge of list) {
      out.writeUInt32LE(edge.index, positionAt);
      out.writeDoubleLE(edge.similarity, similarityAt);
      positionAt += 4;
      similarityAt += 8;
    }
  });
  return { bytes: out, edges };
}

// ---- decoding and validation ---------------------------------------------------------

function decodeVectors(bytes: Buffer, count: number, dimension: number, file: string): Float32Array[] {
  const expected = count * dimension * 4;
  if (bytes.length !== expected) {
    throw new BundleError(file, `has ${bytes.length} bytes, expected ${count} vectors x ${dimension} x 4 = ${expected}`);
  }
  const all = new Float32Array(count * dimension);
  for (let k = 0; k < all.length; k++) all[k] = bytes.readFloatLE(4 * k);
  for (let k = 0; k < all.length; k++) {
    if (!Number.isFinite(all[k]!)) throw new BundleError(file, `vector ${Math.floor(k / dimension)} holds a non-finite value`);
  }
  return Array.from({ length: count }, (_, i) => all.subarray(i * dimension, (i + 1) * dimension));
}

function decodeNeighbors(bytes: Buffer, count: number, manifest: BundleManifest, file: string): CandidateEdge[][] {
  const edges = manifest.counts.neighborEdges;
  if (bytes.length !== 4 * count + 12 * edges) {
    throw new BundleError(file, `has ${bytes.length} bytes, expected ${4 * count + 12 * edges} for ${count} lists and ${edges} edges`);
  }
  const lists: CandidateEdge[][] = [];
  let positionAt = 4 * count;
  let similarityAt = positionAt + 4 * edges;
  let seen = 0;
  for (let i = 0; i < count; i++) {
    const length = bytes.readUInt32LE(4 * i);
    if (length > manifest.options.neighbors || seen + length > edges) {
      throw new BundleError(file, `neighbour list ${i} has an impossible length (${length})`);
    }
    const list: CandidateEdge[] = [];
    for (let j = 0; j < length; j++) {
      const index = bytes.readUInt32LE(positionAt);
      const similarity = bytes.readDoubleLE(similarityAt);
      if (index >= count || index === i || !(similarity >= -1 && similarity <= 1)) {
        throw new BundleError(file, `neighbour list ${i} holds an impossible edge (${index}, ${similarity})`);
      }
      list.push({ index, similarity });
      positionAt += 4;
      similarityAt += 8;
    }
    seen += length;
    lists.push(list);
  }
  if (seen !== edges) throw new BundleError(file, `holds ${seen} edges but the manifest says ${edges}`);
  return lists;
}

const OPTIONAL_STRING_FIELDS = ['title', 'lang', 'url', 'source'] as const;

function decodeArticles(bytes: Buffer, count: number, file: string): NormalizedArticle[] {
  let raw: unknown;
  try {
    raw = JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    throw new BundleError(file, 'is not valid JSON (truncated or corrupt)', { cause: error });
  }
  if (!Array.isArray(raw) || raw.length !== count) {
    throw new BundleError(file, `must be a JSON array of ${count} articles`);
  }
  const ids = new Set<string>();
  return raw.map((item: unknown, i) => {
    const fail = (message: string): never => {
      throw new BundleError(file, `article ${i}: ${message}`);
    };
    if (typeof item !== 'object' || item === null || Array.isArray(item)) fail('must be an object');
    const article = item as Record<string, unknown>;
    if (typeof article.id !== 'string' || article.id === '') fail('id must be a non-empty string');
    if (ids.has(article.id as string)) fail(`id '${String(article.id)}' appears twice`);
    ids.add(article.id as string);
    if (typeof article.text !== 'string') fail('text must be a string');
    for (const field of OPTIONAL_STRING_FIELDS) {
      if (article[field] !== undefined && typeof article[field] !== 'string') fail(`${field} must be a string`);
    }
    if (article.publishedAt !== undefined && !(typeof article.publishedAt === 'number' && Number.isFinite(article.publishedAt))) {
      fail('publishedAt must be epoch milliseconds');
    }
    return article as unknown as NormalizedArticle;
  });
}

function decodeStories(bytes: Buffer, count: number, file: string): { stories: SavedStories; archive: SavedArchive } {
  const fail = (message: string): never => {
    throw new BundleError(file, message);
  };
  let raw: unknown;
  try {
    raw = JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    throw new BundleError(file, 'is not valid JSON (truncated or corrupt)', { cause: error });
  }
  if (!isObject(raw)) return fail('must be a JSON object');
  const storyFirst = raw.storyFirst;
  if (!Array.isArray(storyFirst) || storyFirst.length !== count) fail(`storyFirst must list ${count} positions`);
  const first = storyFirst as unknown[];
  // Each article points at its story's first member, which is no later than itself and
  // points at itself: anything else is not a grouping this code wrote.
  for (let i = 0; i < count; i++) {
    const f = first[i];
    if (!isCount(f) || f > i || first[f] !== f) fail(`storyFirst[${i}] is not the first member of a story`);
  }
  const clock = raw.clock;
  if (clock !== null && clock !== undefined && !(typeof clock === 'number' && Number.isFinite(clock))) fail('clock must be epoch ms or null');
  const archive = raw.archive;
  let savedArchive: SavedArchive;
  if (isObject(archive) && typeof archive.dir === 'string' && archive.dir !== '') {
    savedArchive = { dir: archive.dir };
  } else if (isObject(archive) && Array.isArray(archive.stories)) {
    for (const story of archive.stories as unknown[]) {
      if (!isObject(story) || typeof story.id !== 'string' || !Array.isArray(story.articleIds) || !Array.isArray(story.members)) {
        fail('archive.stories must hold story clusters');
      }
    }
    savedArchive = { stories: archive.stories as StoryCluster[] };
  } else {
    return fail('archive must be { dir } or { stories }');
  }
  return { stories: { storyFirst: first as number[], clock: (clock as number | null | undefined) ?? null }, archive: savedArchive };
}

function checkManifest(raw: unknown, file: string): BundleManifest {
  const fail = (message: string): never => {
    throw new BundleError(file, message);
  };
  if (!isObject(raw)) return fail('manifest must be a JSON object');
  if (raw.format !== BUNDLE_FORMAT) fail(`not a samestory detector bundle (format is ${JSON.stringify(raw.format)})`);
  if (!READABLE_VERSIONS.includes(raw.version as number)) {
    fail(
      `bundle format version ${JSON.stringify(raw.version)} is not supported (this samestory reads versions ` +
        `${READABLE_VERSIONS.join(' and ')}); save it again with this version, or upgrade samestory`,
    );
  }
  const embedder = raw.embedder;
  if (!isObject(embedder) || typeof embedder.id !== 'string' || embedder.id === '' || !isCount(embedder.dimension) || embedder.dimension < 1) {
    fail('embedder must be { id: non-empty string, dimension: positive integer }');
  }
  const counts = raw.counts;
  if (!isObject(counts) || !isCount(counts.articles) || !isCount(counts.neighborEdges)) {
    fail('counts must hold non-negative integers articles and neighborEdges');
  }
  checkOptions(raw.options, fail);
  const files = raw.files;
  if (!isObject(files)) return fail('files must be an object');
  const required = [ARTICLES_FILE, VECTORS_FILE, NEIGHBORS_FILE, INDEX_META, ...(raw.version === 1 ? [] : [STORIES_FILE])];
  for (const name of required) {
    const record = files[name];
    if (!isObject(record) || !isCount(record.bytes) || typeof record.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(record.sha256)) {
      fail(`files['${name}'] must be { bytes, sha256 }`);
    }
  }
  return raw as unknown as BundleManifest;
}

function checkOptions(raw: unknown, fail: (message: string) => never): void {
  if (!isObject(raw)) return fail('options must be an object');
  const threshold = raw.similarityThreshold;
  if (typeof threshold !== 'number' || !(threshold >= -1 && threshold <= 1)) fail('options.similarityThreshold must be in [-1, 1]');
  const days = raw.timeWindowDays;
  if (days !== null && !(typeof days === 'number' && days > 0 && Number.isFinite(days))) {
    fail('options.timeWindowDays must be a positive number or null');
  }
  const active = raw.activeWindowDays;
  if (active !== undefined && active !== null && !(typeof active === 'number' && active > 0 && Number.isFinite(active))) {
    fail('options.activeWindowDays must be a positive number or null');
  }
  if (raw.maxTextChars !== undefined && (!isCount(raw.maxTextChars) || raw.maxTextChars < 1)) {
    fail('options.maxTextChars must be a positive integer');
  }
  const cohesion = raw.linkageCohesion;
  if (cohesion !== undefined && !(typeof cohesion === 'number' && cohesion >= 0 && cohesion <= 1)) {
    fail('options.linkageCohesion must be a number from 0 to 1');
  }
  for (const key of ['neighbors', 'batchSize'] as const) {
    if (!isCount(raw[key]) || (raw[key] as number) < 1) fail(`options.${key} must be a positive integer`);
  }
  const calibrate = raw.calibrateLanguages;
  if (calibrate !== false && !(isObject(calibrate) && Object.values(calibrate).every((v) => typeof v === 'number' && Number.isFinite(v)))) {
    fail('options.calibrateLanguages must be false or an object of numbers');
  }
  if (typeof raw.collectionWeighting !== 'boolean') fail('options.collectionWeighting must be a boolean');
  if (raw.index !== 'auto' && raw.index !== 'exact' && raw.index !== 'hnsw') fail("options.index must be 'auto', 'exact' or 'hnsw'");
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}
