// Approximate nearest neighbours on hnswlib-node's HNSW graph: sub-linear search for
// large collections, at the price of a build cost and recall slightly below 1.
//
// Space: 'ip' over vectors we normalise ourselves. hnswlib-node's 'cosine' space is the
// same inner-product distance plus a second normalisation inside the binding, so 'ip'
// gives identical rankings (measured: 3,000 x 384 clustered vectors, recall@10 equal,
// build 651 ms 'ip' vs 674 ms 'cosine'), and `get` returns exactly the unit vector
// ExactIndex would store instead of a re-normalised float32 copy.
//
// hnswlib is not safe to search during a concurrent write. Every call here is
// synchronous on the JS thread (including writeIndexSync in save), so there is never a
// native write in flight while JS code runs; readIndex runs off-thread only on a fresh
// index nobody else can see yet.
//
// Deletes only mark a vector (it stays in the graph as a routing point) and every add
// takes a fresh slot. Once deleted slots outnumber live ones (compactionDue in id-map.ts),
// the graph is rebuilt from the live vectors in insertion order and the labels renumbered.
// hnswlib's own way to bound memory, reusing deleted slots (allow_replace_deleted), repairs
// every link around the reused slot: ×9.2 the cost of a fresh add on 4,096-d vectors, which
// made a windowed live feed 4.4× slower than an unwindowed one. A rebuild re-inserts each
// live vector once, so a sliding window pays about two fresh adds per article (one of them
// inside a pause proportional to the live size, once per window length of deletes), and
// storage stays under 2 × live + MIN_DELETED_TO_COMPACT slots. Measured (npm run
// bench:hnsw-reuse, window of 500 4,096-d vectors, two runs): 2.6-4.2 ms per article with
// the rebuild pauses (0.5-0.8 s every 501 evictions) against 47-51 ms reusing slots, at the
// same recall@10 and 16.8 against 16.1 MiB of slots. getPoint is 40-50 % of a rebuild (it
// copies through a JS array); a JS-side copy of the vectors would save that, for 16 KB each.

import hnswlib from 'hnswlib-node';
import { BundleError, InvalidOptionsError, isSamestoryError } from '../errors.js';
import type { AnnIndex, Neighbor, SearchOptions } from './ann-index.js';
import { readAnnMeta, saveAnnFiles, verifyDataChecksum, type LoadedAnnMeta } from './ann-files.js';
import { checkHnswFile } from './hnsw-file.js';
import { compactionDue, IdMap, MIN_DELETED_TO_COMPACT } from './id-map.js';
import type { EmbeddingVector } from '../vectors/sparse-vector.js';
import { checkBatch, checkDimension, checkNeighborCount, clampSimilarity, toUnitVector } from './vector-checks.js';

const { HierarchicalNSW } = hnswlib;
type NativeIndex = InstanceType<typeof HierarchicalNSW>;

export interface HnswIndexOptions {
  /**
   * Graph links per node and layer (hnswlib's M): more links, better recall, more memory.
   * @default 16
   * @example { M: 32 }
   */
  M?: number;
  /**
   * Candidate list size while inserting: higher builds a better graph, more slowly.
   * @default 200
   * @example { efConstruction: 400 }
   */
  efConstruction?: number;
  /**
   * Candidate list size while searching; raised to k automatically when k is larger.
   * @default 64
   * @example { efSearch: 128 }
   */
  efSearch?: number;
  /**
   * Initial capacity in vectors; the index doubles it by itself when it fills up, and never
   * goes below it when a rebuild after deletes shrinks it.
   * @default 1024
   * @example { maxElements: 100_000 }
   */
  maxElements?: number;
  /**
   * Seed of hnswlib's level generator: the same seed and insertion order build the same graph.
   * @default 100
   * @example { seed: 7 }
   */
  seed?: number;
}

const DEFAULTS: Required<HnswIndexOptions> = { M: 16, efConstruction: 200, efSearch: 64, maxElements: 1024, seed: 100 };
// hnswlib-node passes sizes and labels through uint32.
const MAX_UINT32 = 0xffff_ffff;

export class HnswIndex implements AnnIndex {
  readonly dimension: number;
  #options: Readonly<Required<HnswIndexOptions>>;
  #native: NativeIndex;
  #idMap = new IdMap();

  constructor(dimension: number, options: HnswIndexOptions = {}) {
    checkDimension(dimension);
    this.dimension = dimension;
    const resolved = Object.freeze(resolveOptions(options));
    this.#options = resolved;
    this.#native = createNative(dimension, resolved, resolved.maxElements);
  }

  /** The options in effect, defaults filled in. */
  get options(): Readonly<Required<HnswIndexOptions>> {
    return this.#options;
  }

