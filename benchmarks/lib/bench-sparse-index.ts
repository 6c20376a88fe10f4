// SparseIndex against the dense indexes (ExactIndex, HnswIndex) on the same sparse vectors:
// build throughput, query latency (p50, mean), recall@10 against a brute-force scan, and how
// much of the query's posting lists the pruning skipped. Two data sets imitate the built-in
// embedder's output: titles (about 21 non-zeros of 4,096) and 1,000-character articles
// (about 200), made from Zipf-distributed words hashed with a sign into the dimensions.

import { ExactIndex, HnswIndex, SparseIndex, type AnnIndex } from '../../src/index.js';
import { TopK } from '../../src/ann/top-k.js';
import { sparseFromEntries, type SparseVector } from '../../src/vectors/sparse-vector.js';
import { seededRandom } from './synthetic.js';

export interface HashedTextOptions {
  count: number;
  dimension: number;
  /** Mean distinct words per vector (non-zeros, less hash collisions). */
  words: number;
  /** Words in the vocabulary, Zipf-distributed. @default 200_000 */
  vocabulary?: number;
  /** Zipf exponent of word frequencies. @default 1.05 */
  zipfExponent?: number;
  /** Mean vectors per story (geometric sizes). @default 8 */
  meanStorySize?: number;
  /** Share of a vector's word draws taken from its story's words. @default 0.5 */
  storyShare?: number;
  seed?: number;
}

/**
 * Vectors shaped like signed feature hashing of text: each word of a Zipf vocabulary has a
 * fixed dimension and sign; its value is sign × (1 + ln tf) × weight, where the weight is
 * the word's information content less an offset (floored at 0.1), so frequent words weigh
 * little, as in the built-in embedder. Stories own a set of content words that their
 * vectors draw half their words from. With 200 words, the dimensions of the commonest
 * words are in nearly every vector; with 21, a few dimensions are in 30-60 % of them.
 */
export function hashedTextVectors(options: HashedTextOptions): SparseVector[] {
  const { count, dimension, words, vocabulary = 200_000, zipfExponent = 1.05, meanStorySize = 8, storyShare = 0.5, seed = 1 } = options;
  const random = seededRandom(seed);
  const cumulative = new Float64Array(vocabulary);
  let total = 0;
  for (let rank = 0; rank < vocabulary; rank++) cumulative[rank] = total += 1 / (rank + 1) ** zipfExponent;
  const dimensionOf = new Uint32Array(vocabulary);
  const weightOf = new Float64Array(vocabulary);
  for (let rank = 0; rank < vocabulary; rank++) {
    dimensionOf[rank] = Math.floor(random() * dimension);
    const informationContent = Math.log(total * (rank + 1) ** zipfExponent);
    weightOf[rank] = (random() < 0.5 ? -1 : 1) * Math.max(0.1, informationContent - 3);
  }
  const drawWord = (): number => {
    const target = random() * total;
    let low = 0;
    let high = vocabulary - 1;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (cumulative[middle]! < target) low = middle + 1;
      else high = middle;
    }
    return low;
  };
  const vectors: SparseVector[] = [];
  let storyWords: number[] = [];
  let left = 0;
  for (let i = 0; i < count; i++) {
    if (left === 0) {
      left = 1 + Math.floor(Math.log(1 - random()) / Math.log(1 - 1 / meanStorySize));
      // Content words: the 100 commonest (function words) are left to the background.
      storyWords = [];
      while (storyWords.length < words) {
        const word = drawWord();
        if (word >= 100) storyWords.push(word);
      }
    }
    left--;
    const target = Math.max(3, Math.round(words * (0.7 + 0.6 * random())));
    const termFrequency = new Map<number, number>();
    while (termFrequency.size < target) {
      const word = random() < storyShare ? storyWords[Math.floor(random() * storyWords.length)]! : drawWord();
      termFrequency.set(word, (termFrequency.get(word) ?? 0) + 1);
    }
    const indices: number[] = [];
    const values: number[] = [];
    for (const [word, tf] of termFrequency) {
      indices.push(dimensionOf[word]!);
      values.push((1 + Math.log(tf)) * weightOf[word]!);
    }
    vectors.push(sparseFromEntries(indices, values));
  }
  return vectors;
}

