// Exact cosine search over sparse vectors (the built-in embedder's: 20-300 non-zeros out of
// 4,096 dimensions) through an inverted index, pruned so that frequent features do not make
// every query scan the collection. Answers are exactly brute force's, ties included.
//
// Why not HNSW for these vectors: as dense 4,096-d points they insert at ~300/s, and on very
// sparse, templated texts the graph is often wrong (an article found itself first only 32 %
// of the time). An inverted index touches only vectors that share a dimension with the query.
//
// Search is term-at-a-time with max-score pruning. Each dimension's postings are split by
// magnitude into tiers (|value| in [1/4, 1], [1/16, 1/4), ... ), each with its own bounds, so a
// dimension shared by a frequent light feature and a few rare heavy ones does not look heavy
// all along its list. The query's lists are read cheapest gain first (length / most it can
// add), summing q_d × v_d into a partial score per label. At checkpoints (spaced so that
// they cost no more than the reading), the labels with the best partial scores are scored
// exactly; their k-th best score θ is a lower bound on the true k-th. `rest`, the most the unread lists can add to any vector
// (signed bounds, so negative values from signed feature hashing stay exact; one tier per
// dimension, as a vector has one value there), bounds what an
// unseen vector can score. Once rest < θ no unseen vector can reach the top k: the seen ones
// with partial + rest ≥ θ are the candidates (listed once a sample says few are left, when
// every label is summed anyway). Reading on only for those tightens partial + rest until
// rescoring the survivors exactly costs less than the lists left; then they are scored
// exactly and the best k returned.

