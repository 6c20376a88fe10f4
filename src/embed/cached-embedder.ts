// Remembers vectors by content, so re-running over the same articles costs no embedding.
//
// Keys are a hash of the wrapped embedder's id and the input (language, title, text): a
// vector is only ever reused for the same text in the same vector space. With `dir`, the
// cache is an append-only file per embedder id: each record is a key, the vector and a
// checksum, so a record torn by a crash, or damaged later, is recognised and ignored.
// Sparse embedders' vectors are stored as their non-zeros (count, indices, values): a
// built-in title vector takes about 200 bytes instead of 16 KB.

import { createHash } from 'node:crypto';
import { mkdir, open, readFile, truncate } from 'node:fs/promises';
import path from 'node:path';
import { CacheWriteError, InvalidOptionsError } from '../errors.js';
import type { EmbeddingVector, SparseVector, VectorKind } from '../vectors/sparse-vector.js';
import { allocateSparseVector, checkEmbeddingVector, denseOf, sparseFromDense } from '../vectors/sparse-vector.js';
import { vectorKindOf, type EmbedInput, type EmbedOptions, type Embedder } from './embedder.js';

export interface CachedEmbedderOptions {
  /**
   * Folder for the persistent cache (created when missing); without it the cache lives in
   * memory only.
   * @default undefined
   * @example './.samestory-cache'
   */
  dir?: string;
  /**
   * Vectors kept in memory at most; the least recently used go first.
   * @default 100000
   */
  maxEntries?: number;
}

const KEY_BYTES = 32;
const CHECK_BYTES = 8;
const MAGIC: Record<VectorKind, string> = { dense: 'SSEC1\n', sparse: 'SSES1\n' };

function keyOf(embedderId: string, input: EmbedInput): string {
  return createHash('sha256')
    .update(embedderId)
    .update('\u0000')
    .update(input.lang ?? '')
    .update('\u0000')
    .update(input.title ?? '')
    .update('\u0000')
    .update(input.text)
    .digest('hex');
}

function checkOf(key: Buffer, vector: Buffer | Uint8Array): Buffer {
  return createHash('sha256').update(key).update(vector).digest().subarray(0, CHECK_BYTES);
}

export class CachedEmbedder implements Embedder {
  readonly id: string;
  readonly dimension: number;
  readonly sameStoryThreshold?: number;
  readonly vectorKind: VectorKind;
  /** Inputs answered from the cache since creation. */
  hits = 0;
  /** Inputs the wrapped embedder had to embed since creation. */
  misses = 0;
  private readonly entries = new Map<string, EmbeddingVector>();
  private readonly maxEntries: number;
  private readonly file: string | undefined;
  // Set when the file on disk is not ours to append to (another format, a torn header).
  private rewrite = false;
  private failure: CacheWriteError | undefined;

  private constructor(private readonly inner: Embedder, options: CachedEmbedderOptions) {
    this.id = inner.id;
    this.dimension = inner.dimension;
    this.vectorKind = vectorKindOf(inner);
    if (inner.sameStoryThreshold !== undefined) this.sameStoryThreshold = inner.sameStoryThreshold;
    this.maxEntries = options.maxEntries ?? 100_000;
    if (!Number.isInteger(this.maxEntries) || this.maxEntries < 1) {
      throw new InvalidOptionsError('maxEntries', `must be a positive integer, got ${options.maxEntries}`);
    }
    const name = createHash('sha256').update(inner.id).digest('hex').slice(0, 16);
    this.file = options.dir ? path.join(options.dir, `embeddings-${name}.bin`) : undefined;
  }

  /** Wraps `embedder`; with `dir`, loads what earlier runs cached for the same embedder id. */
  static async create(embedder: Embedder, options: CachedEmbedderOptions = {}): Promise<CachedEmbedder> {
    const cached = new CachedEmbedder(embedder, options);
    if (options.dir) {
      await mkdir(options.dir, { recursive: true });
      await cached.load();
    }
    return cached;
  }

  /**
   * Why the cache file stopped being written (disk full, permissions), if it did. A cache
   * is an optimisation: embedding goes on and vectors stay cached in memory.
   */
  get writeError(): CacheWriteError | undefined {
    return this.failure;
  }

  /** Number of vectors held in memory. */
  get size(): number {
    return this.entries.size;
  }

  async embed(inputs: readonly EmbedInput[], options: EmbedOptions = {}): Promise<EmbeddingVector[]> {
    const keys = inputs.map((input) => keyOf(this.id, input));
    const out: EmbeddingVector[] = new Array(inputs.length);
    const missing: number[] = [];
    keys.forEach((key, i) => {
      const hit = this.entries.get(key);
      if (hit) {
        // Re-insert so the map's order is least recently used first.
        this.entries.delete(key);
        this.entries.set(key, hit);
        out[i] = hit;
        this.hits++;
      } else missing.push(i);
    });
    if (missing.length > 0) {
      const vectors = await this.inner.embed(missing.map((i) => inputs[i]!), options);
      const fresh: Array<[string, EmbeddingVector]> = [];
      missing.forEach((i, j) => {
        out[i] = vectors[j]!;
        fresh.push([keys[i]!, vectors[j]!]);
        this.remember(keys[i]!, vectors[j]!);
      });
      this.misses += missing.length;
      if (this.file && !this.failure) {
        try {
          await this.append(fresh);
        } catch (error) {
          this.failure = new CacheWriteError(this.file, `cannot append to the embedding cache: ${(error as Error).message}`, { cause: error });
        }
      }
    } else {
      options.onProgress?.({ stage: 'embed', done: inputs.length, total: inputs.length, percent: 1 });
    }
    return out;
  }

