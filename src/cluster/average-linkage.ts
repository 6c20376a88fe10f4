// Groups articles into stories by average-linkage merging over candidate edges.
//
// Connected components of a similarity graph chain unrelated stories through a single
// bridging article; average linkage merges two groups only when their members are similar
// on average, so a bridge cannot pull two stories together. Candidate pairs come from a
// nearest-neighbour graph, which keeps the work near-linear in the number of articles.

import { calibrate, type LanguageCalibration } from './language-calibration.js';
import { MergeHeap } from './max-heap.js';

/** A neighbour of item `i` in the candidate graph. */
export interface CandidateEdge {
  index: number;
  similarity: number;
}

export interface ClusterInput {
  /** Number of items, indexed 0..count-1. */
  count: number;
  /** Candidate neighbours of item i (need not be symmetric; both directions are used). */
  neighbors(i: number): ReadonlyArray<CandidateEdge>;
  /**
   * Exact similarity of two items. Not needed when `vectors` is given, where average
   * linkage is computed from group sums in O(dimension).
   */
  similarity?(i: number, j: number): number;
  /** L2-normalised vectors: enables the exact O(dimension) average-linkage update. */
  vectors?: ReadonlyArray<Float32Array>;
  /** Publication time of item i in epoch ms, if known. */
  time?(i: number): number | undefined;
  /**
   * Per-language-pair mapping of similarities (see language-calibration.ts); linkage and
   * threshold then work on calibrated similarities.
   */
  calibration?: LanguageCalibration;
}

export interface ClusterOptions {
  /** Two groups merge only while their average pairwise similarity is at least this. */
  threshold: number;
  /**
   * Largest time span (ms) one story may cover: a merge that would put two dated articles
   * further apart than this into one story is refused. Undated articles are not constrained.
   * @default Infinity
   */
  timeWindowMs?: number;
  /**
   * Without `vectors`, average linkage between two large groups is estimated from at most
   * this many member pairs (chosen deterministically).
   * @default 4096
   */
  maxLinkagePairs?: number;
}

/**
 * Returns the stories as groups of item indices: each group sorted ascending, groups
 * ordered by their smallest index. Deterministic for the same input.
 */