import { readFile } from 'node:fs/promises';
import { BundleError, InvalidOptionsError } from '../errors.js';
import type { AnnIndex, Neighbor, SearchOptions } from './ann-index.js';
import {
  metaOption,
  readAnnMeta,
  saveAnnFiles,
  verifyDataChecksum,
  writeDataFile,
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
// Tombstones are compacted away once they reach a quarter of the live vectors (and there are
// enough of them to be worth the copy): deletes stay amortised O(non-zeros), and a windowed
// feed, which deletes as much as it adds, holds at most 1.25× its live rows and postings
// instead of twice them.
const MIN_TOMBSTONES_TO_COMPACT = 64;
const MAX_TOMBSTONE_SHARE = 0.25;
// A compaction also gives back room: arrays holding under a quarter of their capacity shrink
// to twice what they hold (otherwise an index keeps its high-water mark for good). Shrinking
// at half to 1.25× made a sliding window shrink and regrow its rows and lists every
// compaction: freeing and allocating blocks of megabytes that glibc then keeps in its heap.
// The 30-day feed at day 30: 218-227 MiB RSS against 230-237 (three runs each).
const SHRUNK_HEADROOM = 2;
const SHRINK_BELOW = 0.25;
const INITIAL_POSTINGS = 8;
// Magnitude tiers per dimension: tier t holds |value| in [4^-(t+1), 4^-t), the last one
// everything smaller. Factor-4 tiers keep each list's bound within 4× of its values.
const TIERS = 5;
// Partial scores and bounds are float64 sums of float32 products in another order than the
// exact score; this margin (far above their rounding, far below any real score gap) keeps
// a rounding difference from pruning a vector that ties the k-th.
const ROUNDING_SLACK = 1e-9;
// What scoring one stored entry exactly costs, in postings read: rows are gathered from
// scattered places in memory, while posting lists are read in order. Measured on 100k
// vectors of 200 non-zeros: about 1.5 µs per 200-entry row against 3-4 ns per posting.
const RESCORE_COST_PER_ENTRY = 8;
// Labels rescored at a checkpoint per neighbour asked for, to find k that score well.
const LEADERS_PER_NEIGHBOR = 4;
// Checkpoints after the first wait until the unread lists can add less than this many times
// θ. With every label summed, on the detector's 100k vectors, the first θ was within 10 % of
// the last; waiting took 2.8 checkpoints a search instead of 4 and read as many postings.
// With seen labels tracked (titles), it rescored 106 labels a search instead of 258 on 100k
// generated titles, reading a few postings fewer: 0.75 against 0.93 ms a search, OG2021
// titles against themselves 0.126 against 0.144 ms, the same answers (hash of all of them).
const CHECKPOINT_REST_FACTOR = 2;
// Summing every label's partial score without tracking which were seen pays once the
// query's lists hold this many postings per stored vector (most labels get seen anyway;
// tracking costs a branch and a store per posting, about half again the reading's time).
const EVERY_LABEL_POSTINGS_PER_LABEL = 4;
// With every label summed, phase 2 lists its candidates only once a sample of the labels (every
// CANDIDATE_SAMPLE_STRIDE-th) says that rescoring them would cost at most
// LIST_CANDIDATES_MARGIN times the lists left; a sample is taken each time the postings read
// since the last reach ESTIMATE_EVERY_LABELS times the labels (so at most one sampled label
// per four postings read).
const CANDIDATE_SAMPLE_STRIDE = 8;
const LIST_CANDIDATES_MARGIN = 2;
const ESTIMATE_EVERY_LABELS = 0.5;
// `#blocked` values: live labels are 0.
const DELETED = 1;
const EXCLUDED = 2;
// `#seen` values: unseen labels are 0.
const SEEN = 1;
const RULED_OUT = 2;

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
  // Per list (dimension × TIERS + tier): the labels holding a value of that tier there
  // (ascending, deleted ones until the next compaction) and those values, in growable
  // arrays; `#postingLength` is the used part.
  #postingLabels: Uint32Array[];
  #postingValues: Float32Array[];
  #postingLength: Uint32Array;
  // The largest and smallest value ever stored per list (0 when none is above / below 0):
  // bounds on what a list can add to a score, whatever the sign of the query's value.
  #maxValue: Float32Array;
  #minValue: Float32Array;
  #blocked: Uint8Array;
  // Search scratch, one slot per label, reset after each search: partial scores, whether a
  // label was seen (SEEN) or seen and ruled out (RULED_OUT), the seen labels in order, and
  // the candidates still in the running. The query spread over its dimensions (for exact
  // scores by gathering) is reset too.
  #partial: Float64Array;
  #seen: Uint8Array;
  #touched: Uint32Array;
  #candidates: Uint32Array;
  #queryByDimension: Float64Array;
  // The largest gain of a dimension's lists not yet accounted for while `rest` is built.
  #restOfDimension: Float64Array;
  #stats: SparseSearchStats = { postingsInQueryLists: 0, postingsScanned: 0, candidatesRescored: 0 };
  // Scratch sized by the query's lists, and the three heaps of a search, kept from one
  // search to the next: a search then allocates no typed arrays, whose memory would wait in
  // malloc's heap for V8's next collection (the feed benchmark allocated about 20 MiB of
  // search scratch a simulated day).
  #lists = new QueryLists(64);
  #heaps = [new TopK(0), new TopK(0), new TopK(0)];

  constructor(dimension: number, options: SparseIndexOptions = {}) {
    checkDimension(dimension);
    const maxElements = options.maxElements ?? DEFAULT_MAX_ELEMENTS;
    if (!Number.isSafeInteger(maxElements) || maxElements < 1 || maxElements > MAX_UINT32) {
      throw new InvalidOptionsError('maxElements', `must be a positive integer, got ${String(maxElements)}`);
    }
    this.dimension = dimension;
    this.#rowStart = new Uint32Array(maxElements + 1);
    // Room for 16 non-zeros a vector to start with; rows double when they fill up.
    this.#rowIndices = new Uint32Array(maxElements * 16);
    this.#rowValues = new Float32Array(maxElements * 16);
    const lists = dimension * TIERS;
    this.#postingLabels = new Array<Uint32Array>(lists).fill(NO_LABELS);
    this.#postingValues = new Array<Float32Array>(lists).fill(NO_VALUES);
    this.#postingLength = new Uint32Array(lists);
    this.#maxValue = new Float32Array(lists);
    this.#minValue = new Float32Array(lists);
    this.#blocked = new Uint8Array(maxElements);
    this.#partial = new Float64Array(maxElements);
    this.#seen = new Uint8Array(maxElements);
    this.#touched = new Uint32Array(maxElements);
    this.#candidates = new Uint32Array(maxElements);
    this.#queryByDimension = new Float64Array(dimension);
    this.#restOfDimension = new Float64Array(dimension);
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
    if (tombstones >= MIN_TOMBSTONES_TO_COMPACT && tombstones > this.#idMap.size * MAX_TOMBSTONE_SHARE) this.#compact();
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
      return this.#search(query, wanted, this.#idMap.size - excluded.size)
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
        writeDataFile(tempPath, [header, this.#rowStart.subarray(0, rows + 1), this.#rowIndices.subarray(0, entries), this.#rowValues.subarray(0, entries)]);
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
    // The saved capacity is only a hint (the meta has no checksum): one far beyond what the
    // index ever held is not worth allocating.
    const hint = metaOption(loaded, 'maxElements', DEFAULT_MAX_ELEMENTS);
    const saneHint = Number.isSafeInteger(hint) && hint >= 1 ? Math.min(hint, 4 * idMap.labelCount + DEFAULT_MAX_ELEMENTS) : DEFAULT_MAX_ELEMENTS;
    const capacity = Math.max(idMap.labelCount, saneHint, 1);
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
    const list = listOf(dimension, value);
    const length = this.#postingLength[list]!;
    let labels = this.#postingLabels[list]!;
    if (length === labels.length) {
      const capacity = Math.max(INITIAL_POSTINGS, length * 2);
      labels = new Uint32Array(capacity);
      labels.set(this.#postingLabels[list]!);
      const values = new Float32Array(capacity);
      values.set(this.#postingValues[list]!);
      this.#postingLabels[list] = labels;
      this.#postingValues[list] = values;
    }
    labels[length] = label;
    this.#postingValues[list]![length] = value;
    this.#postingLength[list] = length + 1;
    if (value > this.#maxValue[list]!) this.#maxValue[list] = value;
    if (value < this.#minValue[list]!) this.#minValue[list] = value;
  }

  // Fills the posting lists from rows 0 .. rows - 1, sized exactly (a loaded index).
  #buildPostings(rows: number): void {
    const counts = new Uint32Array(this.#postingLength.length);
    const entries = this.#rowStart[rows]!;
    for (let e = 0; e < entries; e++) counts[listOf(this.#rowIndices[e]!, this.#rowValues[e]!)]!++;
    counts.forEach((count, list) => {
      if (count === 0) return;
      this.#postingLabels[list] = new Uint32Array(count);
      this.#postingValues[list] = new Float32Array(count);
    });
    for (let label = 0; label < rows; label++) {
      if (this.#idMap.idOf(label) === undefined) this.#blocked[label] = DELETED;
      const end = this.#rowStart[label + 1]!;
      for (let e = this.#rowStart[label]!; e < end; e++) this.#addPosting(this.#rowIndices[e]!, label, this.#rowValues[e]!);
    }
  }

  // The k best of the `eligible` live, not excluded labels (`wanted` of them), exactly as a
  // brute-force scan ranks them.
  #search(query: SparseVector, wanted: number, eligible: number): TopK {
    const { indices: queryIndices, values: queryValues } = query;
    const postingLength = this.#postingLength;
    const queryByDimension = this.#queryByDimension;
    // The query's lists: one per dimension and non-empty tier.
    let listCount = 0;
    for (let t = 0; t < queryIndices.length; t++) {
      queryByDimension[queryIndices[t]!] = queryValues[t]!;
      for (let tier = 0; tier < TIERS; tier++) if (postingLength[queryIndices[t]! * TIERS + tier]! > 0) listCount++;
    }
    if (this.#lists.capacity < listCount + 1) this.#lists = new QueryLists(2 * (listCount + 1));
    const { lists, weights, gains, costs, rest, restLength } = this.#lists;
    let postingsInQueryLists = 0;
    let n = 0;
    for (let t = 0; t < queryIndices.length; t++) {
      const q = queryValues[t]!;
      for (let tier = 0; tier < TIERS; tier++) {
        const list = queryIndices[t]! * TIERS + tier;
        const length = postingLength[list]!;
        if (length === 0) continue;
        lists[n] = list;
        weights[n] = q;
        // The most this list can add to any stored vector's score.
        gains[n] = q > 0 ? q * this.#maxValue[list]! : q * this.#minValue[list]!;
        costs[n] = length / (gains[n]! + 1e-12);
        postingsInQueryLists += length;
        n++;
      }
    }
    // Cheapest gain first: long lists that can add little come last, where they are the
    // ones the pruning skips.
    const order = this.#lists.order.subarray(0, listCount);
    for (let i = 0; i < listCount; i++) order[i] = i;
    order.sort((a, b) => costs[a]! - costs[b]! || a - b);
    // rest[i]: the most the lists order[i ..] can add to any stored vector's score;
    // restLength[i]: how many postings they hold. A vector has one value per dimension, so
    // it is in one tier's list of a dimension at most: of a dimension's unread lists, only
    // the largest gain counts (summing them all overstated rest by a third on the
    // detector's vectors).
    rest[listCount] = 0;
    restLength[listCount] = 0;
    const restOfDimension = this.#restOfDimension;
    for (let i = listCount - 1; i >= 0; i--) {
      const list = lists[order[i]!]!;
      const dimension = Math.floor(list / TIERS);
      const raise = Math.max(0, gains[order[i]!]! - restOfDimension[dimension]!);
      restOfDimension[dimension] = restOfDimension[dimension]! + raise;
      rest[i] = rest[i + 1]! + raise;
      restLength[i] = restLength[i + 1]! + postingLength[list]!;
    }
    for (let t = 0; t < queryIndices.length; t++) restOfDimension[queryIndices[t]!] = 0;

    const partial = this.#partial;
    const seen = this.#seen;
    const touched = this.#touched;
    const blocked = this.#blocked;
    const labelCount = this.#idMap.labelCount;
    // When the query's lists are long enough to reach most stored vectors, remembering which
    // ones were seen costs more than it saves (a branch and a store per posting): partial
    // scores are then summed for all labels, and the passes that look for leaders and
    // candidates go over every label instead of the seen ones.
    const everyLabel = postingsInQueryLists >= EVERY_LABEL_POSTINGS_PER_LABEL * labelCount;
    const leaders = this.#heap(0, LEADERS_PER_NEIGHBOR * wanted);
    const kth = this.#heap(1, wanted);
    let touchedCount = 0;
    let threshold = -Infinity;
    let postingsScanned = 0;
    let candidatesRescored = 0;
    let read = 0;
    // Phase 1: any label may still win; every posting read can bring in a new one. It ends
    // once no unseen label can: rest < θ, or every label that may be returned was seen.
    let sinceCheckpoint = 0;
    for (; read < listCount; read++) {
      const list = lists[order[read]!]!;
      const length = postingLength[list]!;
      // A checkpoint costs a pass over the seen labels (several times dearer per label than
      // a posting), so take one only before a list at least half as long as that pass, or
      // once the postings read since the last outnumber both the seen labels and all those
      // read before (doubling points, so that many short lists still get checkpoints).
      sinceCheckpoint += length;
      const readBeforeLastCheckpoint = postingsScanned + length - sinceCheckpoint;
      const pass = everyLabel ? labelCount : touchedCount;
      // With every label summed, phase 2 needs no fresh θ (it rules labels out by partial +
      // rest, unseen ones included): once the unread lists cannot lift a label with nothing
      // read to the last θ, phase 1 is over without another checkpoint.
      if (everyLabel && rest[read]! + ROUNDING_SLACK < threshold) break;
      // A checkpoint is a pass over the seen labels (all of them, when every label is summed),
      // and the first θ is close to the last: later checkpoints wait until the unread lists
      // are near θ, where raising it ends phase 1 sooner.
      const thresholdCanWait = threshold > 0 && rest[read]! > CHECKPOINT_REST_FACTOR * threshold;
      if (pass >= wanted && !thresholdCanWait && (2 * length >= pass || (sinceCheckpoint >= pass && sinceCheckpoint >= readBeforeLastCheckpoint))) {
        sinceCheckpoint = 0;
        let seenEligible = eligible;
        if (everyLabel) bestPartialsOfAll(labelCount, partial, blocked, leaders);
        else seenEligible = bestPartials(touchedCount, touched, partial, blocked, seen, leaders);
        if (leaders.length >= wanted) {
          // k distinct vectors reach the k-th best exact score of the leaders, so it is a
          // lower bound on the true k-th. Partial scores still miss the unread lists, so
          // more than k leaders are rescored to find k good ones.
          kth.clear();
          for (let i = 0; i < leaders.length; i++) kth.offer(this.#exactScore(leaders.labelAt(i)), leaders.labelAt(i));
          candidatesRescored += leaders.length;
          threshold = Math.max(threshold, kth.lowestScore);
          if (rest[read]! + ROUNDING_SLACK < threshold || (!everyLabel && seenEligible === eligible)) break;
        }
      }
      if (everyLabel) accumulateAll(this.#postingLabels[list]!, this.#postingValues[list]!, length, weights[order[read]!]!, partial);
      else touchedCount = accumulate(this.#postingLabels[list]!, this.#postingValues[list]!, length, weights[order[read]!]!, partial, seen, touched, touchedCount);
      postingsScanned += length;
    }
    const everyListRead = read === listCount;

    // Phase 2: only seen labels with partial + rest ≥ θ can still win. Reading on (for them
    // only) lowers rest and rules more out; once rescoring them costs less than the lists
    // left, stop and rescore.
    const candidates = this.#candidates;
    const rowCost = RESCORE_COST_PER_ENTRY * (this.#entryCount / Math.max(1, this.#idMap.labelCount));
    let candidateCount = 0;
    if (everyLabel) {
      // Right after phase 1 most labels are still candidates (three in four on the
      // detector's 100k vectors), and the reading goes on for every label anyway: listing
      // them would be a pass over all labels for nothing. Read on until a sample of the
      // labels says that few enough are left, then list them once.
      let sinceEstimate = Infinity;
      while (read < listCount) {
        if (sinceEstimate >= ESTIMATE_EVERY_LABELS * labelCount) {
          sinceEstimate = 0;
          const estimate = CANDIDATE_SAMPLE_STRIDE * countSampled(labelCount, partial, blocked, threshold - rest[read]! - ROUNDING_SLACK);
          if (estimate * rowCost <= LIST_CANDIDATES_MARGIN * restLength[read]!) break;
        }
        const list = lists[order[read]!]!;
        const length = postingLength[list]!;
        accumulateAll(this.#postingLabels[list]!, this.#postingValues[list]!, length, weights[order[read]!]!, partial);
        postingsScanned += length;
        sinceEstimate += length;
        read++;
      }
      // Unseen labels (partial 0) are candidates too while rest ≥ θ; the candidates are
      // marked SEEN so that the last step can tell the labels never rescored.
      candidateCount = firstCandidatesOfAll(labelCount, partial, blocked, seen, candidates, threshold - rest[read]! - ROUNDING_SLACK);
    } else {
      candidateCount = firstCandidates(touchedCount, touched, partial, blocked, seen, candidates, threshold - rest[read]! - ROUNDING_SLACK);
    }
    let sinceFilter = 0;
    while (read < listCount && candidateCount * rowCost > restLength[read]!) {
      const list = lists[order[read]!]!;
      const length = postingLength[list]!;
      sinceFilter += length;
      // With every label summed, summing on for all of them is cheaper than asking which
      // are candidates, even when few are (the unrolled sum costs less than the branch).
      if (everyLabel) accumulateAll(this.#postingLabels[list]!, this.#postingValues[list]!, length, weights[order[read]!]!, partial);
      else accumulateSeen(this.#postingLabels[list]!, this.#postingValues[list]!, length, weights[order[read]!]!, partial, seen);
      postingsScanned += length;
      read++;
      // A filter pass costs about as much per candidate as reading a posting: taking one
      // once the postings read since the last outnumber the candidates keeps the passes
      // cheaper than the reading (at half that, they were 16 % of a search).
      if (sinceFilter >= candidateCount || read === listCount) {
        sinceFilter = 0;
        candidateCount = keepCandidates(candidates, candidateCount, partial, seen, threshold - rest[read]! - ROUNDING_SLACK);
      }
    }
    if (read === listCount) {
      // Every list was read: partial scores are the exact ones up to rounding, so the k-th
      // best of them rules out all but the near-winners without rescoring.
      bestPartials(candidateCount, candidates, partial, blocked, seen, kth);
      if (kth.length === wanted) threshold = Math.max(threshold, kth.lowestScore - ROUNDING_SLACK);
    }
    const best = this.#heap(2, wanted);
    for (let c = 0; c < candidateCount; c++) {
      const label = candidates[c]!;
      if (partial[label]! + rest[read]! + ROUNDING_SLACK < threshold) continue;
      best.offer(this.#exactScore(label), label);
      candidatesRescored++;
    }
    if (everyListRead) {
      // Each unseen vector shares no dimension with the query and scores exactly 0, which
      // may still beat negative scores or fill a short answer. Labels ascend, so once
      // (0, label) cannot enter, no later label can. With every label summed, "unseen" is
      // not tracked: the labels not rescored above are scored exactly here instead.
      for (let label = 0; label < labelCount && best.accepts(0, label); label++) {
        if (seen[label] !== 0 || blocked[label] !== 0) continue;
        best.offer(everyLabel ? this.#exactScore(label) : 0, label);
      }
    }
    if (everyLabel) {
      partial.fill(0, 0, labelCount);
      seen.fill(0, 0, labelCount);
    } else {
      for (let c = 0; c < touchedCount; c++) {
        const label = touched[c]!;
        partial[label] = 0;
        seen[label] = 0;
      }
    }
    for (let t = 0; t < queryIndices.length; t++) queryByDimension[queryIndices[t]!] = 0;
    this.#stats = { postingsInQueryLists, postingsScanned, candidatesRescored };
    return best;
  }

  // An empty heap of `capacity` from slot `slot`, reused while searches ask for the same k.
  #heap(slot: number, capacity: number): TopK {
    let heap = this.#heaps[slot]!;
    if (heap.capacity === capacity) heap.clear();
    else this.#heaps[slot] = heap = new TopK(capacity);
    return heap;
  }

  // Dot product of the query (spread over `#queryByDimension`) with a stored row, in
  // ascending dimension order: the same sum, bit for bit, as a plain sparse dot product of
  // the two unit vectors (the products of dimensions the query lacks are ±0 and change nothing).
  #exactScore(label: number): number {
    const queryByDimension = this.#queryByDimension;
    const rowIndices = this.#rowIndices;
    const rowValues = this.#rowValues;
    const end = this.#rowStart[label + 1]!;
    let score = 0;
    for (let e = this.#rowStart[label]!; e < end; e++) score += queryByDimension[rowIndices[e]!]! * rowValues[e]!;
    return score;
  }

  #reserveLabels(labelsNeeded: number): void {
    const capacity = this.#blocked.length;
    if (labelsNeeded <= capacity) return;
    let newCapacity = capacity;
    while (newCapacity < labelsNeeded) newCapacity *= 2;
    const labelCount = this.#idMap.labelCount;
    this.#rowStart = resized(this.#rowStart, new Uint32Array(newCapacity + 1), labelCount + 1);
    this.#blocked = resized(this.#blocked, new Uint8Array(newCapacity), labelCount);
    // Scratch arrays are all zeros between searches: nothing to copy.
    this.#partial = new Float64Array(newCapacity);
    this.#seen = new Uint8Array(newCapacity);
    this.#touched = new Uint32Array(newCapacity);
    this.#candidates = new Uint32Array(newCapacity);
  }

  // Row starts are uint32, which typed-array lengths cannot pass anyway (2^32 non-zeros
  // would be 32 GiB of rows): allocating beyond it fails with a RangeError here.
  #reserveEntries(entriesNeeded: number): void {
    const capacity = this.#rowIndices.length;
    if (entriesNeeded <= capacity) return;
    let newCapacity = Math.max(capacity, 1);
    while (newCapacity < entriesNeeded) newCapacity *= 2;
    const used = this.#entryCount;
    this.#rowIndices = resized(this.#rowIndices, new Uint32Array(newCapacity), used);
    this.#rowValues = resized(this.#rowValues, new Float32Array(newCapacity), used);
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
    for (let list = 0; list < this.#postingLength.length; list++) {
      const length = this.#postingLength[list]!;
      if (length === 0) continue;
      const labels = this.#postingLabels[list]!;
      const values = this.#postingValues[list]!;
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
      this.#postingLength[list] = kept;
      this.#maxValue[list] = max;
      this.#minValue[list] = min;
      if (kept < SHRINK_BELOW * labels.length) {
        this.#postingLabels[list] = kept === 0 ? NO_LABELS : resized(labels, new Uint32Array(Math.max(INITIAL_POSTINGS, Math.ceil(kept * SHRUNK_HEADROOM))), kept);
        this.#postingValues[list] = kept === 0 ? NO_VALUES : resized(values, new Float32Array(this.#postingLabels[list]!.length), kept);
      }
    }
    if (write < SHRINK_BELOW * this.#rowIndices.length) {
      const capacity = Math.max(1, Math.ceil(write * SHRUNK_HEADROOM));
      this.#rowIndices = resized(this.#rowIndices, new Uint32Array(capacity), write);
      this.#rowValues = resized(this.#rowValues, new Float32Array(capacity), write);
    }
    this.#blocked.fill(0);
  }
}

/** Per-list scratch of a search: entry i describes the query's i-th list (see #search). */
class QueryLists {
  readonly lists: Uint32Array;
  readonly weights: Float64Array;
  readonly gains: Float64Array;
  readonly costs: Float64Array;
  readonly order: Uint32Array;
  // One entry more than lists: rest[listCount] is 0.
  readonly rest: Float64Array;
  readonly restLength: Float64Array;

  constructor(readonly capacity: number) {
    this.lists = new Uint32Array(capacity);
    this.weights = new Float64Array(capacity);
    this.gains = new Float64Array(capacity);
    this.costs = new Float64Array(capacity);
    this.order = new Uint32Array(capacity);
    this.rest = new Float64Array(capacity);
    this.restLength = new Float64Array(capacity);
  }
}

// The hot loops, kept small and separate so that V8 optimises them on their own: add one
// posting list into the partial scores, recording labels seen for the first time ...
function accumulate(
  labels: Uint32Array,
  values: Float32Array,
  length: number,
  weight: number,
  partial: Float64Array,
  seen: Uint8Array,
  touched: Uint32Array,
  touchedCount: number,
): number {
  let count = touchedCount;
  for (let p = 0; p < length; p++) {
    const label = labels[p]!;
    if (seen[label] === 0) {
      seen[label] = SEEN;
      touched[count++] = label;
    }
    partial[label]! += weight * values[p]!;
  }
  return count;
}

// ... or of every label, when the lists reach most of them anyway. Unrolled by 8: V8 then
// spends less on loop control and bounds checks than on the scattered adds (1.6 ns a
// posting instead of 2.5 over 100k labels); each label's sum keeps its order, so partial
// scores are the same.
function accumulateAll(labels: Uint32Array, values: Float32Array, length: number, weight: number, partial: Float64Array): void {
  let p = 0;
  for (const end = length - 7; p < end; p += 8) {
    partial[labels[p]!]! += weight * values[p]!;
    partial[labels[p + 1]!]! += weight * values[p + 1]!;
    partial[labels[p + 2]!]! += weight * values[p + 2]!;
    partial[labels[p + 3]!]! += weight * values[p + 3]!;
    partial[labels[p + 4]!]! += weight * values[p + 4]!;
    partial[labels[p + 5]!]! += weight * values[p + 5]!;
    partial[labels[p + 6]!]! += weight * values[p + 6]!;
    partial[labels[p + 7]!]! += weight * values[p + 7]!;
  }
  for (; p < length; p++) partial[labels[p]!]! += weight * values[p]!;
}

// ... or into those of the labels still in the running only.
function accumulateSeen(labels: Uint32Array, values: Float32Array, length: number, weight: number, partial: Float64Array, seen: Uint8Array): void {
  for (let p = 0; p < length; p++) {
    const label = labels[p]!;
    if (seen[label] === SEEN) partial[label]! += weight * values[p]!;
  }
}

// Phase 2's candidates, written without branches: about half the labels go, unpredictably,
// and mispredicted branches made these passes a quarter of a search's time on the
// detector's vectors. First the live, not excluded labels among the
// seen ones whose partial score reaches `bar`, the others marked ruled out ...
function firstCandidates(count: number, labels: Uint32Array, partial: Float64Array, blocked: Uint8Array, seen: Uint8Array, candidates: Uint32Array, bar: number): number {
  let kept = 0;
  for (let c = 0; c < count; c++) {
    const label = labels[c]!;
    const keep = +(partial[label]! >= bar) & +(blocked[label] === 0);
    candidates[kept] = label;
    kept += keep;
    seen[label] = RULED_OUT - keep;
  }
  return kept;
}

// ... or among every label, once few are left (so the branch is well predicted); they are
// marked SEEN (the others are 0 already: with every label summed, `seen` is not used before) ...
function firstCandidatesOfAll(labelCount: number, partial: Float64Array, blocked: Uint8Array, seen: Uint8Array, candidates: Uint32Array, bar: number): number {
  let kept = 0;
  for (let label = 0; label < labelCount; label++) {
    if (partial[label]! >= bar && blocked[label] === 0) {
      candidates[kept++] = label;
      seen[label] = SEEN;
    }
  }
  return kept;
}

// How many of every CANDIDATE_SAMPLE_STRIDE-th label are live, not excluded and reach `bar`.
function countSampled(labelCount: number, partial: Float64Array, blocked: Uint8Array, bar: number): number {
  let count = 0;
  for (let label = 0; label < labelCount; label += CANDIDATE_SAMPLE_STRIDE) count += +(partial[label]! >= bar) & +(blocked[label] === 0);
  return count;
}

// ... and, as the reading goes on, keeps those whose partial score still reaches `bar`.
function keepCandidates(candidates: Uint32Array, count: number, partial: Float64Array, seen: Uint8Array, bar: number): number {
  let kept = 0;
  for (let c = 0; c < count; c++) {
    const label = candidates[c]!;
    const keep = +(partial[label]! >= bar);
    candidates[kept] = label;
    kept += keep;
    seen[label] = RULED_OUT - keep;
  }
  return kept;
}

// Keeps in `into` the live, not excluded, not ruled-out labels of `labels` with the best
// partial scores (the best few, not all ties: they only guide the choice of θ); returns how
// many such labels there are. A pass over every seen label, so the heap is only touched
// when a score beats its worst.
function bestPartials(count: number, labels: Uint32Array, partial: Float64Array, blocked: Uint8Array, seen: Uint8Array, into: TopK): number {
  into.clear();
  let eligible = 0;
  let bar = -Infinity;
  for (let c = 0; c < count; c++) {
    const label = labels[c]!;
    if (blocked[label] !== 0 || seen[label] !== SEEN) continue;
    eligible++;
    const score = partial[label]!;
    if (score > bar) {
      into.offer(score, label);
      if (into.length === into.capacity) bar = into.lowestScore;
    }
  }
  return eligible;
}

// bestPartials over every live, not excluded label (the mode without seen-tracking). The
// score is tested first: it rarely beats the bar, so most labels cost one load and a
// well-predicted branch.
function bestPartialsOfAll(labelCount: number, partial: Float64Array, blocked: Uint8Array, into: TopK): void {
  into.clear();
  let bar = -Infinity;
  for (let label = 0; label < labelCount; label++) {
    const score = partial[label]!;
    if (score > bar && blocked[label] === 0) {
      into.offer(score, label);
      if (into.length === into.capacity) bar = into.lowestScore;
    }
  }
}

// The posting list of a value at a dimension: its magnitude picks the tier.
function listOf(dimension: number, value: number): number {
  const magnitude = Math.abs(value);
  let tier = 0;
  let floor = 0.25;
  while (tier < TIERS - 1 && magnitude < floor) {
    tier++;
    floor *= 0.25;
  }
  return dimension * TIERS + tier;
}

function resized<T extends Uint8Array | Uint32Array | Float32Array>(old: T, into: T, used: number): T {
  into.set(old.subarray(0, used) as never);
  return into;
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
