// Exact cosine search over sparse vectors (the built-in embedder's: 20-300 non-zeros out of
// 4,096 dimensions) through an inverted index, pruned so that frequent features do not make
// every query scan the collection. Answers are exactly brute force's, ties included.
//
// Why not HNSW for these vectors: as dense 4,096-d points they insert at ~300/s, and on very
// sparse, templated texts the graph is often wrong (an article found itself first only 32 %
// of the time). An inverted index touches only vectors that share a dimension with the query.
//
// Search is term-at-a-time with max-score pruning. Query terms are taken shortest posting
// list first (rare, cheap, discriminative), adding q_d × v_d into an accumulator per label.
// Before each long list, the labels with the best partial scores are scored exactly; the
// lowest of those scores (θ) is a lower bound on the true k-th score. `rest`, the sum over the
// unread terms of the most any stored value can add (signed bounds per dimension, so negative
// values from signed feature hashing stay exact), is an upper bound on what an unread list can
// still give. Once rest < θ no unseen vector can reach the top k: the remaining lists are
// skipped, and only the seen labels with partial + rest ≥ θ are scored exactly.

import { closeSync, openSync, writeSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { BundleError, InvalidOptionsError } from '../errors.js';
import type { AnnIndex, Neighbor, SearchOptions } from './ann-index.js';
import {
  metaOption,
  readAnnMeta,
  saveAnnFiles,
  verifyDataChecksum,
  type AnnMetaBody,
  type LoadedAnnMeta,
} from './ann-files.js';
import { IdMap } from './id-map.js';
import type { EmbeddingVector, SparseVector } from '../vectors/sparse-vector.js';
import { TopK } from './top-k.js';
import { checkBatchWith, checkDimension, checkNeighborCount, clampSimilarity, toUnitSparseVector } from './vector-checks.js';

export interface SparseIndexOptions {
  /**
   * Vectors to reserve room for up front; storage doubles when it fills up.
   * @default 1024
   * @example { maxElements: 100_000 }
   */
  maxElements?: number;
}

/** What the last `search` of a SparseIndex read: how much the pruning saved. */
export interface SparseSearchStats {
  /** Entries of the query's posting lists a search without pruning would read. */
  readonly postingsInQueryLists: number;
  /** Posting entries actually read. */
  readonly postingsScanned: number;
  /** Stored vectors whose similarity with the query was computed exactly. */
  readonly candidatesRescored: number;
}

const DEFAULT_MAX_ELEMENTS = 1024;
// Tombstones are compacted away once they outnumber live vectors (and there are enough of
// them to be worth the copy), which keeps deletes amortised O(non-zeros).
const MIN_TOMBSTONES_TO_COMPACT = 64;
const INITIAL_POSTINGS = 8;
// Partial scores and bounds are float64 sums of float32 products in another order than the
// exact score; this margin (far above their rounding, far below any real score gap) keeps
// a rounding difference from pruning a vector that ties the k-th.
const ROUNDING_SLACK = 1e-9;
// Labels rescored per neighbour asked for when estimating the k-th score (see #kthScoreLowerBound).
const LEADERS_PER_NEIGHBOR = 4;
// `#blocked` values: live labels are 0.
const DELETED = 1;
const EXCLUDED = 2;

// Data file: magic, u32 dimension, u32 rows, u32 entries, then the rows in CSR form:
// (rows + 1) u32 row starts, entries u32 dimensions, entries float32 values, in platform
// byte order (little-endian on x86-64 and arm64, like the other index files). Postings are
// not stored: loading rebuilds them from the rows in one pass.
const MAGIC = 'SSSPARS1';
const HEADER_BYTES = 20;
const MAX_UINT32 = 0xffff_ffff;

const NO_LABELS = new Uint32Array(0);
const NO_VALUES = new Float32Array(0);

export class SparseIndex implements AnnIndex {
  readonly dimension: number;
  #idMap = new IdMap();
  // Row `label` is the unit vector of that label: entries rowStart[label] .. rowStart[label + 1]
  // of rowIndices / rowValues. Rows of deleted labels are dead until the next compaction.
  #rowStart: Uint32Array;
  #rowIndices: Uint32Array;
  #rowValues: Float32Array;
  // Per dimension: the labels holding a value there (ascending, deleted ones until the next
  // compaction) and those values, in growable arrays; `#postingLength` is the used part.
  #postingLabels: Uint32Array[];
  #postingValues: Float32Array[];
  #postingLength: Uint32Array;
  // The largest and smallest value ever stored per dimension (0 when none is above / below
  // 0): bounds on what a dimension can add to a score, whatever the sign of the query's value.
  #maxValue: Float32Array;
  #minValue: Float32Array;
  #blocked: Uint8Array;
  // Search scratch, one slot per label, reset after each search: partial scores, whether a
  // label was seen, and the seen labels in order.
  #partial: Float64Array;
  #seen: Uint8Array;
  #touched: Uint32Array;
  #stats: SparseSearchStats = { postingsInQueryLists: 0, postingsScanned: 0, candidatesRescored: 0 };

  constructor(dimension: number, options: SparseIndexOptions = {}) {
    checkDimension(dimension);
    const maxElements = options.maxElements ?? DEFAULT_MAX_ELEMENTS;
    if (!Number.isSafeInteger(maxElements) || maxElements < 1 || maxElements > MAX_UINT32) {
      throw new InvalidOptionsError('maxElements', `must be a positive integer, got ${String(maxElements)}`);
    }
    this.dimension = dimension;
    this.#rowStart = new Uint32Array(maxElements + 1);
    this.#rowIndices = new Uint32Array(maxElements * 16);
    this.#rowValues = new Float32Array(maxElements * 16);
    this.#postingLabels = new Array<Uint32Array>(dimension).fill(NO_LABELS);
    this.#postingValues = new Array<Float32Array>(dimension).fill(NO_VALUES);
    this.#postingLength = new Uint32Array(dimension);
    this.#maxValue = new Float32Array(dimension);
    this.#minValue = new Float32Array(dimension);
    this.#blocked = new Uint8Array(maxElements);
    this.#partial = new Float64Array(maxElements);
    this.#seen = new Uint8Array(maxElements);
    this.#touched = new Uint32Array(maxElements);
  }

  get size(): number {
    return this.#idMap.size;
  }

  /** Counters of the last `search` (read-only): how much of the query's posting lists pruning skipped. */
  get lastSearchStats(): SparseSearchStats {
    return this.#stats;
  }

  add(id: string, vector: EmbeddingVector): void {
    this.addMany([{ id, vector }]);
  }

  addMany(items: ReadonlyArray<{ id: string; vector: EmbeddingVector }>): void {
    const units = checkBatchWith(items, this.#idMap, (vector, id) => toUnitSparseVector(vector, this.dimension, id));
    let entries = 0;
    for (const unit of units) entries += unit.indices.length;
    this.#reserveLabels(this.#idMap.labelCount + units.length);
    this.#reserveEntries(this.#entryCount + entries);
    items.forEach((item, i) => this.#append(this.#idMap.assign(item.id), units[i]!));
  }

  has(id: string): boolean {
    return this.#idMap.has(id);
  }

  get(id: string): SparseVector | undefined {
    const label = this.#idMap.labelOf(id);
    if (label === undefined) return undefined;
    const start = this.#rowStart[label]!;
    const end = this.#rowStart[label + 1]!;
    return { indices: this.#rowIndices.slice(start, end), values: this.#rowValues.slice(start, end) };
  }

  delete(id: string): boolean {
    const label = this.#idMap.delete(id);
    if (label === undefined) return false;
    this.#blocked[label] = DELETED;
    const tombstones = this.#idMap.deletedCount;
    if (tombstones >= MIN_TOMBSTONES_TO_COMPACT && tombstones > this.#idMap.size) this.#compact();
    return true;
  }

  search(vector: EmbeddingVector, k: number, options: SearchOptions = {}): Neighbor[] {
    checkNeighborCount(k);
    const query = toUnitSparseVector(vector, this.dimension);
    const excluded = this.#idMap.labelsOf(options.exclude ?? []);
    const wanted = Math.min(k, this.#idMap.size - excluded.size);
    this.#stats = { postingsInQueryLists: 0, postingsScanned: 0, candidatesRescored: 0 };
    if (wanted <= 0) return [];
    for (const label of excluded) this.#blocked[label] = EXCLUDED;
    try {
      return this.#search(query, wanted)
        .sorted()
        .map(({ label, score }) => ({ id: this.#idMap.idOf(label)!, similarity: clampSimilarity(score) }));
    } finally {
      // Excluded labels are live ones (labelsOf skips the rest).
      for (const label of excluded) this.#blocked[label] = 0;
    }
  }

  ids(): string[] {
    return this.#idMap.ids();
  }

  async save(dir: string): Promise<void> {
    await saveAnnFiles(dir, {
      snapshot: (tempPath) => {
        // Compacting first means the file holds live rows only, label = row.
        if (this.#idMap.deletedCount > 0) this.#compact();
        const rows = this.#idMap.labelCount;
        const entries = this.#entryCount;
        const header = Buffer.alloc(HEADER_BYTES);
        header.write(MAGIC, 0, 'latin1');
        header.writeUInt32LE(this.dimension, 8);
        header.writeUInt32LE(rows, 12);
        header.writeUInt32LE(entries, 16);
        const fd = openSync(tempPath, 'wx');
        try {
          writeSync(fd, header);
          writeSync(fd, bytesOf(this.#rowStart.subarray(0, rows + 1)));
          writeSync(fd, bytesOf(this.#rowIndices.subarray(0, entries)));
          writeSync(fd, bytesOf(this.#rowValues.subarray(0, entries)));
        } finally {
          closeSync(fd);
        }
        const meta: AnnMetaBody = {
          kind: 'sparse',
          dimension: this.dimension,
          size: this.#idMap.size,
          options: { maxElements: this.#blocked.length },
          idMap: this.#idMap.toJSON(),
        };
        return meta;
      },
      verify: async (tempPath, meta) => {
        await readSparseData(tempPath, meta.dimension, meta.idMap.ids.length);
      },
    });
  }

  /** Loads an index saved by `SparseIndex.save`. Throws BundleError when the files are unusable. */
  static async load(dir: string): Promise<SparseIndex> {
    return SparseIndex.fromLoadedMeta(await readAnnMeta(dir, 'sparse'));
  }

  /** @internal Used by `loadAnnIndex`, which has already read the meta. */
  static async fromLoadedMeta(loaded: LoadedAnnMeta): Promise<SparseIndex> {
    const { meta, idMap, dataPath } = loaded;
    const rows = await readSparseData(dataPath, meta.dimension, idMap.labelCount);
    // The checksum before the row-by-row checks: a flipped byte is reported as what it is.
    await verifyDataChecksum(loaded);
    checkRows(rows, meta.dimension, idMap, dataPath);
    const capacity = Math.min(MAX_UINT32, Math.max(idMap.labelCount, metaOption(loaded, 'maxElements', DEFAULT_MAX_ELEMENTS), 1));
    const index = new SparseIndex(meta.dimension, { maxElements: capacity });
    index.#idMap = idMap;
    index.#rowStart.set(rows.start);
    index.#reserveEntries(rows.indices.length);
    index.#rowIndices.set(rows.indices);
    index.#rowValues.set(rows.values);
    index.#buildPostings(idMap.labelCount);
    return index;
  }

  get #entryCount(): number {
    return this.#rowStart[this.#idMap.labelCount]!;
  }

  #append(label: number, unit: SparseVector): void {
    const { indices, values } = unit;
    const start = this.#rowStart[label]!;
    this.#rowIndices.set(indices, start);
    this.#rowValues.set(values, start);
    this.#rowStart[label + 1] = start + indices.length;
    for (let k = 0; k < indices.length; k++) this.#addPosting(indices[k]!, label, values[k]!);
  }

  #addPosting(dimension: number, label: number, value: number): void {
    const length = this.#postingLength[dimension]!;
    let labels = this.#postingLabels[dimension]!;
    if (length === labels.length) {
      const capacity = Math.max(INITIAL_POSTINGS, length * 2);
      labels = new Uint32Array(capacity);
      labels.set(this.#postingLabels[dimension]!);
      const values = new Float32Array(capacity);
      values.set(this.#postingValues[dimension]!);
      this.#postingLabels[dimension] = labels;
      this.#postingValues[dimension] = values;
    }
    labels[length] = label;
    this.#postingValues[dimension]![length] = value;
    this.#postingLength[dimension] = length + 1;
    if (value > this.#maxValue[dimension]!) this.#maxValue[dimension] = value;
    if (value < this.#minValue[dimension]!) this.#minValue[dimension] = value;
  }

  // Fills the posting lists from rows 0 .. rows - 1, sized exactly (a loaded index).
  #buildPostings(rows: number): void {
    const counts = new Uint32Array(this.dimension);
    const entries = this.#rowStart[rows]!;
    for (let e = 0; e < entries; e++) counts[this.#rowIndices[e]!]!++;
    for (let d = 0; d < this.dimension; d++) {
      if (counts[d] === 0) continue;
      this.#postingLabels[d] = new Uint32Array(counts[d]!);
      this.#postingValues[d] = new Float32Array(counts[d]!);
    }
    for (let label = 0; label < rows; label++) {
      if (this.#idMap.idOf(label) === undefined) {
        this.#blocked[label] = DELETED;
      }
      const end = this.#rowStart[label + 1]!;
      for (let e = this.#rowStart[label]!; e < end; e++) this.#addPosting(this.#rowIndices[e]!, label, this.#rowValues[e]!);
    }
  }

  // The k best of `wanted` live, not excluded labels, exactly as a brute-force scan ranks them.
  #search(query: SparseVector, wanted: number): TopK {
    const { indices: queryIndices, values: queryValues } = query;
    const terms = queryIndices.length;
    const postingLength = this.#postingLength;
    const order = new Uint32Array(terms);
    let postingsInQueryLists = 0;
    for (let t = 0; t < terms; t++) {
      order[t] = t;
      postingsInQueryLists += postingLength[queryIndices[t]!]!;
    }
    // gain[t]: the most term t can add to any stored vector's score.
    const gain = new Float64Array(terms);
    for (let t = 0; t < terms; t++) {
      const d = queryIndices[t]!;
      const q = queryValues[t]!;
      gain[t] = q > 0 ? q * this.#maxValue[d]! : q * this.#minValue[d]!;
    }
    // Cheapest gain first: long lists that can add little come last, where they are the
    // ones the pruning skips. (Shortest first is the same order when gains are alike.)
    const cost = new Float64Array(terms);
    for (let t = 0; t < terms; t++) cost[t] = postingLength[queryIndices[t]!]! / (gain[t]! + 1e-12);
    order.sort((a, b) => cost[a]! - cost[b]! || a - b);
    // rest[i]: the most the terms order[i ..] can add to any stored vector's score.
    const rest = new Float64Array(terms + 1);
    for (let i = terms - 1; i >= 0; i--) rest[i] = rest[i + 1]! + gain[order[i]!]!;

    const partial = this.#partial;
    const seen = this.#seen;
    const touched = this.#touched;
    const blocked = this.#blocked;
    const leaders = new TopK(LEADERS_PER_NEIGHBOR * wanted);
    const kth = new TopK(wanted);
    let touchedCount = 0;
    let threshold = -Infinity;
    let postingsScanned = 0;
    let candidatesRescored = 0;
    let read = 0;
    for (; read < terms; read++) {
      const t = order[read]!;
      const d = queryIndices[t]!;
      const length = postingLength[d]!;
      // A checkpoint costs a pass over the seen labels, so take one only before a list that
      // costs at least half as much to read.
      if (touchedCount >= wanted && 2 * length >= touchedCount) {
        bestPartials(touchedCount, touched, partial, blocked, leaders);
        if (leaders.length >= wanted) {
          // The k-th best exact score of the leaders: k distinct vectors reach it, so it is
          // a lower bound on the true k-th score. Partial scores still miss the unread terms,
          // so more than k leaders are rescored to find k good ones.
          kth.clear();
          for (let i = 0; i < leaders.length; i++) kth.offer(this.#exactScore(query, leaders.labelAt(i)), leaders.labelAt(i));
          candidatesRescored += leaders.length;
          threshold = Math.max(threshold, kth.lowestScore);
          if (rest[read]! + ROUNDING_SLACK < threshold) break;
        }
      }
      const weight = queryValues[t]!;
      const labels = this.#postingLabels[d]!;
      const values = this.#postingValues[d]!;
      for (let p = 0; p < length; p++) {
        const label = labels[p]!;
        if (seen[label] === 0) {
          seen[label] = 1;
          touched[touchedCount++] = label;
        }
        partial[label]! += weight * values[p]!;
      }
      postingsScanned += length;
    }

    const unread = rest[read]!;
    if (read === terms) {
      // Every list was read: partial scores are the exact ones up to rounding, so the k-th
      // best of them gives a sharp θ without rescoring.
      bestPartials(touchedCount, touched, partial, blocked, kth);
      if (kth.length === wanted) threshold = Math.max(threshold, kth.lowestScore - ROUNDING_SLACK);
    }
    const best = new TopK(wanted);
    for (let c = 0; c < touchedCount; c++) {
      const label = touched[c]!;
      if (blocked[label] !== 0 || partial[label]! + unread + ROUNDING_SLACK < threshold) continue;
      best.offer(this.#exactScore(query, label), label);
      candidatesRescored++;
    }
    if (read === terms) {
      // Each unseen vector shares no dimension with the query and scores exactly 0, which
      // may still beat negative scores or fill a short answer. Labels ascend, so once
      // (0, label) cannot enter, no later label can.
      const labelCount = this.#idMap.labelCount;
      for (let label = 0; label < labelCount && best.accepts(0, label); label++) {
        if (seen[label] === 0 && blocked[label] === 0) best.offer(0, label);
      }
    }
    for (let c = 0; c < touchedCount; c++) {
      const label = touched[c]!;
      partial[label] = 0;
      seen[label] = 0;
    }
    this.#stats = { postingsInQueryLists, postingsScanned, candidatesRescored };
    return best;
  }

  // Dot product of the query with a stored row, walking both in ascending dimension order:
  // the same sum, in the same order, as a plain sparse dot product of the two unit vectors.
  #exactScore(query: SparseVector, label: number): number {
    const queryIndices = query.indices;
    const queryValues = query.values;
    const rowIndices = this.#rowIndices;
    const rowValues = this.#rowValues;
    let i = 0;
    let e = this.#rowStart[label]!;
    const end = this.#rowStart[label + 1]!;
    let score = 0;
    while (i < queryIndices.length && e < end) {
      const a = queryIndices[i]!;
      const b = rowIndices[e]!;
      if (a === b) score += queryValues[i++]! * rowValues[e++]!;
      else if (a < b) i++;
      else e++;
    }
    return score;
  }

  #reserveLabels(labelsNeeded: number): void {
    const capacity = this.#blocked.length;
    if (labelsNeeded <= capacity) return;
    let newCapacity = capacity;
    while (newCapacity < labelsNeeded) newCapacity *= 2;
    const labelCount = this.#idMap.labelCount;
    this.#rowStart = grown(this.#rowStart, new Uint32Array(newCapacity + 1), labelCount + 1);
    this.#blocked = grown(this.#blocked, new Uint8Array(newCapacity), labelCount);
    // Scratch arrays are all zeros between searches: nothing to copy.
    this.#partial = new Float64Array(newCapacity);
    this.#seen = new Uint8Array(newCapacity);
    this.#touched = new Uint32Array(newCapacity);
  }

  // Row starts are uint32, which typed-array lengths cannot pass anyway (2^32 non-zeros
  // would be 32 GiB of rows): allocating beyond it fails with a RangeError here.
  #reserveEntries(entriesNeeded: number): void {
    const capacity = this.#rowIndices.length;
    if (entriesNeeded <= capacity) return;
    let newCapacity = Math.max(capacity, 1);
    while (newCapacity < entriesNeeded) newCapacity *= 2;
    const used = this.#entryCount;
    this.#rowIndices = grown(this.#rowIndices, new Uint32Array(newCapacity), used);
    this.#rowValues = grown(this.#rowValues, new Float32Array(newCapacity), used);
  }

  #compact(): void {
    const oldLabelCount = this.#idMap.labelCount;
    const newLabelOf = this.#idMap.compact();
    const rowStart = this.#rowStart;
    // New labels are never higher than old ones, so moving rows forward in place is safe.
    let write = 0;
    for (let oldLabel = 0; oldLabel < oldLabelCount; oldLabel++) {
      const newLabel = newLabelOf[oldLabel]!;
      const start = rowStart[oldLabel]!;
      const end = rowStart[oldLabel + 1]!;
      if (newLabel < 0) continue;
      this.#rowIndices.copyWithin(write, start, end);
      this.#rowValues.copyWithin(write, start, end);
      rowStart[newLabel] = write;
      write += end - start;
    }
    const newLabelCount = this.#idMap.labelCount;
    rowStart[newLabelCount] = write;
    // Postings keep ascending label order under the renumbering; the bounds are recomputed,
    // so values of deleted vectors stop loosening them.
    for (let d = 0; d < this.dimension; d++) {
      const length = this.#postingLength[d]!;
      if (length === 0) continue;
      const labels = this.#postingLabels[d]!;
      const values = this.#postingValues[d]!;
      let kept = 0;
      let max = 0;
      let min = 0;
      for (let p = 0; p < length; p++) {
        const newLabel = newLabelOf[labels[p]!]!;
        if (newLabel < 0) continue;
        const value = values[p]!;
        labels[kept] = newLabel;
        values[kept++] = value;
        if (value > max) max = value;
        if (value < min) min = value;
      }
      this.#postingLength[d] = kept;
      this.#maxValue[d] = max;
      this.#minValue[d] = min;
    }
    this.#blocked.fill(0);
  }
}

// Keeps in `into` the live, not excluded, seen labels with the best partial scores.
function bestPartials(touchedCount: number, touched: Uint32Array, partial: Float64Array, blocked: Uint8Array, into: TopK): void {
  into.clear();
  for (let c = 0; c < touchedCount; c++) {
    const label = touched[c]!;
    if (blocked[label] !== 0) continue;
    const score = partial[label]!;
    if (into.accepts(score, label)) into.offer(score, label);
  }
}

function grown<T extends Uint8Array | Uint32Array | Float32Array>(old: T, into: T, used: number): T {
  into.set(old.subarray(0, used) as never);
  return into;
}

function bytesOf(array: Uint32Array | Float32Array): Uint8Array {
  return new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
}

interface SparseRows {
  start: Uint32Array;
  indices: Uint32Array;
  values: Float32Array;
}

// Header and size checks: enough to refuse a file of another index or a truncated one
// before its checksum is even computed.
async function readSparseData(file: string, dimension: number, rows: number): Promise<SparseRows> {
  const bytes = await readFile(file);
  if (bytes.length < HEADER_BYTES || bytes.toString('latin1', 0, 8) !== MAGIC) {
    throw new BundleError(file, 'not a sparse-index data file (bad magic)');
  }
  const storedDimension = bytes.readUInt32LE(8);
  const storedRows = bytes.readUInt32LE(12);
  const entries = bytes.readUInt32LE(16);
  if (storedDimension !== dimension) {
    throw new BundleError(file, `index data holds vectors of dimension ${storedDimension} but the meta says ${dimension}`);
  }
  if (storedRows !== rows) {
    throw new BundleError(file, `index data holds ${storedRows} vectors but the meta's id map has ${rows} labels`);
  }
  const expectedBytes = HEADER_BYTES + 4 * (rows + 1) + 8 * entries;
  if (bytes.length !== expectedBytes) {
    throw new BundleError(file, `index data has ${bytes.length} bytes, expected ${expectedBytes}: truncated or corrupt`);
  }
  // Copy out: a Buffer from the pool need not be 4-byte aligned for typed-array views.
  const start = new Uint32Array(rows + 1);
  const indices = new Uint32Array(entries);
  const values = new Float32Array(entries);
  let offset = HEADER_BYTES;
  for (const array of [start, indices, values]) {
    new Uint8Array(array.buffer).set(bytes.subarray(offset, offset + array.byteLength));
    offset += array.byteLength;
  }
  return { start, indices, values };
}

// Everything search relies on: rows that tile the entries in order, ascending in-range
// dimensions, finite non-zero values, and a unit-length row for every live label.
function checkRows({ start, indices, values }: SparseRows, dimension: number, idMap: IdMap, file: string): void {
  const fail = (message: string): never => {
    throw new BundleError(file, `index data is corrupt: ${message}`);
  };
  const rows = start.length - 1;
  if (start[0] !== 0 || start[rows] !== indices.length) fail('row starts do not cover the entries');
  for (let row = 0; row < rows; row++) {
    const from = start[row]!;
    const to = start[row + 1]!;
    if (to < from || to > indices.length) fail(`row ${row} has impossible bounds ${from}..${to}`);
    let previous = -1;
    let sumOfSquares = 0;
    for (let e = from; e < to; e++) {
      const index = indices[e]!;
      const value = values[e]!;
      if (index <= previous || index >= dimension) fail(`row ${row} has dimensions out of order or out of range`);
      if (!Number.isFinite(value) || value === 0) fail(`row ${row} holds the value ${value}`);
      previous = index;
      sumOfSquares += value * value;
    }
    if (idMap.idOf(row) !== undefined && Math.abs(sumOfSquares - 1) > 1e-3) {
      fail(`row ${row} is not a unit vector (squared norm ${sumOfSquares})`);
    }
  }
}