export function clusterStories(input: ClusterInput, options: ClusterOptions): number[][] {
  const { count } = input;
  const threshold = options.threshold;
  const timeWindow = options.timeWindowMs ?? Infinity;
  const maxPairs = options.maxLinkagePairs ?? 4096;
  const vectors = input.vectors;
  const rawSimilarity = input.similarity;
  if (!vectors && !rawSimilarity) throw new TypeError('clusterStories needs `vectors` or `similarity`');

  // Union-find style bookkeeping: every group is addressed by its root item.
  const parent = new Int32Array(count);
  for (let i = 0; i < count; i++) parent[i] = i;
  const members: number[][] = Array.from({ length: count }, (_, i) => [i]);
  const version = new Float64Array(count);
  const minTime = new Float64Array(count).fill(Infinity);
  const maxTime = new Float64Array(count).fill(-Infinity);
  if (input.time) {
    for (let i = 0; i < count; i++) {
      const t = input.time(i);
      if (t !== undefined && Number.isFinite(t)) {
        minTime[i] = t;
        maxTime[i] = t;
      }
    }
  }
  // Vector path: each group keeps one sum vector per calibration group, so the average
  // calibrated similarity of two groups costs O(parts × parts × dimension), never O(|A|·|B|).
  // Sums are never changed in place, so a singleton's part can borrow its input vector.
  const calibration = input.calibration;
  const calibrated = calibration !== undefined;
  const rawGroup = calibration ? calibration.languages.length : 0;
  const groupCount = rawGroup + 1;
  const scale = new Float64Array(groupCount * groupCount).fill(1);
  const offset = new Float64Array(groupCount * groupCount);
  if (calibration) {
    const g = calibration.languages.length;
    for (let a = 0; a < g; a++) {
      for (let b = 0; b < g; b++) {
        scale[a * groupCount + b] = calibration.scale[a * g + b]!;
        offset[a * groupCount + b] = calibration.offset[a * g + b]!;
      }
    }
  }
  const groupOfItem = (i: number): number => {
    const g = calibration ? calibration.groupOf[i]! : 0;
    return g < 0 ? rawGroup : g;
  };
  interface Part {
    group: number;
    count: number;
    sum: Float32Array;
  }
  const parts: Part[][] | undefined = vectors ? vectors.map((v, i) => [{ group: groupOfItem(i), count: 1, sum: v }]) : undefined;
  const pairSimilarity = rawSimilarity && calibrated ? (i: number, j: number) => calibrate(calibration, i, j, rawSimilarity(i, j)) : rawSimilarity;

  const find = (i: number): number => {
    let root = i;
    while (parent[root] !== root) root = parent[root]!;
    while (parent[i] !== root) {
      const next = parent[i]!;
      parent[i] = root;
      i = next;
    }
    return root;
  };

  const linkage = (a: number, b: number): number => {
    const ma = members[a]!;
    const mb = members[b]!;
    if (parts) {
      let total = 0;
      for (const pa of parts[a]!) {
        for (const pb of parts[b]!) {
          const k = pa.group * groupCount + pb.group;
          const sa = pa.sum;
          const sb = pb.sum;
          let d = 0;
          for (let x = 0; x < sa.length; x++) d += sa[x]! * sb[x]!;
          total += pa.count * pb.count * offset[k]! + scale[k]! * d;
        }
      }
      return total / (ma.length * mb.length);
    }
    const pairs = ma.length * mb.length;
    if (pairs <= maxPairs) {
      let total = 0;
      for (const i of ma) for (const j of mb) total += pairSimilarity!(i, j);
      return total / pairs;
    }
    // Deterministic stride sample over the pair grid.
    const step = pairs / maxPairs;
    let total = 0;
    for (let s = 0; s < maxPairs; s++) {
      const p = Math.floor(s * step);
      total += pairSimilarity!(ma[Math.floor(p / mb.length)]!, mb[p % mb.length]!);
    }
    return total / maxPairs;
  };

  const spanAllows = (a: number, b: number): boolean => {
    if (timeWindow === Infinity) return true;
    const lo = Math.min(minTime[a]!, minTime[b]!);
    const hi = Math.max(maxTime[a]!, maxTime[b]!);
    return !(hi - lo > timeWindow);
  };

  const heap = new MergeHeap(Math.max(16, count * 2));
  for (let i = 0; i < count; i++) {
    for (const edge of input.neighbors(i)) {
      const j = edge.index;
      if (j === i || j < 0 || j >= count) continue;
      const similarity = calibrate(calibration, i, j, edge.similarity);
      if (!(similarity >= threshold) || !spanAllows(i, j)) continue;
      const [a, b] = i < j ? [i, j] : [j, i];
      heap.push(similarity, a, b, 0);
    }
  }

  // Stale entries hold an upper bound of the current linkage (average linkage is reducible:
  // a merged group is never closer to a third group than the closer of its parts), so
  // re-scoring an entry on pop and pushing it back keeps the merge order exact.
  const top = { score: 0, left: 0, right: 0, stamp: 0 };
  while (heap.pop(top)) {
    const a = find(top.left);
    const b = find(top.right);
    if (a === b) continue;
    const stamp = version[a]! + version[b]!;
    const fresh = a === top.left && b === top.right && stamp === top.stamp;
    if (!spanAllows(a, b)) continue;
    if (!fresh) {
      const score = linkage(a, b);
      if (score >= threshold) heap.push(score, Math.min(a, b), Math.max(a, b), stamp);
      continue;
    }
    // Merge the smaller group into the larger one.
    const [keep, gone] = members[a]!.length >= members[b]!.length ? [a, b] : [b, a];
    parent[gone] = keep;
    for (const m of members[gone]!) members[keep]!.push(m);
    members[gone] = [];
    minTime[keep] = Math.min(minTime[keep]!, minTime[gone]!);
    maxTime[keep] = Math.max(maxTime[keep]!, maxTime[gone]!);
    version[keep] = version[keep]! + version[gone]! + 1;
    if (parts) {
      const merged = parts[keep]!.slice();
      for (const part of parts[gone]!) {
        const at = merged.findIndex((p) => p.group === part.group);
        if (at < 0) {
          merged.push(part);
          continue;
        }
        const sum = new Float32Array(part.sum);
        const other = merged[at]!.sum;
        for (let d = 0; d < sum.length; d++) sum[d] = sum[d]! + other[d]!;
        merged[at] = { group: part.group, count: part.count + merged[at]!.count, sum };
      }
      parts[keep] = merged;
      parts[gone] = [];
    }
  }

  const groups: number[][] = [];
  for (let i = 0; i < count; i++) {
    if (find(i) === i) groups.push(members[i]!.slice().sort((x, y) => x - y));
  }
  groups.sort((x, y) => x[0]! - y[0]!);
  return groups;
}