/** Brute force over sparse vectors: every stored vector's cosine with the query, ties in insertion order. */
export class SparseScan {
  readonly #units: SparseVector[];
  readonly #query: Float64Array;

  constructor(vectors: readonly SparseVector[], dimension: number) {
    this.#units = vectors.map(unitOf);
    this.#query = new Float64Array(dimension);
  }

  top(query: SparseVector, k: number): number[] {
    const unit = unitOf(query);
    const dense = this.#query;
    for (let a = 0; a < unit.indices.length; a++) dense[unit.indices[a]!] = unit.values[a]!;
    const best = new TopK(k);
    this.#units.forEach(({ indices, values }, position) => {
      let score = 0;
      for (let a = 0; a < indices.length; a++) score += dense[indices[a]!]! * values[a]!;
      if (best.accepts(score)) best.offer(score, position);
    });
    for (let a = 0; a < unit.indices.length; a++) dense[unit.indices[a]!] = 0;
    return best.sorted().map((n) => n.label);
  }
}

function unitOf({ indices, values }: SparseVector): SparseVector {
  let sumOfSquares = 0;
  for (let a = 0; a < values.length; a++) sumOfSquares += values[a]! * values[a]!;
  const norm = Math.sqrt(sumOfSquares);
  return { indices, values: values.map((value) => value / norm) };
}

function denseOf({ indices, values }: SparseVector, dimension: number): Float32Array {
  const dense = new Float32Array(dimension);
  for (let a = 0; a < indices.length; a++) dense[indices[a]!] = values[a]!;
  return dense;
}

/** 'scan' is the brute-force sparse scan that answers for recall (no index to build). */
export type SparseBenchIndex = 'sparse' | 'exact' | 'hnsw' | 'scan';

export interface SparseIndexRow {
  data: string;
  index: SparseBenchIndex;
  vectors: number;
  dimension: number;
  mean_non_zeros: number;
  build_per_s: number | null;
  queries: number;
  query_p50_ms: number;
  query_mean_ms: number;
  /** Share of the brute-force top 10 found, over the queries the brute force answered. */
  recall_at_10: number;
  /** SparseIndex only: mean share of the query's posting entries read, and vectors rescored per query. */
  postings_read_share: number | null;
  rescored_per_query: number | null;
}

export interface SparseDataPlan {
  name: string;
  words: number;
  size: number;
  /** Dense indexes are built over the first `denseSize` vectors only (0: skipped). */
  denseSize: number;
  queries: number;
  /** Queries answered by brute force, for recall. */
  truthQueries: number;
}

export interface SparseIndexReport {
  rows: SparseIndexRow[];
  notes: string[];
  target: { p50_ms: number; measured_p50_ms: number; vectors: number; non_zeros: number; met: boolean } | null;
}

/** The plan `npm run bench` and `npm run bench:sparse-index` run; `quick` makes it a smoke run. */
export function sparseIndexPlan(quick: boolean): SparseDataPlan[] {
  return quick
    ? [
        { name: 'titles', words: 21, size: 2_000, denseSize: 2_000, queries: 100, truthQueries: 100 },
        { name: 'articles', words: 200, size: 10_000, denseSize: 1_000, queries: 100, truthQueries: 50 },
      ]
    : [
        { name: 'titles', words: 21, size: 10_000, denseSize: 10_000, queries: 500, truthQueries: 200 },
        { name: 'articles', words: 200, size: 10_000, denseSize: 10_000, queries: 300, truthQueries: 100 },
        { name: 'articles', words: 200, size: 100_000, denseSize: 0, queries: 500, truthQueries: 100 },
      ];
}

const DIMENSION = 4096;
const K = 10;
const TARGET_P50_MS = 5;

