// On-disk layout shared by every AnnIndex kind: one data file (the index's own binary)
// plus a JSON meta file that says what the data is and how to check it. Writes are
// atomic per file (temp file in the same folder, fsync, rename, fsync folder), and the
// meta carries the data file's size and SHA-256, so a data file left over from another
// save, truncated or bit-flipped is refused before any native code reads it.

import { createHash, randomBytes } from 'node:crypto';
import { closeSync, createReadStream, openSync, writeSync } from 'node:fs';
import { mkdir, open, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { BundleError } from '../errors.js';
import { fsyncDirectory } from '../persist/durable-files.js';
import { IdMap, type IdMapData } from './id-map.js';

/** Name of the JSON meta file inside a saved index folder. */
export const ANN_META_FILE = 'ann-meta.json';
/** Name of the binary data file inside a saved index folder. */
export const ANN_DATA_FILE = 'ann-index.bin';

const FORMAT = 'samestory-ann-index';
/** Meta versions this code reads; bump when the layout changes incompatibly. */
const FORMAT_VERSION = 1;

/** Every kind of saved index, as its meta file names it. */
export const ANN_INDEX_KINDS = ['hnsw', 'exact', 'sparse'] as const;
export type AnnIndexKind = (typeof ANN_INDEX_KINDS)[number];

/** What a saved index folder's meta file holds. */
export interface AnnMeta {
  format: typeof FORMAT;
  version: number;
  kind: AnnIndexKind;
  dimension: number;
  /** Live vectors. */
  size: number;
  /** The options the index was built with (kind-specific, all numbers). */
  options: Record<string, number>;
  dataFile: string;
  dataBytes: number;
  dataSha256: string;
  idMap: IdMapData;
  /**
   * Storage slots the data file holds, deleted ones included (HNSW). Fewer than the id
   * map's labels in files saved by versions that reused deleted slots; absent means one
   * slot per label.
   */
  slots?: number;
}

/** The part of the meta an index supplies; the file facts are filled in by `saveAnnFiles`. */
export type AnnMetaBody = Pick<AnnMeta, 'kind' | 'dimension' | 'size' | 'options' | 'idMap' | 'slots'>;

export interface SaveSteps {
  /**
   * Writes the data file to `tempPath` and returns the meta that describes it. Must be
   * fully synchronous, so that the meta and the data are one consistent snapshot even
   * when the index is changed while the rest of the save awaits I/O.
   */
  snapshot(tempPath: string): AnnMetaBody;
  /** Re-checks the written data file (catches silent short writes); throws BundleError. */
  verify(tempPath: string, meta: AnnMetaBody): Promise<void>;
}

/** Saves an index into `dir` (created when missing) as ANN_DATA_FILE + ANN_META_FILE. */
export async function saveAnnFiles(dir: string, steps: SaveSteps): Promise<void> {
  await mkdir(dir, { recursive: true });
  const dataPath = path.join(dir, ANN_DATA_FILE);
  const metaPath = path.join(dir, ANN_META_FILE);
  const tempData = tempPathFor(dataPath);
  const tempMeta = tempPathFor(metaPath);
  try {
    const body = steps.snapshot(tempData);
    await fsyncFile(tempData);
    await steps.verify(tempData, body);
    const { size: dataBytes } = await stat(tempData);
    const meta: AnnMeta = {
      format: FORMAT,
      version: FORMAT_VERSION,
      ...body,
      dataFile: ANN_DATA_FILE,
      dataBytes,
      dataSha256: await sha256OfFile(tempData),
    };
    await writeFile(tempMeta, JSON.stringify(meta));
    await fsyncFile(tempMeta);
    // Data first: a crash between the two renames leaves an old meta whose checksum
    // no longer matches, which load reports instead of serving a mixed index.
    await rename(tempData, dataPath);
    await rename(tempMeta, metaPath);
    await fsyncDirectory(dir);
  } catch (error) {
    await Promise.all([unlink(tempData).catch(() => {}), unlink(tempMeta).catch(() => {})]);
    throw error;
  }
}

/** A validated meta file plus where its data file lies. */
export interface LoadedAnnMeta {
  meta: AnnMeta;
  idMap: IdMap;
  metaPath: string;
  dataPath: string;
}

/**
 * Reads and validates `dir`'s meta file and checks that the data file exists with the
 * recorded size. Structure checks of the data itself are the caller's; the checksum is
 * `verifyDataChecksum`'s. Throws BundleError for anything unusable.
 */
export async function readAnnMeta(dir: string, expectedKind?: AnnIndexKind): Promise<LoadedAnnMeta> {
  const metaPath = path.join(dir, ANN_META_FILE);
  let text: string;
  try {
    text = await readFile(metaPath, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'is missing' : 'cannot be read';
    throw new BundleError(metaPath, `index meta file ${reason}; save the index with save(dir) first`, { cause: error });
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new BundleError(metaPath, 'index meta file is not valid JSON (truncated or corrupt)', { cause: error });
  }
  const meta = checkMetaShape(raw, metaPath);
  if (expectedKind !== undefined && meta.kind !== expectedKind) {
    throw new BundleError(
      metaPath,
      `holds a '${meta.kind}' index, not '${expectedKind}'; load it with loadAnnIndex(dir) or the matching class`,
    );
  }
  let idMap: IdMap;
  try {
    idMap = IdMap.fromJSON(meta.idMap);
  } catch (error) {
    throw new BundleError(metaPath, (error as Error).message, { cause: error });
  }
  if (meta.slots !== undefined && (!isCount(meta.slots) || meta.slots < idMap.size || meta.slots > idMap.labelCount)) {
    throw new BundleError(metaPath, `meta says ${String(meta.slots)} slots, impossible for ${idMap.size} live of ${idMap.labelCount} labels`);
  }
  if (idMap.size !== meta.size) {
    throw new BundleError(metaPath, `meta says ${meta.size} vectors but its id map has ${idMap.size} live ids`);
  }
  const dataPath = path.join(dir, meta.dataFile);
  let dataBytes: number;
  try {
    dataBytes = (await stat(dataPath)).size;
  } catch (error) {
    throw new BundleError(dataPath, 'index data file is missing or unreadable', { cause: error });
  }
  if (dataBytes !== meta.dataBytes) {
    throw new BundleError(
      dataPath,
      `index data file has ${dataBytes} bytes but the meta recorded ${meta.dataBytes}: truncated, or left from another save`,
    );
  }
  return { meta, idMap, metaPath, dataPath };
}

/** Throws BundleError unless the data file's SHA-256 is the one recorded in the meta. */
export async function verifyDataChecksum(loaded: LoadedAnnMeta): Promise<void> {
  const actual = await sha256OfFile(loaded.dataPath);
  if (actual !== loaded.meta.dataSha256) {
    throw new BundleError(
      loaded.dataPath,
      'index data file does not match the checksum in its meta file (corrupt, or from another save)',
    );
  }
}

/** Reads a numeric option from a loaded meta, falling back to `fallback` when absent. */
export function metaOption(loaded: LoadedAnnMeta, name: string, fallback: number): number {
  const value = loaded.meta.options[name];
  return value === undefined ? fallback : value;
}

function checkMetaShape(raw: unknown, metaPath: string): AnnMeta {
  const fail = (message: string): never => {
    throw new BundleError(metaPath, message);
  };
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) fail('index meta must be a JSON object');
  const meta = raw as Record<string, unknown>;
  if (meta.format !== FORMAT) fail(`not a samestory index meta file (format is ${JSON.stringify(meta.format)})`);
  if (meta.version !== FORMAT_VERSION) {
    fail(
      `index format version ${JSON.stringify(meta.version)} is not supported ` +
        `(this samestory reads version ${FORMAT_VERSION}); rebuild the index`,
    );
  }
  if (!(ANN_INDEX_KINDS as readonly unknown[]).includes(meta.kind)) fail(`unknown index kind ${JSON.stringify(meta.kind)}`);
  if (!isPositiveInteger(meta.dimension)) {
    fail(`dimension must be a positive integer, got ${JSON.stringify(meta.dimension)}`);
  }
  if (!isCount(meta.size)) fail(`size must be a non-negative integer, got ${JSON.stringify(meta.size)}`);
  if (!isCount(meta.dataBytes)) fail('dataBytes must be a non-negative integer');
  if (typeof meta.dataSha256 !== 'string' || !/^[0-9a-f]{64}$/.test(meta.dataSha256)) {
    fail('dataSha256 must be 64 hex digits');
  }
  // A bare file name only: a meta must not point outside its own folder.
  if (typeof meta.dataFile !== 'string' || meta.dataFile === '' || path.basename(meta.dataFile) !== meta.dataFile ||
      meta.dataFile === '.' || meta.dataFile === '..') {
    fail(`dataFile must be a plain file name, got ${JSON.stringify(meta.dataFile)}`);
  }
  const options = meta.options;
  if (typeof options !== 'object' || options === null || Array.isArray(options) ||
      !Object.values(options).every((value) => typeof value === 'number' && Number.isFinite(value))) {
    fail('options must be an object of finite numbers');
  }
  return meta as unknown as AnnMeta;
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function isPositiveInteger(value: unknown): value is number {
  return isCount(value) && value > 0;
}

function tempPathFor(finalPath: string): string {
  const dir = path.dirname(finalPath);
  return path.join(dir, `.${path.basename(finalPath)}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
}

async function fsyncFile(file: string): Promise<void> {
  const handle = await open(file, 'r+');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function sha256OfFile(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * Writes a new data file from its parts in one synchronous pass (snapshots run while nothing
 * else may touch the index); 'wx' refuses to overwrite, so a stale temp file is an error.
 */
export function writeDataFile(file: string, parts: ReadonlyArray<Uint8Array | Uint32Array | Float32Array>): void {
  const fd = openSync(file, 'wx');
  try {
    for (const part of parts) writeSync(fd, new Uint8Array(part.buffer, part.byteOffset, part.byteLength));
  } finally {
    closeSync(fd);
  }
}
