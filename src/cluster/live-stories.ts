// Stories that stay put while articles keep arriving: each add attaches new articles to
// existing stories, opens new ones, or merges two stories the new evidence joins, and says
// what changed. A story's id is derived from its first article, so it stays the same as
// long as the story lives; in a merge the older story's id survives.

import { AverageLinkage, type CandidateEdge, type ClusterOptions, type LinkageSpace } from './average-linkage.js';
import { storyIdFor } from './story-cluster.js';

/** What an add, an eviction or a re-clustering did to the stories. */
export type StoryChange =
  | {
      type: 'created';
      storyId: string;
      /** Members of the new story. */
      articleIds: string[];
    }
  | {
      type: 'updated';
      storyId: string;
      /** Articles that joined the story (merged stories' members are reported by 'merged'). */
      addedArticleIds: string[];
      /** Articles that left it (only a re-clustering takes articles out of a story). */
      removedArticleIds: string[];
    }
  | {
      type: 'merged';
      /** The story that remains. */
      storyId: string;
      /** The story that was folded into it and no longer exists. */
      mergedStoryId: string;
    }
  | {
      type: 'archived';
      /** The story left the active window; it stays queryable from the archive. */
      storyId: string;
      articleIds: string[];
    };

export class LiveStories {
  private linkage: AverageLinkage;
  // First member of each position's story as last reported: tells old stories apart.
  private storyFirst: number[] = [];
  // Story id of a story whose first member is at `position`.
  private readonly storyIdAt: (position: number) => string;

  constructor(
    private options: Pick<ClusterOptions, 'threshold' | 'timeWindowMs' | 'cohesion'>,
    private readonly idOf: (position: number) => string,
  ) {
    this.storyIdAt = (position) => storyIdFor(idOf(position));
    this.linkage = new AverageLinkage(options);
  }

  /** Number of positions (removed ones included until `compact`). */
  get count(): number {
    return this.linkage.count;
  }

  setSpace(space: LinkageSpace): void {
    this.linkage.setSpace(space);
  }

  /**
   * Takes positions `count`.. `count + added - 1` in and clusters them with the existing
   * stories. `time(i)` gives publication times, `neighbors(i)` candidate edges in the
   * current comparison space.
   */
  add(added: number, time: (i: number) => number | undefined, neighbors: (i: number) => ReadonlyArray<CandidateEdge>): StoryChange[] {
    const first = this.linkage.count;
    this.linkage.addItems(added, time);
    const fresh = Array.from({ length: added }, (_, k) => first + k);
    this.linkage.mergeFrom(fresh, neighbors);
    const touched = new Set(fresh.map((i) => this.linkage.find(i)));
    const changes: StoryChange[] = [];
    for (const root of touched) {
      const members = this.linkage.membersOf(root);
      let storyFirst = Infinity;
      const origins = new Set<number>();
      const joined: string[] = [];
      for (const m of members) {
        storyFirst = Math.min(storyFirst, m);
        if (m >= first) joined.push(this.idOf(m));
        else origins.add(this.storyFirst[m]!);
      }
      for (const m of members) this.storyFirst[m] = storyFirst;
      const storyId = this.storyIdAt(storyFirst);
      if (origins.size === 0) {
        changes.push({ type: 'created', storyId, articleIds: joined });
        continue;
      }
      // Old members precede new ones, so the story's first member is an old story's first:
      // that story's id carries on.
      changes.push({ type: 'updated', storyId, addedArticleIds: joined, removedArticleIds: [] });
      for (const origin of [...origins].sort((a, b) => a - b)) {
        if (origin !== storyFirst) changes.push({ type: 'merged', storyId, mergedStoryId: this.storyIdAt(origin) });
      }
    }
    return changes;
  }

  /** Root of the story holding `position` (-1 when removed). */
  rootOf(position: number): number {
    return this.linkage.find(position);
  }

  /** First member of the story holding `position`. */
  firstOf(position: number): number {
    return this.storyFirst[position]!;
  }

  /** Members of every live story, each ascending (the first is the story's first article). */
  groups(): number[][] {
    return this.linkage.groups();
  }

  /** Roots of stories whose newest dated member is older than `cutoff` (epoch ms). */
  staleRoots(cutoff: number): number[] {
    return this.linkage.roots().filter((root) => this.linkage.latestTimeOf(root) < cutoff && this.linkage.latestTimeOf(root) > -Infinity);
  }