/** Runs every data set of the plan; logs progress through `log`. */
export function benchSparseIndex(plan: readonly SparseDataPlan[], log: (message: string) => void = () => {}): SparseIndexReport {
  const rows: SparseIndexRow[] = [];
  const notes: string[] = [];
  let target: SparseIndexReport['target'] = null;
  for (const data of plan) {
    log(`sparse index: ${data.size} ${data.name} (~${data.words} non-zeros) …`);
    const all = hashedTextVectors({ count: data.size + data.queries, dimension: DIMENSION, words: data.words, seed: data.size + data.words });
    // Held-out queries from the same stories: every stride-th vector stays out of the index.
    const stride = Math.floor(all.length / data.queries);
    const queries: SparseVector[] = [];
    const stored: SparseVector[] = [];
    all.forEach((vector, i) => {
      if (i % stride === 0 && queries.length < data.queries) queries.push(vector);
      else if (stored.length < data.size) stored.push(vector);
    });
    const meanNonZeros = stored.reduce((sum, v) => sum + v.indices.length, 0) / stored.length;
    const label = `${data.name} (${Math.round(meanNonZeros)} non-zeros of ${DIMENSION})`;

    // The brute-force answers, timed: the baseline that needs no index at all.
    const truthFor = (size: number): number[][] => {
      const scan = new SparseScan(stored.slice(0, size), DIMENSION);
      const times: number[] = [];
      const answers = queries.slice(0, data.truthQueries).map((query) => {
        const t0 = performance.now();
        const ids = scan.top(query, K);
        times.push(performance.now() - t0);
        return ids;
      });
      const sorted = [...times].sort((a, b) => a - b);
      rows.push({
        data: label,
        index: 'scan',
        vectors: size,
        dimension: DIMENSION,
        mean_non_zeros: meanNonZeros,
        build_per_s: null,
        queries: times.length,
        query_p50_ms: sorted[Math.floor(sorted.length / 2)]!,
        query_mean_ms: times.reduce((a, b) => a + b, 0) / times.length,
        recall_at_10: 1,
        postings_read_share: null,
        rescored_per_query: null,
      });
      return answers;
    };
    const sizes = [...new Set([data.size, ...(data.denseSize > 0 ? [data.denseSize] : [])])];
    log(`  brute-force sparse scan (recall reference) …`);
    const truth = new Map(sizes.map((size) => [size, truthFor(size)]));

    const kinds: SparseBenchIndex[] = data.denseSize > 0 ? ['sparse', 'exact', 'hnsw'] : ['sparse'];
    for (const kind of kinds) {
      const size = kind === 'sparse' ? data.size : data.denseSize;
      log(`  ${kind}: ${size} vectors …`);
      rows.push(measure(kind, label, stored.slice(0, size), queries, truth.get(size)!));
    }
    if (data.denseSize === 0) {
      notes.push(`${label} at ${data.size}: ExactIndex and HnswIndex skipped (100k dense 4,096-d vectors are 1.6 GB each, and HNSW builds ~300/s); compare them at 10k above.`);
      const sparseRow = rows.find((r) => r.index === 'sparse' && r.data === label && r.vectors === data.size)!;
      if (data.words >= 200 && data.size >= 100_000) {
        target = { p50_ms: TARGET_P50_MS, measured_p50_ms: sparseRow.query_p50_ms, vectors: data.size, non_zeros: meanNonZeros, met: sparseRow.query_p50_ms <= TARGET_P50_MS };
      }
    }
  }
  return { rows, notes, target };
}

