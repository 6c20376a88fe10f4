// Groups articles into stories by average-linkage merging over candidate edges.
//
// Connected components of a similarity graph chain unrelated stories through a single
// bridging article; average linkage merges two groups only when their members are similar
// on average, so a bridge cannot pull two stories together. Candidate pairs come from a
// nearest-neighbour graph, which keeps the work near-linear in the number of articles.
//
// Plain average linkage asks every pair of members to agree. A broad story told in many
// short headlines fails that test: each headline shares a word or two with the story, few
// share them with each other (same-story OG2021 title pairs: median similarity 0.25 in
// English). `cohesion` divides the summed similarity by the groups' own internal similarity
// instead of (part of) their sizes; at 1 the score is the cosine of the two groups'
// centroids, so a story grows by what its members have in common.
//
// The same state serves a batch (every item new, nothing grouped yet) and a live feed
// (existing groups stay as they are; new items join them, open new groups, or bring two
// groups together). Groups never split here: that needs a re-clustering from scratch.

import { calibrateGroups, type LanguageCalibration } from './language-calibration.js';
import { MergeHeap } from './max-heap.js';
import type { EmbeddingVector } from '../vectors/sparse-vector.js';
import { addVectors, dot, sumVectors } from '../vectors/vector-math.js';

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
  /**
   * L2-normalised vectors, dense or sparse: enables the exact average-linkage update from
   * group sums, in O(dimension) (dense) or O(non-zeros of the sums) (sparse).
   */
  vectors?: ReadonlyArray<EmbeddingVector>;
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
  /**
   * How far (0..1) the linkage of two groups is normalised by their internal similarity
   * rather than by their sizes. 0 is average linkage (the mean pairwise similarity); 1 is
   * the cosine of the group centroids, sum(A·B) / sqrt(sum(A·A) × sum(B·B)); values between
   * mix the two geometrically. Two single items score their similarity either way.
   * @default 0
   */
  cohesion?: number;
}

/**
 * Returns the stories as groups of item indices: each group sorted ascending, groups
 * ordered by their smallest index. Deterministic for the same input.
 */
export function clusterStories(input: ClusterInput, options: ClusterOptions): number[][] {
  const linkage = new AverageLinkage(options);
  linkage.setSpace({
    ...(input.vectors ? { vectors: input.vectors } : {}),
    ...(input.similarity ? { similarity: input.similarity } : {}),
    ...(input.calibration ? { calibration: input.calibration } : {}),
  });
  linkage.addItems(input.count, input.time ?? (() => undefined));
  const all = Array.from({ length: input.count }, (_, i) => i);
  linkage.mergeFrom(all, input.neighbors);
  return linkage.groups();
}

/** How items are compared: vectors (exact linkage from sums) or a pairwise function. */
export interface LinkageSpace {
  /** L2-normalised vectors (dense or sparse) by item; `undefined` only for removed items. */
  vectors?: ReadonlyArray<EmbeddingVector | undefined>;
  /** Pairwise similarity, used when there are no vectors. */
  similarity?(i: number, j: number): number;
  /** Language-pair calibration; its `groupOf` must cover every live item. */
  calibration?: LanguageCalibration;
}

/** One merge done by `mergeFrom`: group `gone` was folded into group `keep` (both roots). */
export interface LinkageMerge {
  keep: number;
  gone: number;
}

interface Part {
  group: number;
  count: number;
  sum: EmbeddingVector;
}

const REMOVED = -1;

/**
 * Average-linkage groups over items 0..count-1, grown item by item. Every group is
 * addressed by a root item (union-find); `groups()` lists them.
 */
export class AverageLinkage {
  private readonly threshold: number;
  private readonly timeWindow: number;
  private readonly maxPairs: number;
  private readonly cohesion: number;
  private space: LinkageSpace = {};
  private groupCount = 1;
  private scale = new Float64Array(1).fill(1);
  private offset = new Float64Array(1);

  private parent: number[] = [];
  // Indexed by root; empty for non-roots and removed items.
  private members: number[][] = [];
  private parts: Part[][] = [];
  private version: number[] = [];
  private minTime: number[] = [];
  private maxTime: number[] = [];
  private itemGroup: number[] = [];
  // Summed similarity of all member pairs of a group (self-pairs included), by root; NaN
  // until needed. Only used with cohesion > 0.
  private selfTotal: number[] = [];