  /** Members of the story at `root`, ascending. */
  membersOf(root: number): number[] {
    return this.linkage.membersOf(root).slice().sort((a, b) => a - b);
  }

  /** Drops a whole story (eviction). */
  remove(root: number): void {
    this.linkage.removeGroup(root);
  }

  compact(newIndexOf: Int32Array, newCount: number): void {
    this.linkage.compact(newIndexOf, newCount);
    const storyFirst = new Array<number>(newCount);
    for (let i = 0; i < this.storyFirst.length; i++) {
      const to = newIndexOf[i]!;
      if (to >= 0) storyFirst[to] = newIndexOf[this.storyFirst[i]!]!;
    }
    this.storyFirst = storyFirst;
  }

  /**
   * Clusters every live position again from scratch (new threshold or time window), and
   * reports the difference to the stories before.
   */
  recluster(
    options: Pick<ClusterOptions, 'threshold' | 'timeWindowMs' | 'cohesion'>,
    space: LinkageSpace,
    time: (i: number) => number | undefined,
    neighbors: (i: number) => ReadonlyArray<CandidateEdge>,
  ): StoryChange[] {
    const count = this.linkage.count;
    const live = Array.from({ length: count }, (_, i) => i).filter((i) => this.linkage.find(i) >= 0);
    const removed = new Set(Array.from({ length: count }, (_, i) => i).filter((i) => this.linkage.find(i) < 0));
    const linkage = new AverageLinkage(options);
    linkage.setSpace(space);
    linkage.addItems(count, time);
    for (const i of removed) if (linkage.find(i) === i) linkage.removeGroup(i);
    linkage.mergeFrom(live, (i) => neighbors(i).filter((edge) => !removed.has(edge.index)));

    const before = new Map<number, number[]>();
    for (const i of live) {
      const f = this.storyFirst[i]!;
      const list = before.get(f);
      if (list) list.push(i);
      else before.set(f, [i]);
    }
    const changes: StoryChange[] = [];
    const storyFirst = this.storyFirst.slice();
    const survivors = new Set<number>();
    for (const group of linkage.groups()) {
      const head = group[0]!;
      for (const m of group) storyFirst[m] = head;
      const old = before.get(head);
      const storyId = this.storyIdAt(head);
      if (!old || this.storyFirst[head] !== head) {
        changes.push({ type: 'created', storyId, articleIds: group.map((m) => this.idOf(m)) });
        continue;
      }
      survivors.add(head);
      const inGroup = new Set(group);
      const wasIn = new Set(old);
      const addedArticleIds = group.filter((m) => !wasIn.has(m)).map((m) => this.idOf(m));
      const removedArticleIds = old.filter((m) => !inGroup.has(m)).map((m) => this.idOf(m));
      if (addedArticleIds.length + removedArticleIds.length > 0) {
        changes.push({ type: 'updated', storyId, addedArticleIds, removedArticleIds });
      }
    }
    // An old story whose first article now sits in another story was folded into that one.
    for (const f of before.keys()) {
      if (!survivors.has(f)) changes.push({ type: 'merged', storyId: this.storyIdAt(storyFirst[f]!), mergedStoryId: this.storyIdAt(f) });
    }
    this.linkage = linkage;
    this.storyFirst = storyFirst;
    this.options = options;
    return changes;
  }

  /**
   * Takes in memberships decided elsewhere (a shared feed's replica): positions `count` ..
   * `count + added - 1` arrive, and each position in `firstOf` joins the story whose first
   * member is the value. Stories only grow and merge this way, as they do in `add`.
   */
  join(added: number, time: (i: number) => number | undefined, firstOf: ReadonlyMap<number, number>): void {
    const count = this.linkage.count;
    this.linkage.addItems(added, time);
    for (let i = count; i < count + added; i++) this.storyFirst[i] = i;
    for (const [position, first] of firstOf) {
      this.linkage.join(position, first);
      this.storyFirst[position] = first;
    }
  }

  /** Restores saved stories: `storyFirstOf[i]` is the first member of position i's story. */
  restore(storyFirstOf: readonly number[], time: (i: number) => number | undefined, space: LinkageSpace): void {
    const linkage = new AverageLinkage(this.options);
    linkage.setSpace(space);
    linkage.addItems(storyFirstOf.length, time);
    linkage.joinGroups(storyFirstOf);
    this.linkage = linkage;
    this.storyFirst = storyFirstOf.slice();
  }
}