  async dispose(): Promise<void> {
    this.entries.clear();
    await this.inner.dispose?.();
  }

  private remember(key: string, vector: EmbeddingVector): void {
    this.entries.set(key, vector);
    if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
  }

  private header(): Buffer {
    return Buffer.from(`${MAGIC[this.vectorKind]}${this.id}\n${this.dimension}\n`, 'utf8');
  }

  // A record's vector bytes: the dense floats, or u32 count, u32 indices, f32 values.
  private vectorBytes(vector: EmbeddingVector): Buffer {
    // An embedder that returns the other shape than it declares is stored in its declared one.
    if (this.vectorKind === 'dense') {
      const dense = denseOf(vector, this.dimension);
      return Buffer.from(dense.buffer, dense.byteOffset, dense.byteLength);
    }
    if (vector instanceof Float32Array) vector = sparseFromDense(vector);
    const n = vector.indices.length;
    const bytes = Buffer.alloc(4 + 8 * n);
    bytes.writeUInt32LE(n, 0);
    for (let k = 0; k < n; k++) {
      bytes.writeUInt32LE(vector.indices[k]!, 4 + 4 * k);
      bytes.writeFloatLE(vector.values[k]!, 4 + 4 * n + 4 * k);
    }
    return bytes;
  }

  // Appends records and fsyncs: a crash can only tear the last record, which load() skips.
  private async append(items: ReadonlyArray<[string, EmbeddingVector]>): Promise<void> {
    const handle = await open(this.file!, this.rewrite ? 'w' : 'a');
    this.rewrite = false;
    try {
      const { size } = await handle.stat();
      const parts: Buffer[] = size === 0 ? [this.header()] : [];
      for (const [key, vector] of items) {
        const keyBytes = Buffer.from(key, 'hex');
        const vectorBytes = this.vectorBytes(vector);
        parts.push(keyBytes, vectorBytes, checkOf(keyBytes, vectorBytes));
      }
      await handle.writeFile(Buffer.concat(parts));
      await handle.sync();
    } finally {
      await handle.close();
    }
  }

  // A cache is an optimisation: a file of another embedder, or damaged records, are skipped
  // (and re-embedded), never trusted and never fatal.
  private async load(): Promise<void> {
    let bytes: Buffer;
    try {
      bytes = await readFile(this.file!);
    } catch {
      return;
    }
    const header = this.header();
    if (bytes.length < header.length || !bytes.subarray(0, header.length).equals(header)) {
      this.rewrite = bytes.length > 0;
      return;
    }
    let at = header.length;
    while (at < bytes.length) {
      const length = this.recordLengthAt(bytes, at);
      // A torn last record (or a length no record of ours can have) ends the readable
      // part; it is cut off so the next append starts on a record boundary.
      if (length === undefined || at + length > bytes.length) break;
      const keyBytes = bytes.subarray(at, at + KEY_BYTES);
      const vectorBytes = bytes.subarray(at + KEY_BYTES, at + length - CHECK_BYTES);
      if (checkOf(keyBytes, vectorBytes).equals(bytes.subarray(at + length - CHECK_BYTES, at + length))) {
        const vector = this.decodeVector(vectorBytes);
        if (vector) this.remember(keyBytes.toString('hex'), vector);
      }
      at += length;
    }
    if (at < bytes.length) await truncate(this.file!, at);
  }

  private recordLengthAt(bytes: Buffer, at: number): number | undefined {
    if (this.vectorKind === 'dense') return KEY_BYTES + this.dimension * 4 + CHECK_BYTES;
    if (at + KEY_BYTES + 4 > bytes.length) return undefined;
    const n = bytes.readUInt32LE(at + KEY_BYTES);
    if (n > this.dimension) return undefined;
    return KEY_BYTES + 4 + 8 * n + CHECK_BYTES;
  }

  private decodeVector(bytes: Buffer): EmbeddingVector | undefined {
    let vector: EmbeddingVector;
    if (this.vectorKind === 'dense') {
      vector = new Float32Array(this.dimension);
      new Uint8Array(vector.buffer).set(bytes);
    } else {
      const n = bytes.readUInt32LE(0);
      const sparse = allocateSparseVector(n);
      for (let k = 0; k < n; k++) {
        sparse.indices[k] = bytes.readUInt32LE(4 + 4 * k);
        sparse.values[k] = bytes.readFloatLE(4 + 4 * n + 4 * k);
      }
      vector = sparse;
    }
    // The checksum matched, so this is what was written; checking the shape still costs
    // little and keeps a file written by a buggy version from being trusted.
    try {
      checkEmbeddingVector(vector, this.dimension, 'cached vector');
    } catch {
      return undefined;
    }
    return vector;
  }
}