function measure(kind: SparseBenchIndex, data: string, stored: readonly SparseVector[], queries: readonly SparseVector[], truth: number[][]): SparseIndexRow {
  const dense = kind !== 'sparse';
  const asInput = (vector: SparseVector) => (dense ? denseOf(vector, DIMENSION) : vector);
  const make = (capacity: number): AnnIndex =>
    kind === 'sparse'
      ? new SparseIndex(DIMENSION, { maxElements: capacity })
      : kind === 'exact'
        ? new ExactIndex(DIMENSION, { maxElements: capacity })
        : new HnswIndex(DIMENSION, { maxElements: capacity });
  // A throwaway build and search first, so JIT and allocator warm-up do not count.
  const warmUp = make(200);
  warmUp.addMany(stored.slice(0, 200).map((vector, i) => ({ id: `w${i}`, vector: asInput(vector) })));
  for (const query of queries.slice(0, 20)) warmUp.search(asInput(query), K);

  const index = make(stored.length);
  const started = performance.now();
  for (let i = 0; i < stored.length; i += 1000) {
    index.addMany(stored.slice(i, i + 1000).map((vector, j) => ({ id: String(i + j), vector: asInput(vector) })));
  }
  const buildSeconds = (performance.now() - started) / 1000;

  const times: number[] = [];
  const answers: number[][] = [];
  let readShare = 0;
  let rescored = 0;
  for (const query of queries) {
    const input = asInput(query);
    const t0 = performance.now();
    const found = index.search(input, K);
    times.push(performance.now() - t0);
    answers.push(found.map((n) => Number(n.id)));
    if (index instanceof SparseIndex) {
      const stats = index.lastSearchStats;
      readShare += stats.postingsInQueryLists === 0 ? 0 : stats.postingsScanned / stats.postingsInQueryLists;
      rescored += stats.candidatesRescored;
    }
  }
  const sorted = [...times].sort((a, b) => a - b);
  let found = 0;
  let wanted = 0;
  truth.forEach((ids, q) => {
    const got = new Set(answers[q]);
    for (const id of ids) if (got.has(id)) found++;
    wanted += ids.length;
  });
  return {
    data,
    index: kind,
    vectors: stored.length,
    dimension: DIMENSION,
    mean_non_zeros: stored.reduce((sum, v) => sum + v.indices.length, 0) / stored.length,
    build_per_s: stored.length / buildSeconds,
    queries: queries.length,
    query_p50_ms: sorted[Math.floor(sorted.length / 2)]!,
    query_mean_ms: times.reduce((a, b) => a + b, 0) / times.length,
    recall_at_10: found / wanted,
    postings_read_share: kind === 'sparse' ? readShare / queries.length : null,
    rescored_per_query: kind === 'sparse' ? rescored / queries.length : null,
  };
}

type Format = (headers: readonly string[], rows: ReadonlyArray<ReadonlyArray<string | number | null>>) => string;

/** The report as a table plus its ratio and target lines. */
export function sparseIndexTable(report: SparseIndexReport, format: Format): string {
  const table = format(
    ['data', 'index', 'vectors', 'build/s', 'query p50 ms', 'query mean ms', 'recall@10', 'postings read', 'rescored/query'],
    report.rows.map((r) => [
      r.data,
      r.index,
      r.vectors,
      r.build_per_s === null ? null : Math.round(r.build_per_s),
      r.query_p50_ms,
      r.query_mean_ms,
      r.recall_at_10,
      r.postings_read_share === null ? null : `${(r.postings_read_share * 100).toFixed(0)} %`,
      r.rescored_per_query === null ? null : Math.round(r.rescored_per_query),
    ]),
  );
  const ratios: string[] = [];
  for (const sparse of report.rows.filter((r) => r.index === 'sparse')) {
    for (const other of report.rows.filter((r) => r.index !== 'sparse' && r.data === sparse.data && r.vectors === sparse.vectors)) {
      ratios.push(
        `${sparse.data}, ${sparse.vectors.toLocaleString('en-US')} vectors: SparseIndex ` +
          (other.build_per_s === null || sparse.build_per_s === null ? '' : `builds ×${(sparse.build_per_s / other.build_per_s).toFixed(1)} as fast as ${other.index}, `) +
          `queries p50 ×${(other.query_p50_ms / sparse.query_p50_ms).toFixed(1)} as fast as ${other.index} (recall@10 ${sparse.recall_at_10.toFixed(3)} vs ${other.recall_at_10.toFixed(3)})`,
      );
    }
  }
  const notes = [...ratios, ...report.notes];
  const t = report.target;
  if (t) {
    notes.push(
      `target: query p50 ≤ ${t.p50_ms} ms with ${t.vectors.toLocaleString('en-US')} stored ${Math.round(t.non_zeros)}-non-zero vectors, k = ${K}: ` +
        `measured ${t.measured_p50_ms.toFixed(2)} ms (${t.met ? 'met' : 'not met'}, ×${(t.measured_p50_ms / t.p50_ms).toFixed(2)} of the target)`,
    );
  }
  return [table, notes.map((note) => `- ${note}`).join('\n')].join('\n\n');
}
