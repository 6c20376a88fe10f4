// The contents of one saved detector bundle: what each file holds, how it is written, and
// how it is checked on the way back in. Everything read is validated before it is
// trusted: sizes and SHA-256 against the manifest, then the structure of each file, so a
// truncated or flipped file gives a BundleError, never a detector with wrong answers.
//
// Layout of a bundle folder:
//   manifest.json   format + version, embedder id and dimension, detector options,
//                   counts, and size + SHA-256 of every other file
//   articles.json   the normalised articles, in insertion order
//   vectors.f32     (dense embedders) count x dimension float32, little-endian, row-major
//                   (embedder space)
//   vectors.sparse  (version 3, sparse embedders) u32 non-zero count per article, then all
//                   indices (u32), then all values (f32), little-endian: a built-in title
//                   vector takes about 170 bytes instead of 16 KB
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
import type { StoryCluster } from '../cluster/story-cluster.js';
import { checkSavedOptions, type SavedDetectorOptions } from '../detector-options.js';
import { BundleError, isSamestoryError } from '../errors.js';
import { allocateNeighborList, type NeighborList } from '../store/article-store.js';
import { allocateSparseVector, checkEmbeddingVector, sparseFromDense, type EmbeddingVector, type SparseVector, type VectorKind } from '../vectors/sparse-vector.js';
import { sha256Of, writeFileDurably } from './durable-files.js';

export const BUNDLE_FORMAT = 'samestory-detector-bundle';
/** Bundle version this code writes; bump when the layout changes incompatibly. */
export const BUNDLE_VERSION = 3;
// Version 1 bundles (no stories.json) are still read: their stories are clustered on load.
// Versions 1 and 2 hold dense vectors only; sparse embedders' vectors are made sparse on load.
const READABLE_VERSIONS = [1, 2, 3];

export const MANIFEST_FILE = 'manifest.json';
const ARTICLES_FILE = 'articles.json';
const VECTORS_FILE = 'vectors.f32';
const SPARSE_VECTORS_FILE = 'vectors.sparse';
const NEIGHBORS_FILE = 'neighbors.bin';
const STORIES_FILE = 'stories.json';
const INDEX_DIR = 'index';
const INDEX_META = `${INDEX_DIR}/${ANN_META_FILE}`;

export type { SavedDetectorOptions };

interface FileRecord {
  bytes: number;
  sha256: string;
}

export interface BundleManifest {
  format: typeof BUNDLE_FORMAT;
  version: number;
  savedAt: string;
  embedder: { id: string; dimension: number; vectorKind?: VectorKind };
  options: SavedDetectorOptions;
  counts: { articles: number; neighborEdges: number; nonZeros?: number };
  files: Record<string, FileRecord>;
}

