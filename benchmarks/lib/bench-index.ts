// Index speed and size: HnswIndex vs ExactIndex on story-shaped vectors. Build throughput,
// query throughput, recall@10 of HNSW against exact search, bytes per vector in memory
// and on disk.

import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExactIndex, HnswIndex, type AnnIndex } from '../../src/index.js';
import { storyVectors } from './synthetic.js';

export interface IndexRow {
  index: 'hnsw' | 'exact';
  vectors: number;
  dimension: number;
  build_s: number;
  build_per_s: number;
  /** Queries timed (exact search on large indexes is timed on a subset). */
  queries: number;
  queries_per_s: number;
  /** Mean share of the exact top 10 that HNSW returns (1 for exact). */
  recall_at_10: number;
  memory_bytes_per_vector: number;
  disk_bytes_per_vector: number;
}

/** Smallest index whose resident-memory growth is reported (smaller growth drowns in noise). */
export const MIN_SIZE_FOR_MEMORY = 10_000;

function residentBytes(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().rss;
}

async function directoryBytes(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    total += entry.isDirectory() ? await directoryBytes(path) : (await stat(path)).size;
  }
  return total;
}

export interface IndexRun {
  row: IndexRow;
  /** Ids found for each timed query, for recall against the other kind. */
  answers: string[][];
}

/**
 * Builds one index over `size` story-shaped vectors and queries it with held-out vectors of
 * the same stories. Run each kind in a fresh process: the memory figure is the growth of
 * the resident set while the index is built (the input vectors already exist).
 */
export async function benchIndex(
  kind: 'hnsw' | 'exact',
  size: number,
  dimension: number,
  options: { queries: number; heldOut: number },
): Promise<IndexRun> {
  const data = storyVectors({ count: size + options.heldOut, dimension, seed: size });
  // Held-out queries: every vector at a multiple of the stride stays out of the index.
  const stride = Math.floor((size + options.heldOut) / options.heldOut);
  const queries: Float32Array[] = [];
  const items: Array<{ id: string; vector: Float32Array }> = [];
  data.vectors.forEach((vector, i) => {
    if (i % stride === 0 && queries.length < options.heldOut) queries.push(vector);
    else if (items.length < size) items.push({ id: `a${i}`, vector });
  });
  const timed = queries.slice(0, options.queries);

  // A throwaway build first, so allocator warm-up does not count against the measured one.
  const warmUp: AnnIndex = kind === 'hnsw' ? new HnswIndex(dimension, { maxElements: 500 }) : new ExactIndex(dimension, { maxElements: 500 });
  warmUp.addMany(items.slice(0, 500).map((item) => ({ id: `w${item.id}`, vector: item.vector })));
  warmUp.search(queries[0]!, 10);

  const before = residentBytes();
  const started = performance.now();
  const index: AnnIndex = kind === 'hnsw' ? new HnswIndex(dimension, { maxElements: size }) : new ExactIndex(dimension, { maxElements: size });
  for (let i = 0; i < items.length; i += 1000) index.addMany(items.slice(i, i + 1000));
  const buildSeconds = (performance.now() - started) / 1000;
  // Below ~10 MB of growth the figure is allocator noise; report it only for larger builds.
  const grown = residentBytes() - before;
  const memory = size >= MIN_SIZE_FOR_MEMORY ? grown / size : Number.NaN;
  const queryStarted = performance.now();
  const answers = timed.map((query) => index.search(query, 10).map((n) => n.id));
  const querySeconds = (performance.now() - queryStarted) / 1000;
  const dir = await mkdtemp(join(tmpdir(), 'samestory-bench-'));
  await index.save(dir);
  const disk = (await directoryBytes(dir)) / size;
  await rm(dir, { recursive: true, force: true });
  return {
    row: {
      index: kind,
      vectors: size,
      dimension,
      build_s: buildSeconds,
      build_per_s: size / buildSeconds,
      queries: timed.length,
      queries_per_s: timed.length / querySeconds,
      recall_at_10: Number.NaN,
      memory_bytes_per_vector: memory,
      disk_bytes_per_vector: disk,
    },
    answers,
  };
}

/** Mean share of the exact top 10 that the approximate answers contain, over the queries both answered. */
export function recallAt10(approximate: readonly string[][], exact: readonly string[][]): number {
  let found = 0;
  let total = 0;
  exact.forEach((truth, q) => {
    const got = new Set(approximate[q] ?? []);
    for (const id of truth) if (got.has(id)) found++;
    total += truth.length;
  });
  return total === 0 ? Number.NaN : found / total;
}