  get size(): number {
    return this.#idMap.size;
  }

  /** Vectors the native index has room for before it grows again (deleted ones count until the next rebuild). */
  get capacity(): number {
    return this.#native.getMaxElements();
  }

  /**
   * Native storage slots in use: the live vectors plus deleted ones that wait for the next
   * rebuild. At most 2 × size + 64 after any delete.
   */
  get slots(): number {
    return this.#native.getCurrentCount();
  }

  add(id: string, vector: EmbeddingVector): void {
    this.addMany([{ id, vector }]);
  }

  addMany(items: ReadonlyArray<{ id: string; vector: EmbeddingVector }>): void {
    const units = checkBatch(items, this.dimension, this.#idMap);
    this.#reserve(this.slots + units.length);
    items.forEach((item, i) => {
      // The label is taken only once hnswlib has accepted the point, so a native failure
      // cannot leave an id that points at nothing.
      this.#native.addPoint(Array.from(units[i]!), this.#idMap.labelCount);
      this.#idMap.assign(item.id);
    });
  }

  has(id: string): boolean {
    return this.#idMap.has(id);
  }

  get(id: string): Float32Array | undefined {
    const label = this.#idMap.labelOf(id);
    return label === undefined ? undefined : Float32Array.from(this.#native.getPoint(label));
  }

  /**
   * Marks the id deleted; hnswlib keeps the node (and its memory) as a routing point until
   * deleted slots outnumber live ones, and this delete then rebuilds the graph.
   */
  delete(id: string): boolean {
    const label = this.#idMap.delete(id);
    if (label === undefined) return false;
    this.#native.markDelete(label);
    this.#rebuildIfDue();
    return true;
  }

  search(vector: EmbeddingVector, k: number, options: SearchOptions = {}): Neighbor[] {
    checkNeighborCount(k);
    const query = toUnitVector(vector, this.dimension);
    const excluded = this.#idMap.labelsOf(options.exclude ?? []);
    const wanted = Math.min(k, this.#idMap.size - excluded.size);
    if (wanted <= 0) return [];
    // Asking for the excluded ones too and dropping them afterwards is cheaper than a JS
    // filter callback, which hnswlib would call for every candidate it visits.
    const asked = wanted + excluded.size;
    // hnswlib itself searches with max(ef, k); setting ef on every call also undoes
    // readIndex, which resets it to 10.
    this.#native.setEf(Math.max(this.options.efSearch, asked));
    const { neighbors, distances } = this.#native.searchKnn(Array.from(query), asked);
    const found: Neighbor[] = [];
    for (let i = 0; i < neighbors.length && found.length < wanted; i++) {
      const label = neighbors[i]!;
      if (excluded.has(label)) continue;
      const id = this.#idMap.idOf(label);
      // In 'ip' space hnswlib's distance is 1 - dot, and the dot of unit vectors is the cosine.
      if (id !== undefined) found.push({ id, similarity: clampSimilarity(1 - distances[i]!) });
    }
    return found;
  }

  ids(): string[] {
    return this.#idMap.ids();
  }

  async save(dir: string): Promise<void> {
    await saveAnnFiles(dir, {
      snapshot: (tempPath) => {
        this.#native.writeIndexSync(tempPath);
        return {
          kind: 'hnsw',
          dimension: this.dimension,
          size: this.#idMap.size,
          options: { ...this.options },
          idMap: this.#idMap.toJSON(),
          slots: this.slots,
        };
      },
      // hnswlib's writer does not check its stream, so a full disk would go unnoticed.
      verify: async (tempPath, meta) => {
        const count = meta.slots ?? meta.idMap.ids.length;
        const { M } = this.options;
        await checkHnswFile(tempPath, { dimension: this.dimension, M, count, maxCapacity: maxCapacity(this.options, count) });
      },
    });
  }

  /** Loads an index saved by `HnswIndex.save`. Throws BundleError when the files are unusable. */
  static async load(dir: string): Promise<HnswIndex> {
    return HnswIndex.fromLoadedMeta(await readAnnMeta(dir, 'hnsw'));
  }

  /** @internal Used by `loadAnnIndex`, which has already read the meta. */
  static async fromLoadedMeta(loaded: LoadedAnnMeta): Promise<HnswIndex> {
    const { meta, idMap, metaPath, dataPath } = loaded;
    let options: Required<HnswIndexOptions>;
    try {
      options = resolveOptions(meta.options);
    } catch (error) {
      throw new BundleError(metaPath, `stored options are invalid: ${(error as Error).message}`, { cause: error });
    }
    // Every size in the file is checked before hnswlib sees it: its loader trusts them.
    const count = meta.slots ?? idMap.labelCount;
    const expected = { dimension: meta.dimension, M: options.M, count, maxCapacity: maxCapacity(options, count) };
    await checkHnswFile(dataPath, expected);
    await verifyDataChecksum(loaded);
    // A minimal graph to start from; readIndex replaces it with the file's own capacity.
    // Files saved before fresh-slot adds were built with allowReplaceDeleted: their reused
    // slots are ordinary nodes, and their deleted ones are marked like ours.
    const index = new HnswIndex(meta.dimension, { ...options, maxElements: 1 });
    try {
      await index.#native.readIndex(dataPath, false);
    } catch (error) {
      if (isSamestoryError(error)) throw error;
      throw new BundleError(dataPath, `hnswlib could not read the index: ${String(error)}`, { cause: error });
    }
    if (index.#native.getCurrentCount() !== count) {
      throw new BundleError(dataPath, 'hnswlib read a different number of vectors than the meta lists');
    }
    index.#idMap = idMap;
    index.#options = Object.freeze(options);
    // Only a file saved by the slot-reusing code can hold this many deleted slots.
    index.#rebuildIfDue();
    return index;
  }

  #rebuildIfDue(): void {
    const live = this.#idMap.size;
    if (compactionDue(this.slots - live, live)) this.#rebuild();
  }

  // A new graph from the live vectors in insertion order, under the labels compact() gives
  // them (0, 1, 2, ...): the graph a fresh index with the same seed builds from the same
  // vectors. getPoint hands back the stored float32 values as doubles and addPoint rounds
  // them back, so the vectors stay bit for bit. The old graph and the id map are replaced
  // only once hnswlib has taken every vector, so a native failure leaves the index as it was.
  #rebuild(): void {
    const liveLabels = this.#idMap.liveLabels();
    const native = createNative(this.dimension, this.#options, capacityAfterRebuild(this.#options, liveLabels.length));
    liveLabels.forEach((label, newLabel) => native.addPoint(this.#native.getPoint(label), newLabel));
    this.#idMap.compact();
    this.#native = native;
  }

  // Grows by doubling, so n inserts cost O(log n) resizes.
  #reserve(slotsNeeded: number): void {
    const capacity = this.#native.getMaxElements();
    if (slotsNeeded <= capacity) return;
    if (slotsNeeded > MAX_UINT32) {
      throw new InvalidOptionsError('maxElements', `an index holds at most ${MAX_UINT32} vectors, deleted ones included`);
    }
    let grown = capacity;
    while (grown < slotsNeeded) grown = Math.min(grown * 2, MAX_UINT32);
    this.#native.resizeIndex(grown);
  }
}

function createNative(dimension: number, options: Required<HnswIndexOptions>, maxElements: number): NativeIndex {
  const native = new HierarchicalNSW('ip', dimension);
  native.initIndex({ maxElements, m: options.M, efConstruction: options.efConstruction, randomSeed: options.seed });
  return native;
}

// Until the next rebuild slots stay under 2 × live + MIN_DELETED_TO_COMPACT, so a window
// that keeps its size never has to resize between two rebuilds.
function capacityAfterRebuild(options: Required<HnswIndexOptions>, live: number): number {
  return Math.min(Math.max(options.maxElements, 2 * live + MIN_DELETED_TO_COMPACT), MAX_UINT32);
}

// The largest capacity an index with `count` slots can have: doubling only when full keeps
// it under twice the count, and a rebuild sizes it by capacityAfterRebuild.
function maxCapacity(options: Required<HnswIndexOptions>, count: number): number {
  return Math.min(Math.max(options.maxElements, 2 * count + MIN_DELETED_TO_COMPACT), MAX_UINT32);
}

function resolveOptions(options: HnswIndexOptions): Required<HnswIndexOptions> {
  const resolved = { ...DEFAULTS };
  for (const key of Object.keys(DEFAULTS) as Array<keyof HnswIndexOptions>) {
    const value = options[key];
    if (value !== undefined) resolved[key] = value;
  }
  checkInteger('M', resolved.M, 2, 2048);
  checkInteger('efConstruction', resolved.efConstruction, 1, MAX_UINT32);
  checkInteger('efSearch', resolved.efSearch, 1, MAX_UINT32);
  checkInteger('maxElements', resolved.maxElements, 1, MAX_UINT32);
  checkInteger('seed', resolved.seed, 0, MAX_UINT32);
  return resolved;
}

function checkInteger(option: string, value: number, min: number, max: number): void {
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new InvalidOptionsError(option, `must be an integer from ${min} to ${max}, got ${String(value)}`);
  }
}