/** Everything a detector needs to be rebuilt without re-embedding anything. */
export interface DetectorState {
  /** `vectorKind` 'sparse' stores vectors as their non-zeros (default 'dense'). */
  embedder: { id: string; dimension: number; vectorKind?: VectorKind };
  options: SavedDetectorOptions;
  articles: NormalizedArticle[];
  vectors: EmbeddingVector[];
  neighborLists: NeighborList[];
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
  const sparse = state.embedder.vectorKind === 'sparse';
  const articles = Buffer.from(JSON.stringify(state.articles), 'utf8');
  const encoded = sparse ? encodeSparseVectors(state.vectors) : { bytes: encodeVectors(state.vectors, dimension), nonZeros: undefined };
  const { bytes: neighbors, edges } = encodeNeighbors(state.neighborLists);
  const stories = Buffer.from(JSON.stringify({ ...state.stories, archive: state.archive ?? { stories: [] } }), 'utf8');
  const files: Record<string, FileRecord> = {};
  const contents = [
    [ARTICLES_FILE, articles],
    [sparse ? SPARSE_VECTORS_FILE : VECTORS_FILE, encoded.bytes],
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
    embedder: { id: state.embedder.id, dimension, ...(sparse ? { vectorKind: 'sparse' as const } : {}) },
    options: state.options,
    counts: { articles: state.articles.length, neighborEdges: edges, ...(encoded.nonZeros !== undefined ? { nonZeros: encoded.nonZeros } : {}) },
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
export async function readDetectorBundle(dir: string, manifest: BundleManifest, vectorKind: VectorKind = 'dense'): Promise<DetectorState> {
  try {
    return await readContents(dir, manifest, vectorKind);
  } catch (error) {
    if (isSamestoryError(error)) throw error;
    throw new BundleError(dir, `bundle cannot be read: ${String(error)}`, { cause: error });
  }
}

// `vectorKind` is the loading embedder's: vectors saved dense by older versions are made
// sparse for a sparse embedder.
async function readContents(dir: string, manifest: BundleManifest, vectorKind: VectorKind): Promise<DetectorState> {
  const { dimension } = manifest.embedder;
  const count = manifest.counts.articles;
  const savedSparse = manifest.embedder.vectorKind === 'sparse';
  const articlesBytes = await readChecked(dir, ARTICLES_FILE, manifest);
  const vectorsFile = savedSparse ? SPARSE_VECTORS_FILE : VECTORS_FILE;
  const vectorsBytes = await readChecked(dir, vectorsFile, manifest);
  const neighborsBytes = await readChecked(dir, NEIGHBORS_FILE, manifest);
  await readChecked(dir, INDEX_META, manifest);
  const storiesBytes = manifest.version >= 2 ? await readChecked(dir, STORIES_FILE, manifest) : undefined;

  // Binary files first: their sizes follow from the counts alone, the clearest message.
  const vectors: EmbeddingVector[] = savedSparse
    ? decodeSparseVectors(vectorsBytes, count, dimension, manifest.counts.nonZeros ?? -1, path.join(dir, SPARSE_VECTORS_FILE))
    : decodeVectors(vectorsBytes, count, dimension, path.join(dir, VECTORS_FILE)).map((v) => (vectorKind === 'sparse' ? sparseFromDense(v) : v));
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
  const embedder = { id: manifest.embedder.id, dimension, ...(vectorKind === 'sparse' ? { vectorKind } : {}) };
  const state: DetectorState = { embedder, options: manifest.options, articles, vectors, neighborLists, index };
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

function encodeVectors(vectors: readonly EmbeddingVector[], dimension: number): Buffer {
  const out = Buffer.alloc(vectors.length * dimension * 4);
  if (vectors.some((v) => !(v instanceof Float32Array))) throw new TypeError('dense bundle given sparse vectors');
  const dense = vectors as Float32Array[];
  if (LITTLE_ENDIAN) {
    const floats = new Float32Array(out.buffer, out.byteOffset, vectors.length * dimension);
    dense.forEach((vector, i) => floats.set(vector, i * dimension));
  } else {
    dense.forEach((vector, i) => vector.forEach((x, d) => out.writeFloatLE(x, (i * dimension + d) * 4)));
  }
  return out;
}

function encodeSparseVectors(vectors: readonly EmbeddingVector[]): { bytes: Buffer; nonZeros: number } {
  const sparse = vectors.map((v) => (v instanceof Float32Array ? sparseFromDense(v) : v));
  const { bytes, total } = encodeLists(sparse.map((v) => ({ keys: v.indices, values: v.values })), 'float32');
  return { bytes, nonZeros: total };
}

function encodeNeighbors(lists: readonly NeighborList[]): { bytes: Buffer; edges: number } {
  const { bytes, total } = encodeLists(lists.map((l) => ({ keys: l.positions, values: l.similarities })), 'float64');
  return { bytes, edges: total };
}

// Lists of (u32 key, value) pairs, as vectors.sparse and neighbors.bin store them: u32 length
// of each list, then every key (u32), then every value (f32 or f64), little-endian.
function encodeLists(
  lists: ReadonlyArray<{ keys: ArrayLike<number>; values: ArrayLike<number> }>,
  valueType: 'float32' | 'float64',
): { bytes: Buffer; total: number } {
  const total = lists.reduce((sum, list) => sum + list.keys.length, 0);
  const valueBytes = valueType === 'float32' ? 4 : 8;
  const out = Buffer.alloc(4 * lists.length + (4 + valueBytes) * total);
  let keyAt = 4 * lists.length;
  let valueAt = keyAt + 4 * total;
  lists.forEach((list, i) => {
    out.writeUInt32LE(list.keys.length, 4 * i);
    for (let k = 0; k < list.keys.length; k++) {
      out.writeUInt32LE(list.keys[k]!, keyAt);
      if (valueType === 'float32') out.writeFloatLE(list.values[k]!, valueAt);
      else out.writeDoubleLE(list.values[k]!, valueAt);
      keyAt += 4;
      valueAt += valueBytes;
    }
  });
  return { bytes: out, total };
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

function decodeSparseVectors(bytes: Buffer, count: number, dimension: number, nonZeros: number, file: string): SparseVector[] {
  if (!(nonZeros >= 0) || bytes.length !== 4 * count + 8 * nonZeros) {
    throw new BundleError(file, `has ${bytes.length} bytes, expected ${4 * count + 8 * nonZeros} for ${count} vectors and ${nonZeros} non-zeros`);
  }
  const vectors: SparseVector[] = [];
  let indexAt = 4 * count;
  let valueAt = indexAt + 4 * nonZeros;
  let seen = 0;
  for (let i = 0; i < count; i++) {
    const n = bytes.readUInt32LE(4 * i);
    if (n === 0 || n > dimension || seen + n > nonZeros) throw new BundleError(file, `vector ${i} has an impossible number of non-zeros (${n})`);
    const vector = allocateSparseVector(n);
    for (let k = 0; k < n; k++) {
      vector.indices[k] = bytes.readUInt32LE(indexAt);
      vector.values[k] = bytes.readFloatLE(valueAt);
      indexAt += 4;
      valueAt += 4;
    }
    try {
      checkEmbeddingVector(vector, dimension, `vector ${i}`);
    } catch (error) {
      throw new BundleError(file, (error as Error).message, { cause: error });
    }
    seen += n;
    vectors.push(vector);
  }
  if (seen !== nonZeros) throw new BundleError(file, `holds ${seen} non-zeros but the manifest says ${nonZeros}`);
  return vectors;
}

function decodeNeighbors(bytes: Buffer, count: number, manifest: BundleManifest, file: string): NeighborList[] {
  const edges = manifest.counts.neighborEdges;
  if (bytes.length !== 4 * count + 12 * edges) {
    throw new BundleError(file, `has ${bytes.length} bytes, expected ${4 * count + 12 * edges} for ${count} lists and ${edges} edges`);
  }
  const lists: NeighborList[] = [];
  let positionAt = 4 * count;
  let similarityAt = positionAt + 4 * edges;
  let seen = 0;
  for (let i = 0; i < count; i++) {
    const length = bytes.readUInt32LE(4 * i);
    if (length > manifest.options.neighbors || seen + length > edges) {
      throw new BundleError(file, `neighbour list ${i} has an impossible length (${length})`);
    }
    const list = allocateNeighborList(length);
    for (let j = 0; j < length; j++) {
      const index = bytes.readUInt32LE(positionAt);
      const similarity = bytes.readDoubleLE(similarityAt);
      if (index >= count || index === i || !(similarity >= -1 && similarity <= 1)) {
        throw new BundleError(file, `neighbour list ${i} holds an impossible edge (${index}, ${similarity})`);
      }
      list.positions[j] = index;
      list.similarities[j] = similarity;
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
  const sparse = isObject(embedder) && embedder.vectorKind === 'sparse';
  if (isObject(embedder) && embedder.vectorKind !== undefined && embedder.vectorKind !== 'sparse' && embedder.vectorKind !== 'dense') {
    fail("embedder.vectorKind must be 'dense' or 'sparse'");
  }
  if (sparse && raw.version !== 3) fail('sparse vectors need bundle version 3');
  const counts = raw.counts;
  if (!isObject(counts) || !isCount(counts.articles) || !isCount(counts.neighborEdges)) {
    fail('counts must hold non-negative integers articles and neighborEdges');
  }
  if (sparse && !isCount((counts as Record<string, unknown>).nonZeros)) fail('counts.nonZeros must be a non-negative integer for sparse vectors');
  checkSavedOptions(raw.options, fail);
  const files = raw.files;
  if (!isObject(files)) return fail('files must be an object');
  const required = [ARTICLES_FILE, sparse ? SPARSE_VECTORS_FILE : VECTORS_FILE, NEIGHBORS_FILE, INDEX_META, ...(raw.version === 1 ? [] : [STORIES_FILE])];
  for (const name of required) {
    const record = files[name];
    if (!isObject(record) || !isCount(record.bytes) || typeof record.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(record.sha256)) {
      fail(`files['${name}'] must be { bytes, sha256 }`);
    }
  }
  return raw as unknown as BundleManifest;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}
