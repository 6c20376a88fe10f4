// `npm run bench:hnsw-reuse`: a sliding window over HnswIndex against the way HnswIndex kept
// its memory bounded before (hnswlib's allowReplaceDeleted: adds into the slots of deleted
// vectors), on the same story-shaped 4,096-d vectors in one run (see README, Live feed).
//
// Each side first takes WINDOW articles, then, STEPS times, adds one and evicts the oldest.
// The baseline drives hnswlib the way the old HnswIndex did (markDelete on evict, addPoint
// with replaceDeleted while a deleted slot is free, capacity doubling when full). HnswIndex
// adds into fresh slots and rebuilds its graph from the live vectors when deleted slots
// outnumber live ones; that pause falls inside an eviction, so latency is timed per article
// (add + evict). STEPS is a whole number of rebuild periods (WINDOW + 1 evictions each), so
// the mean carries exactly its share of the pauses.
//
//   npm run bench:hnsw-reuse              window 500, 3 rebuild periods (about 1.5 min)
//   npm run bench:hnsw-reuse -- --quick   window 100 (a smoke run)

import { parseArgs } from 'node:util';
import hnswlib from 'hnswlib-node';
import { HnswIndex } from '../src/ann/hnsw-index.js';
import { toUnitVector } from '../src/ann/vector-checks.js';
import { environment, textTable } from './lib/report.js';
import { storyVectors } from './lib/synthetic.js';

const { values: args } = parseArgs({ options: { quick: { type: 'boolean', default: false } } });

const DIMENSION = 4096;
// HnswIndex's defaults, given to both sides.
const M = 16;
const EF_CONSTRUCTION = 200;
const EF_SEARCH = 64;
const SEED = 100;
const INITIAL_CAPACITY = 1024;
const WINDOW = args.quick ? 100 : 500;
const PERIODS = 3;
const STEPS = PERIODS * (WINDOW + 1);
const RECALL_QUERIES = 100;
// hnswlib's level-0 record per slot: link count + 2M links, the vector, the label.
const SLOT_BYTES = 4 * (2 * M + 1) + 4 * DIMENSION + 8;

interface WindowRun {
  fillMs: number;
  /** Milliseconds per article in the steady window: one add plus one eviction. */
  stepMs: number[];
  totalMs: number;
  slots: number;
  capacity: number;
  /** Live ids the run ends with, most similar first, for each recall query. */
  search: (query: Float32Array) => number[];
}

function slidingWindow(add: (i: number) => void, evict: (i: number) => void): Pick<WindowRun, 'fillMs' | 'stepMs' | 'totalMs'> {
  const started = performance.now();
  for (let i = 0; i < WINDOW; i++) add(i);
  const fillMs = performance.now() - started;
  const stepMs: number[] = [];
  for (let i = WINDOW; i < WINDOW + STEPS; i++) {
    const stepStarted = performance.now();
    add(i);
    evict(i - WINDOW);
    stepMs.push(performance.now() - stepStarted);
  }
  return { fillMs, stepMs, totalMs: performance.now() - started };
}

function slotReusingRun(units: Float32Array[]): WindowRun {
  const index = new hnswlib.HierarchicalNSW('ip', DIMENSION);
  index.initIndex({ maxElements: INITIAL_CAPACITY, m: M, efConstruction: EF_CONSTRUCTION, randomSeed: SEED, allowReplaceDeleted: true });
  let live = 0;
  const timed = slidingWindow(
    (i) => {
      const slots = index.getCurrentCount();
      const reuse = slots > live;
      if (!reuse && slots === index.getMaxElements()) index.resizeIndex(2 * slots);
      index.addPoint(Array.from(units[i]!), i, reuse);
      live++;
    },
    (i) => {
      index.markDelete(i);
      live--;
    },
  );
  index.setEf(EF_SEARCH);
  return {
    ...timed,
    slots: index.getCurrentCount(),
    capacity: index.getMaxElements(),
    search: (query) => index.searchKnn(Array.from(query), 10).neighbors,
  };
}