  constructor(options: ClusterOptions) {
    this.threshold = options.threshold;
    this.timeWindow = options.timeWindowMs ?? Infinity;
    this.maxPairs = options.maxLinkagePairs ?? 4096;
    this.cohesion = options.cohesion ?? 0;
    if (!(this.cohesion >= 0 && this.cohesion <= 1)) throw new RangeError(`cohesion must be in [0, 1], got ${options.cohesion}`);
  }

  /** Number of items ever added (removed ones included until `compact`). */
  get count(): number {
    return this.parent.length;
  }

  /**
   * Switches to a new comparison space (re-weighted vectors, new calibration) and rebuilds
   * every group's sums in it: O(items × dimension). Groups keep their members.
   */
  setSpace(space: LinkageSpace): void {
    if (!space.vectors && !space.similarity) throw new TypeError('AverageLinkage needs `vectors` or `similarity`');
    this.space = space;
    const calibration = space.calibration;
    // The last calibration group collects items whose language is not calibrated; pairs
    // involving it keep their raw similarity (scale 1, offset 0).
    const g = calibration ? calibration.languages.length : 0;
    this.groupCount = g + 1;
    this.scale = new Float64Array(this.groupCount * this.groupCount).fill(1);
    this.offset = new Float64Array(this.groupCount * this.groupCount);
    if (calibration) {
      for (let a = 0; a < g; a++) {
        for (let b = 0; b < g; b++) {
          this.scale[a * this.groupCount + b] = calibration.scale[a * g + b]!;
          this.offset[a * this.groupCount + b] = calibration.offset[a * g + b]!;
        }
      }
    }
    for (let i = 0; i < this.parent.length; i++) {
      if (this.parent[i] !== REMOVED) this.itemGroup[i] = this.calibrationGroupOf(i);
    }
    for (let root = 0; root < this.parent.length; root++) {
      if (this.parent[root] === root) this.parts[root] = this.partsOf(this.members[root]!);
    }
    this.selfTotal.fill(Number.NaN);
  }

  /** Adds `count` new items as singleton groups; `time(i)` is the publication time of item i. */
  addItems(count: number, time: (i: number) => number | undefined): void {
    const first = this.parent.length;
    for (let i = first; i < first + count; i++) {
      this.parent.push(i);
      this.members.push([i]);
      this.version.push(0);
      const t = time(i);
      const known = t !== undefined && Number.isFinite(t);
      this.minTime.push(known ? t : Infinity);
      this.maxTime.push(known ? t : -Infinity);
      this.itemGroup.push(this.calibrationGroupOf(i));
      this.parts.push([]);
      this.parts[i] = this.partsOf([i]);
      this.selfTotal.push(Number.NaN);
    }
  }

  /**
   * Merges groups, most similar first, starting from the candidate edges of `items`
   * (usually the items just added), until no candidate pair reaches the threshold.
   * Returns the merges in the order they happened.
   */
  mergeFrom(items: readonly number[], neighbors: (i: number) => ReadonlyArray<CandidateEdge>): LinkageMerge[] {
    // Sized for a few candidate pairs per item; the heap grows when it needs more.
    const heap = new MergeHeap(Math.max(16, items.length * 4));
    const scored = new Set<number>();
    for (const i of items) {
      const a = this.find(i);
      if (a === REMOVED) continue;
      scored.clear();
      for (const edge of neighbors(i)) {
        const j = edge.index;
        if (j === i || j < 0 || j >= this.parent.length) continue;
        const b = this.find(j);
        if (b === REMOVED || b === a || scored.has(b)) continue;
        if (!this.spanAllows(a, b)) continue;
        // Between two singletons the linkage is the edge itself; a group already formed
        // (live feed) is scored as a whole, once per item.
        const singletons = this.members[a]!.length === 1 && this.members[b]!.length === 1;
        const similarity = singletons ? this.calibrated(i, j, edge.similarity) : this.linkage(a, b);
        if (!singletons) scored.add(b);
        if (!(similarity >= this.threshold)) continue;
        const [left, right] = a < b ? [a, b] : [b, a];
        heap.push(similarity, left, right, this.version[left]! + this.version[right]!);
      }
    }

    // Stale entries hold an upper bound of the current linkage (average linkage is reducible:
    // a merged group is never closer to a third group than the closer of its parts), so
    // re-scoring an entry on pop and pushing it back keeps the merge order exact. With
    // cohesion > 0 a merged group can come closer; its entry is then re-scored when it is
    // popped, a little later than exact best-first order would take it. Pairs that were never
    // a candidate at or above the threshold are not revisited.
    const merges: LinkageMerge[] = [];
    const top = { score: 0, left: 0, right: 0, stamp: 0 };
    while (heap.pop(top)) {
      const a = this.find(top.left);
      const b = this.find(top.right);
      if (a === b || a === REMOVED || b === REMOVED) continue;
      const stamp = this.version[a]! + this.version[b]!;
      const fresh = a === top.left && b === top.right && stamp === top.stamp;
      if (!this.spanAllows(a, b)) continue;
      if (!fresh) {
        const score = this.linkage(a, b);
        if (score >= this.threshold) heap.push(score, Math.min(a, b), Math.max(a, b), stamp);
        continue;
      }
      merges.push(this.union(a, b));
    }
    return merges;
  }