function freshSlotRun(units: Float32Array[]): WindowRun & { rebuildMs: number[] } {
  const index = new HnswIndex(DIMENSION, { M, efConstruction: EF_CONSTRUCTION, efSearch: EF_SEARCH, seed: SEED, maxElements: INITIAL_CAPACITY });
  const rebuildMs: number[] = [];
  const timed = slidingWindow(
    (i) => index.add(String(i), units[i]!),
    (i) => {
      const slots = index.slots;
      const started = performance.now();
      index.delete(String(i));
      if (index.slots < slots) rebuildMs.push(performance.now() - started);
    },
  );
  return {
    ...timed,
    rebuildMs,
    slots: index.slots,
    capacity: index.capacity,
    search: (query) => index.search(query, 10).map((n) => Number(n.id)),
  };
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

function mean(values: readonly number[]): number {
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}

function dot(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i]! * b[i]!;
  return sum;
}

// Both runs end with the same live window; recall@10 against a brute-force scan of it.
function recallAt10(run: WindowRun, units: Float32Array[], live: number[]): number {
  let found = 0;
  const queries = live.slice(0, RECALL_QUERIES);
  for (const q of queries) {
    const truth = new Set(
      live
        .map((i) => ({ i, score: dot(units[q]!, units[i]!) }))
        .sort((a, b) => b.score - a.score)
        .slice(0, 10)
        .map(({ i }) => i),
    );
    found += run.search(units[q]!).filter((i) => truth.has(i)).length;
  }
  return found / (queries.length * 10);
}

const data = storyVectors({ count: WINDOW + STEPS, dimension: DIMENSION, seed: 3 });
const units = data.vectors.map((vector) => toUnitVector(vector, DIMENSION));
const live = Array.from({ length: WINDOW }, (_, j) => STEPS + j);

const reused = slotReusingRun(units);
const fresh = freshSlotRun(units);

const ms = (value: number) => value.toFixed(1);
const ratio = (before: number, after: number) => `×${(before / after).toFixed(1)}`;
const rows = [reused, fresh].map((run) => {
  const sorted = [...run.stepMs].sort((a, b) => a - b);
  return {
    mean: mean(run.stepMs),
    p50: percentile(sorted, 0.5),
    p99: percentile(sorted, 0.99),
    max: sorted.at(-1)!,
    steadySeconds: run.stepMs.reduce((sum, value) => sum + value, 0) / 1000,
    totalSeconds: run.totalMs / 1000,
    slots: run.slots,
    capacity: run.capacity,
    mib: (run.capacity * SLOT_BYTES) / 2 ** 20,
    recall: recallAt10(run, units, live),
  };
});
const [before, after] = rows as [(typeof rows)[0], (typeof rows)[0]];
const line = (label: string, pick: (row: typeof before) => number, format: (value: number) => string, withRatio = true) => [
  label,
  format(pick(before)),
  format(pick(after)),
  withRatio ? ratio(pick(before), pick(after)) : '',
];

console.log(
  `Sliding window of ${WINDOW} story-shaped ${DIMENSION}-d vectors: ${WINDOW} adds, then ${STEPS} x (add one, evict the oldest); ` +
    `M ${M}, efConstruction ${EF_CONSTRUCTION}, seed ${SEED}, same vectors on both sides\n`,
);
console.log(
  textTable(
    ['per article (add + evict)', 'reused slots (before)', 'HnswIndex, fresh slots + rebuild', 'before / after'],
    [
      line('mean ms (rebuilds included)', (r) => r.mean, ms),
      line('p50 ms', (r) => r.p50, ms),
      line('p99 ms', (r) => r.p99, ms),
      line('max ms', (r) => r.max, ms),
      line(`steady window s (${STEPS} articles)`, (r) => r.steadySeconds, ms),
      line(`total s (with the first ${WINDOW} adds)`, (r) => r.totalSeconds, ms),
      line('slots at the end', (r) => r.slots, String, false),
      line('capacity at the end', (r) => r.capacity, String, false),
      line('level-0 memory MiB (capacity x slot)', (r) => r.mib, ms, false),
      line('recall@10 at the end', (r) => r.recall, (value) => value.toFixed(3), false),
    ],
  ),
);
console.log(
  `\nHnswIndex rebuilds: ${fresh.rebuildMs.length}, pauses ${fresh.rebuildMs.map((value) => `${ms(value)} ms`).join(', ')} ` +
    `(${((fresh.rebuildMs.reduce((sum, value) => sum + value, 0) / 1000 / after.steadySeconds) * 100).toFixed(0)} % of its steady-window time)\n` +
    `on ${environment().cpu}, Node ${process.version}`,
);