  /**
   * Puts item i into the group of item `firstOf[i]` for every i (restoring a saved
   * grouping), regardless of threshold and time window.
   */
  joinGroups(firstOf: readonly number[]): void {
    for (let i = 0; i < firstOf.length; i++) this.join(i, firstOf[i]!);
  }

  /** Puts items a and b in one group (a decision taken elsewhere; no linkage is checked). */
  join(a: number, b: number): void {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra !== rb && ra !== REMOVED && rb !== REMOVED) this.union(ra, rb);
  }

  /** Root of item i's group, or -1 when the item was removed. */
  find(i: number): number {
    let root = i;
    while (this.parent[root] !== root) {
      if (this.parent[root] === REMOVED) return REMOVED;
      root = this.parent[root]!;
    }
    while (this.parent[i] !== root) {
      const next = this.parent[i]!;
      this.parent[i] = root;
      i = next;
    }
    return root;
  }

  /** Members of the group rooted at `root`, in the order they joined it (not sorted). */
  membersOf(root: number): readonly number[] {
    return this.members[root]!;
  }

  /** Latest publication time in the group (-Infinity when it has no dated member). */
  latestTimeOf(root: number): number {
    return this.maxTime[root]!;
  }

  /** Every live group's root, ascending. */
  roots(): number[] {
    const roots: number[] = [];
    for (let i = 0; i < this.parent.length; i++) if (this.parent[i] === i) roots.push(i);
    return roots;
  }

  /** Live groups, each sorted ascending, ordered by their smallest item. */
  groups(): number[][] {
    const groups = this.roots().map((root) => this.members[root]!.slice().sort((x, y) => x - y));
    groups.sort((x, y) => x[0]! - y[0]!);
    return groups;
  }

  /** Removes a whole group (eviction); its items stay counted until `compact`. */
  removeGroup(root: number): void {
    for (const m of this.members[root]!) this.parent[m] = REMOVED;
    this.members[root] = [];
    this.parts[root] = [];
    this.selfTotal[root] = Number.NaN;
  }

  /**
   * Drops removed items and renumbers the rest: `newIndexOf[i]` is item i's new index
   * (-1 for removed items), increasing with i.
   */
  compact(newIndexOf: Int32Array, newCount: number): void {
    const parent = new Array<number>(newCount);
    const members: number[][] = Array.from({ length: newCount }, () => []);
    const parts: Part[][] = Array.from({ length: newCount }, () => []);
    const version = new Array<number>(newCount).fill(0);
    const minTime = new Array<number>(newCount).fill(Infinity);
    const maxTime = new Array<number>(newCount).fill(-Infinity);
    const itemGroup = new Array<number>(newCount).fill(0);
    for (let i = 0; i < this.parent.length; i++) {
      const to = newIndexOf[i]!;
      if (to < 0) continue;
      const root = this.find(i);
      parent[to] = newIndexOf[root]!;
      itemGroup[to] = this.itemGroup[i]!;
      if (root === i) {
        members[to] = this.members[i]!.map((m) => newIndexOf[m]!);
        parts[to] = this.parts[i]!;
        version[to] = this.version[i]!;
        minTime[to] = this.minTime[i]!;
        maxTime[to] = this.maxTime[i]!;
      }
    }
    this.parent = parent;
    this.members = members;
    this.parts = parts;
    this.version = version;
    this.minTime = minTime;
    this.maxTime = maxTime;
    this.itemGroup = itemGroup;
    this.selfTotal = new Array<number>(newCount).fill(Number.NaN);
  }

  private calibrationGroupOf(i: number): number {
    const calibration = this.space.calibration;
    const g = calibration ? calibration.groupOf[i] : undefined;
    return g === undefined || g < 0 ? this.groupCount - 1 : g;
  }

  private calibrated(i: number, j: number, raw: number): number {
    const calibration = this.space.calibration;
    if (!calibration) return raw;
    const a = this.itemGroup[i]!;
    const b = this.itemGroup[j]!;
    const last = this.groupCount - 1;
    return calibrateGroups(calibration, a === last ? -1 : a, b === last ? -1 : b, raw);
  }

  private partsOf(items: readonly number[]): Part[] {
    const vectors = this.space.vectors;
    if (!vectors || items.length === 0) return [];
    const byGroup = new Map<number, EmbeddingVector[]>();
    for (const i of items) {
      const group = this.itemGroup[i]!;
      const list = byGroup.get(group);
      if (list) list.push(vectors[i]!);
      else byGroup.set(group, [vectors[i]!]);
    }
    // Sums are never changed in place, so a singleton's part can borrow its vector.
    return [...byGroup].map(([group, list]) => ({ group, count: list.length, sum: sumVectors(list) }));
  }

  // Each group keeps one sum vector per calibration group, so the summed calibrated
  // similarity of two groups costs O(parts × parts × dimension), never O(|A|·|B|).
  private linkage(a: number, b: number): number {
    const pairs = this.members[a]!.length * this.members[b]!.length;
    const total = this.pairTotal(a, b);
    if (this.cohesion === 0) return total / pairs;
    const c = this.cohesion;
    return total / (Math.pow(pairs, 1 - c) * Math.pow(this.selfTotalOf(a) * this.selfTotalOf(b), c / 2));
  }

  // Clamped to what member similarities in [0, 1] allow (n .. n²), so a group whose
  // calibrated similarities sum to next to nothing cannot blow a linkage up.
  private selfTotalOf(root: number): number {
    let total = this.selfTotal[root]!;
    if (Number.isNaN(total)) {
      const n = this.members[root]!.length;
      total = n === 1 ? 1 : Math.min(n * n, Math.max(n, this.pairTotal(root, root)));
      this.selfTotal[root] = total;
    }
    return total;
  }

  /** Sum of calibrated similarities over all member pairs of groups a and b (estimated from a sample when large). */
  private pairTotal(a: number, b: number): number {
    const ma = this.members[a]!;
    const mb = this.members[b]!;
    if (this.space.vectors) {
      let total = 0;
      for (const pa of this.parts[a]!) {
        for (const pb of this.parts[b]!) {
          const k = pa.group * this.groupCount + pb.group;
          total += pa.count * pb.count * this.offset[k]! + this.scale[k]! * dot(pa.sum, pb.sum);
        }
      }
      return total;
    }
    const similarity = this.space.similarity!;
    const pairs = ma.length * mb.length;
    if (pairs <= this.maxPairs) {
      let total = 0;
      for (const i of ma) for (const j of mb) total += this.calibrated(i, j, similarity(i, j));
      return total;
    }
    // Deterministic stride sample over the pair grid.
    const step = pairs / this.maxPairs;
    let total = 0;
    for (let s = 0; s < this.maxPairs; s++) {
      const p = Math.floor(s * step);
      const i = ma[Math.floor(p / mb.length)]!;
      const j = mb[p % mb.length]!;
      total += this.calibrated(i, j, similarity(i, j));
    }
    return (total / this.maxPairs) * pairs;
  }

  private spanAllows(a: number, b: number): boolean {
    if (this.timeWindow === Infinity) return true;
    const lo = Math.min(this.minTime[a]!, this.minTime[b]!);
    const hi = Math.max(this.maxTime[a]!, this.maxTime[b]!);
    return !(hi - lo > this.timeWindow);
  }

  // Folds the smaller group into the larger one.
  private union(a: number, b: number): LinkageMerge {
    const [keep, gone] = this.members[a]!.length >= this.members[b]!.length ? [a, b] : [b, a];
    this.parent[gone] = keep;
    this.selfTotal[keep] = Number.NaN;
    this.selfTotal[gone] = Number.NaN;
    for (const m of this.members[gone]!) this.members[keep]!.push(m);
    this.members[gone] = [];
    this.minTime[keep] = Math.min(this.minTime[keep]!, this.minTime[gone]!);
    this.maxTime[keep] = Math.max(this.maxTime[keep]!, this.maxTime[gone]!);
    this.version[keep] = this.version[keep]! + this.version[gone]! + 1;
    if (this.space.vectors) {
      const merged = this.parts[keep]!.slice();
      for (const part of this.parts[gone]!) {
        const at = merged.findIndex((p) => p.group === part.group);
        if (at < 0) {
          merged.push(part);
          continue;
        }
        const sum = addVectors(part.sum, merged[at]!.sum);
        merged[at] = { group: part.group, count: part.count + merged[at]!.count, sum };
      }
      this.parts[keep] = merged;
      this.parts[gone] = [];
    }
    return { keep, gone };
  }
}
