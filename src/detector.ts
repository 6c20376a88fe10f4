// StoryDetector: the facade that takes articles in, embeds them, indexes their vectors,
// and keeps them grouped into stories as they arrive (a batch is one big arrival).

import { checkArticleCollection, normalizeArticle, normalizeArticles, type Article, type NormalizedArticle } from './article.js';
import type { CandidateEdge, LinkageSpace } from './cluster/average-linkage.js';
import { ComparisonSpace } from './cluster/comparison-space.js';
import type { PairStatistics } from './cluster/language-calibration.js';
import { LiveStories, type StoryChange } from './cluster/live-stories.js';
import { describeStory, storyIdFor, type StoryCluster } from './cluster/story-cluster.js';
import {
  checkDays,
  checkThreshold,
  DAY_MS,
  optionsFromSaved,
  resolveDetectorOptions,
  savedOptionsOf,
  type DetectorSettings,
  type StoryDetectorOptions,
} from './detector-options.js';
import { defaultEmbedder } from './embed/create-embedder.js';
import { embedArticles } from './embed/embed-articles.js';
import { vectorKindOf, type Embedder } from './embed/embedder.js';
import { NotFoundError, throwIfAborted } from './errors.js';
import { explainPair, type MatchExplanation } from './explain.js';
import { rerankFitsEmbedder, sketchArticle, type ArticleSketch } from './rerank/pair-evidence.js';
import { rerankCandidates, RERANK_CANDIDATES } from './rerank/rerank.js';
import { SketchCache } from './rerank/sketch-cache.js';
import { progressOf, type ProgressCallback } from './progress.js';
import type { DetectorState } from './persist/detector-bundle.js';
import { loadDetectorState, saveDetectorState, type LoadDetectorOptions } from './persist/detector-store.js';
import { FileStoryArchive, MemoryStoryArchive, type StoryArchive } from './persist/story-archive.js';
import { MemoryArticleStore, type MemoryArticleStoreOptions } from './store/memory-article-store.js';
import type { EmbeddingVector } from './vectors/sparse-vector.js';
import { dot } from './vectors/vector-math.js';

export {
  DEFAULT_ACTIVE_WINDOW_DAYS,
  DEFAULT_LINKAGE_COHESION,
  DEFAULT_NEIGHBORS,
  DEFAULT_TIME_WINDOW_DAYS,
  type StoryDetectorOptions,
} from './detector-options.js';

// Eviction looks for stale stories once the feed clock has moved on by this much.
const EVICTION_STEP_MS = 3_600_000;
// How far ahead of the wall clock a publication time may still advance the feed clock.
const FUTURE_TOLERANCE_MS = DAY_MS;
// Evicted positions are compacted away once they outnumber live ones (and are this many).
const MIN_REMOVED_TO_COMPACT = 256;

export interface AddOptions {
  signal?: AbortSignal;
  onProgress?: ProgressCallback;
}

export interface AddResult {
  /** Ids added by this call, in input order. */
  added: string[];
  /**
   * What happened to the stories: 'created', 'updated' (articles joined), 'merged' (new
   * evidence joined two stories; the older id survives) and 'archived' (left the active
   * window), in that order per step.
   */
  changes: StoryChange[];
}

/** Decisions another process recorded, as a replica takes them in (see `StoryDetector.replicaOf`). */
export interface ReplicaUpdate {
  /** Stories that left the active window (their members leave the replica). */
  archived: StoryCluster[];
  /** Articles decided since, in decision order, with the neighbours recorded for them. */
  added: Array<{ article: NormalizedArticle; vector: EmbeddingVector; neighbors: { ids: string[]; similarities: number[] } }>;
  /** First article of the story of every article whose story changed (new ones included). */
  storyFirst: Map<string, string>;
}

/** @internal What a shared feed drives its replica detector through. */
export interface DetectorReplica {
  decide(articles: readonly NormalizedArticle[], vectors: readonly EmbeddingVector[]): Promise<StoryChange[]>;
  apply(update: ReplicaUpdate): Promise<void>;
  /** Id of the first article of the story holding `articleId`. */
  storyFirstId(articleId: string): string | undefined;
  /** The candidate neighbours recorded for an article, as ids. */
  neighborIds(articleId: string): { ids: string[]; similarities: number[] };
  archivedStory(storyId: string): StoryCluster | undefined;
  has(articleId: string): boolean;
}

export interface SaveOptions {
  /** Cancels the save before the new bundle is switched in (the previous one stays current). */
  signal?: AbortSignal;
}

export interface ReclusterOptions {
  /** Cancels the re-clustering before it starts. */
  signal?: AbortSignal;
  /** New similarity threshold. @default the current one */
  similarityThreshold?: number;
  /** New largest story span in days (`Infinity`: none). @default the current one */
  timeWindowDays?: number;
}

export interface ClustersOptions {
  /** Also list stories that left the active window. @default true */
  includeArchived?: boolean;
}

export interface MatchOptions {
  /** Stories returned at most. @default 5 */
  limit?: number;
  /** Also compute explanations (shared features, best sentence pair). @default true */
  explain?: boolean;
  /** Cancels the match (embedding and explanations). */
  signal?: AbortSignal;
  /**
   * Re-score the best RERANK_CANDIDATES (10) candidate stories with the second stage
   * (src/rerank): the evidence of the article against each story's closest member (aligned
   * headlines and sentences, shared names, places, numbers and concepts) weighed by a model
   * fitted on labelled pairs. Re-scored stories come first, ordered by `score`. The model is
   * fitted for the built-in embedder's evidence, so it is on by default only with that one.
   * On SemEval de–pl retrieval it raised Recall@1 from 0.571 to 0.607 and Pearson r from 0.584 to 0.613 (benchmarks/results/quality.md).
   * @default true with the built-in embedder, false with others
   * @example false
   */
  rerank?: boolean;
}

export interface StoryMatch {
  story: StoryCluster;
  /** Average similarity of the article to the story's members, on the language-calibrated scale. */
  similarity: number;
  /**
   * The second stage's probability (0..1) that the article reports the same story as
   * `closestArticleId`; present on the stories it re-scored (see MatchOptions.rerank), which
   * come first in this order. Absent without the second stage and on stories beyond its
   * candidates, which follow by `similarity`.
   */
  score?: number;
  /**
   * True when `similarity` reaches the detector's threshold: what add() would decide, so a
   * match and an add of the same article agree. `score` orders the matches; it does not
   * change this decision.
   */
  sameStory: boolean;
  /** The member closest to the article and why they match. */
  closestArticleId: string;
  explanation?: MatchExplanation;
}

export class StoryDetector {
  readonly embedder: Embedder;
  private readonly settings: DetectorSettings;
  readonly activeWindowMs: number;

  private store: MemoryArticleStore;
  private readonly space: ComparisonSpace;
  private readonly stories: LiveStories;
  private archive: StoryArchive;
  // Newest publication time seen: the feed's clock for the active window.
  private clock = -Infinity;
  private lastEvictionAt = -Infinity;
  private storyCache: { list: StoryCluster[]; byRoot: Map<number, StoryCluster> } | undefined;
  // Descriptions of unchanged stories, by story id: describing costs O(members × stored
  // entries), so after an add only the stories it touched are described again.
  private readonly described = new Map<string, StoryCluster>();
  // The second stage's sketches of recently matched members (match() re-scores the same
  // busy stories again and again in a feed).
  private readonly sketches = new SketchCache();
  // Calls that change state run one after another: hnswlib is not safe to search while it
  // is written, and a save must see no half-done add.
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(embedder: Embedder, options: StoryDetectorOptions) {
    this.embedder = embedder;
    this.settings = resolveDetectorOptions(options, embedder);
    this.activeWindowMs = this.settings.activeWindowMs;
    this.archive = this.settings.archiveDir ? new FileStoryArchive(this.settings.archiveDir) : new MemoryStoryArchive();
    this.store = new MemoryArticleStore(this.storeOptions());
    this.space = new ComparisonSpace(embedder.dimension, { weighting: this.settings.collectionWeighting, calibration: this.settings.calibration });
    this.stories = new LiveStories(
      { threshold: this.settings.similarityThreshold, timeWindowMs: this.settings.timeWindowMs, cohesion: this.settings.linkageCohesion },
      (i) => this.store.article(i)!.id,
    );
  }

  private storeOptions(): MemoryArticleStoreOptions {
    return {
      dimension: this.embedder.dimension,
      index: this.settings.index,
      vectorKind: vectorKindOf(this.embedder),
      neighbors: this.settings.neighbors,
    };
  }

  /** Creates a detector; loads the built-in embedder when none is given. */
  static async create(options: StoryDetectorOptions = {}): Promise<StoryDetector> {
    const embedder = options.embedder ?? (await defaultEmbedder());
    return new StoryDetector(embedder, options);
  }

  /** Average (calibrated) similarity at which articles join one story. */
  get similarityThreshold(): number {
    return this.settings.similarityThreshold;
  }

  /** How stories are compared when merging: 0 average linkage .. 1 centroid cosine (see the option). */
  get linkageCohesion(): number {
    return this.settings.linkageCohesion;
  }

  /** Largest time span of one story, in ms (Infinity: none). */
  get timeWindowMs(): number {
    return this.settings.timeWindowMs;
  }

  /**
   * Saves the detector into `dir` (created when missing) as a versioned bundle: articles,
   * vectors, neighbour graph, index, stories, archive, options and the embedder's id.
   * Atomic: a crash at any moment leaves the previous save loadable. Waits for add() calls
   * made before it.
   */
  save(dir: string, options: SaveOptions = {}): Promise<void> {
    return this.enqueue(() => {
      throwIfAborted(options.signal);
      this.compact();
      return saveDetectorState(dir, this.state());
    });
  }

  /**
   * Loads a detector saved with `save(dir)`; nothing is re-embedded and the stories are the
   * saved ones. Throws BundleError for a missing, corrupt or unsupported bundle,
   * EmbedderMismatchError / DimensionMismatchError when the embedder is not the one it was
   * saved with.
   */
  static async load(dir: string, options: LoadDetectorOptions = {}): Promise<StoryDetector> {
    const { state, embedder } = await loadDetectorState(dir, options);
    throwIfAborted(options.signal);
    const archiveDir = options.archiveDir ?? (state.archive && 'dir' in state.archive ? state.archive.dir : undefined);
    const detector = new StoryDetector(embedder, {
      ...optionsFromSaved(state.options),
      ...(archiveDir ? { archiveDir } : {}),
      ...(options.now ? { now: options.now } : {}),
    });
    detector.restore(state);
    return detector;
  }

  // What save() writes; taken inside the queue after a compaction, so positions are dense.
  private state(): DetectorState {
    const snapshot = this.store.snapshot();
    const storyFirst = snapshot.articles.map((_, i) => this.stories.firstOf(i));
    return {
      embedder: { id: this.embedder.id, dimension: this.embedder.dimension, vectorKind: vectorKindOf(this.embedder) },
      options: savedOptionsOf(this.settings),
      ...snapshot,
      stories: { storyFirst, clock: Number.isFinite(this.clock) ? this.clock : null },
      archive: this.archive instanceof FileStoryArchive ? { dir: this.settings.archiveDir! } : { stories: this.archive.all() },
    };
  }

  // Fills a fresh detector from a loaded (already validated) state.
  private restore(state: DetectorState): void {
    this.store = MemoryArticleStore.restore(state, this.storeOptions());
    state.articles.forEach((article, i) => {
      this.space.add(i, state.vectors[i]!, article.lang);
      if (article.publishedAt !== undefined) this.clock = Math.max(this.clock, article.publishedAt);
    });
    if (state.stories?.clock != null) this.clock = Math.max(this.clock, state.stories.clock);
    if (state.archive && 'stories' in state.archive && !this.settings.archiveDir) this.archive = new MemoryStoryArchive(state.archive.stories);
    this.refreshSpace();
    if (state.stories) {
      this.stories.restore(state.stories.storyFirst, this.timeOf, this.linkageSpace());
    } else {
      // A version 1 bundle holds no stories: cluster what it holds, as one batch.
      this.stories.setSpace(this.linkageSpace());
      this.stories.add(this.store.count, this.timeOf, this.neighborsOf);
    }
  }

  private refreshSpace(): void {
    this.space.refresh(this.store.vectors(), (i) => this.store.article(i)?.lang);
  }

  /** Number of articles in the active window (archived ones not counted). */
  get size(): number {
    return this.store.size - this.pendingCount;
  }

  /** True when the article is in the active window. */
  has(id: string): boolean {
    return this.visiblePosition(id) !== undefined;
  }

  // Articles of an add() in progress are indexed batch by batch but get their stories when
  // the call ends; until then readers (size, has, clusters, similarity) do not see them.
  private get pendingCount(): number {
    return this.store.count - this.stories.count;
  }

  private visiblePosition(id: string): number | undefined {
    const position = this.store.positionOf(id);
    return position !== undefined && position < this.stories.count ? position : undefined;
  }

  /**
   * Embeds and indexes articles, and attaches them to stories: each joins the most similar
   * story when it is similar enough, opens a new one otherwise, and two stories merge when
   * the new articles join them. Adding a whole collection at once clusters it as one batch.
   * An array is validated whole before anything is added (a bad article adds nothing); a
   * stream is taken and clustered batch by batch, and batches before a bad one stay added.
   */
  add(articles: Iterable<Article> | AsyncIterable<Article>, options: AddOptions = {}): Promise<AddResult> {
    // JavaScript callers can pass anything: refuse it with a typed error, not a TypeError.
    try {
      checkArticleCollection(articles);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.enqueue(() => this.addNow(articles, options ?? {}));
  }

  private enqueue<T>(work: () => Promise<T> | T): Promise<T> {
    const run = this.queue.then(work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async addNow(articles: Iterable<Article> | AsyncIterable<Article>, options: AddOptions): Promise<AddResult> {
    const added: string[] = [];
    const changes: StoryChange[] = [];
    try {
      if (Array.isArray(articles)) {
        const normalized = normalizeArticles(articles, this.knownIds, this.normalizeOptions);
        for (let start = 0; start < normalized.length; start += this.settings.batchSize) {
          throwIfAborted(options.signal);
          await this.addBatch(normalized.slice(start, start + this.settings.batchSize), options.signal);
          for (let i = start; i < Math.min(normalized.length, start + this.settings.batchSize); i++) added.push(normalized[i]!.id);
          options.onProgress?.(progressOf('embed', added.length, normalized.length));
        }
      } else {
        let batch: unknown[] = [];
        const flush = async () => {
          const normalized = normalizeArticles(batch, this.knownIds, this.normalizeOptions);
          batch = [];
          await this.addBatch(normalized, options.signal);
          for (const article of normalized) added.push(article.id);
          changes.push(...this.updateStories());
          options.onProgress?.(progressOf('embed', added.length, 0));
        };
        for await (const article of articles as AsyncIterable<Article>) {
          throwIfAborted(options.signal);
          batch.push(article);
          if (batch.length >= this.settings.batchSize) await flush();
        }
        if (batch.length > 0) await flush();
      }
    } finally {
      // Whatever was indexed before a failure or abort still gets its story.
      changes.push(...this.updateStories());
    }
    return { added, changes };
  }

  private readonly knownIds = { has: (id: string) => this.store.positionOf(id) !== undefined };

  private get normalizeOptions(): { maxTextChars: number } {
    return { maxTextChars: this.settings.maxTextChars };
  }

  private async addBatch(batch: NormalizedArticle[], signal: AbortSignal | undefined): Promise<void> {
    if (batch.length === 0) return;
    const vectors = await embedArticles(this.embedder, batch, { batchSize: batch.length, ...(signal ? { signal } : {}) });
    throwIfAborted(signal);
    await this.addEmbedded(batch, vectors);
  }

  private async addEmbedded(batch: readonly NormalizedArticle[], vectors: readonly EmbeddingVector[]): Promise<void> {
    // The store indexes a batch whole or not at all.
    const first = await this.store.addBatch(batch, vectors);
    for (let i = 0; i < batch.length; i++) this.space.add(first + i, vectors[i]!, batch[i]!.lang);
  }

  /**
   * The hooks a shared feed (src/store/postgres/) drives this detector through when it keeps
   * it as a replica of the database: `decide` clusters already-embedded articles (the
   * feed's decision), `apply` takes in decisions another process made (never re-deciding
   * them). Not part of the public API.
   * @internal
   */
  static createReplica(embedder: Embedder, options: StoryDetectorOptions): { detector: StoryDetector; hooks: DetectorReplica } {
    const detector = new StoryDetector(embedder, options);
    const hooks: DetectorReplica = {
      decide: (articles, vectors) =>
        detector.enqueue(async () => {
          await detector.addEmbedded(articles, vectors);
          return detector.updateStories();
        }),
      apply: (update) => detector.enqueue(() => detector.applyDecisions(update)),
      storyFirstId: (articleId) => {
        const position = detector.store.positionOf(articleId);
        return position === undefined ? undefined : detector.articleAt(detector.stories.firstOf(position)).id;
      },
      neighborIds: (articleId) => {
        const { positions, similarities } = detector.store.neighbors(detector.store.positionOf(articleId)!);
        const ids: string[] = [];
        const kept: number[] = [];
        positions.forEach((p, k) => {
          // Neighbours evicted by the same decision are gone everywhere.
          const article = detector.store.article(p);
          if (!article) return;
          ids.push(article.id);
          kept.push(similarities[k]!);
        });
        return { ids, similarities: kept };
      },
      archivedStory: (storyId) => detector.archive.get(storyId),
      has: (articleId) => detector.store.positionOf(articleId) !== undefined,
    };
    return { detector, hooks };
  }

  // Takes in decisions recorded by another process: archived stories leave, decided articles
  // come in with their recorded neighbours, and they join (and merge) the recorded stories.
  // Never re-decides: what the database says is what the stories become.
  private applyDecisions(update: ReplicaUpdate): void {
    if (update.archived.length + update.added.length + update.storyFirst.size === 0) return;
    this.storyCache = undefined;
    for (const story of update.archived) {
      for (const id of story.articleIds) {
        const position = this.store.positionOf(id);
        if (position === undefined) continue;
        const root = this.stories.rootOf(position);
        if (root >= 0) this.stories.remove(root);
        this.space.remove(position, this.store.vector(position)!);
        this.store.remove(position);
      }
      this.described.delete(story.id);
    }
    if (update.archived.length > 0) {
      this.archive.add(update.archived);
      this.compactIfMostlyRemoved();
    }
    const first = this.store.addDecided(
      update.added.map((entry) => entry.article),
      update.added.map((entry) => entry.vector),
      update.added.map((entry) => entry.neighbors),
    );
    update.added.forEach((entry, k) => this.space.add(first + k, entry.vector, entry.article.lang));
    this.advanceClock(first, this.store.count);
    this.refreshStaleSpace();
    const firstOf = new Map<number, number>();
    for (const [id, firstId] of update.storyFirst) {
      const position = this.store.positionOf(id);
      const head = this.store.positionOf(firstId);
      if (position === undefined || head === undefined) continue;
      firstOf.set(position, head);
      if (position < this.stories.count) this.described.delete(storyIdFor(this.articleAt(this.stories.firstOf(position)).id));
      this.described.delete(storyIdFor(firstId));
    }
    this.stories.join(update.added.length, this.timeOf, firstOf);
  }

  /** Clusters positions indexed since the last call into the stories, then evicts. */
  private updateStories(): StoryChange[] {
    const fresh = this.store.count - this.stories.count;
    if (fresh === 0) return [];
    this.storyCache = undefined;
    this.refreshStaleSpace();
    const first = this.stories.count;
    const changes = this.stories.add(fresh, this.timeOf, this.neighborsOf);
    for (const change of changes) {
      this.described.delete(change.storyId);
      if (change.type === 'merged') this.described.delete(change.mergedStoryId);
    }
    this.advanceClock(first, this.store.count);
    changes.push(...this.evict(first));
    return changes;
  }

  // Weighting and calibration moved with the collection: stories are compared, and
  // described, in the refreshed space from now on.
  private refreshStaleSpace(): void {
    if (!this.space.stale) return;
    this.refreshSpace();
    this.stories.setSpace(this.linkageSpace());
    this.described.clear();
  }

  // The clock is the newest publication time seen, but never more than FUTURE_TOLERANCE_MS
  // ahead of the wall clock, so one wrong date cannot evict the whole window.
  private advanceClock(from: number, to: number): void {
    const latestTrusted = this.settings.now() + FUTURE_TOLERANCE_MS;
    for (let i = from; i < to; i++) {
      const t = this.store.article(i)!.publishedAt;
      if (t !== undefined && t > this.clock) this.clock = Math.min(t, latestTrusted);
    }
  }

  // Moves stories whose newest article fell out of the active window to the archive. Stories
  // that took articles in this step stay until a later one: an add() never archives what it
  // has just added, so a collection added in one call stays whole.
  private evict(firstOfStep: number): StoryChange[] {
    if (!Number.isFinite(this.activeWindowMs) || !Number.isFinite(this.clock)) return [];
    if (this.clock - this.lastEvictionAt < EVICTION_STEP_MS) return [];
    this.lastEvictionAt = this.clock;
    const roots = this.stories.staleRoots(this.clock - this.activeWindowMs);
    const archived: StoryCluster[] = [];
    for (const root of roots) {
      const members = this.stories.membersOf(root);
      if (members[members.length - 1]! >= firstOfStep) continue;
      archived.push(this.describe(members));
      for (const m of members) {
        this.space.remove(m, this.store.vector(m)!);
        this.store.remove(m);
      }
      this.stories.remove(root);
    }
    if (archived.length === 0) return [];
    this.archive.add(archived);
    for (const story of archived) this.described.delete(story.id);
    this.storyCache = undefined;
    this.compactIfMostlyRemoved();
    return archived.map((story) => ({ type: 'archived', storyId: story.id, articleIds: story.articleIds }));
  }

  private compactIfMostlyRemoved(): void {
    if (this.store.removedCount >= MIN_REMOVED_TO_COMPACT && this.store.removedCount > this.store.size) this.compact();
  }

  // Renumbers positions so evicted ones take no memory; order of arrival is kept.
  private compact(): void {
    const newPositionOf = this.store.compact();
    if (!newPositionOf) return;
    const count = this.store.count;
    this.space.compact(newPositionOf, count);
    this.stories.compact(newPositionOf, count);
    this.storyCache = undefined;
  }

  private describe(members: readonly number[]): StoryCluster {
    return describeStory(members, this.articleAt, this.comparisonVectorAt);
  }

  private readonly articleAt = (i: number): NormalizedArticle => this.store.article(i)!;
  private readonly comparisonVectorAt = (i: number): EmbeddingVector => this.space.vectors[i]!;

  private readonly timeOf = (i: number): number | undefined => this.store.article(i)?.publishedAt;

  // Candidate edges re-scored in the comparison space (the index works in embedder space).
  private readonly neighborsOf = (i: number): CandidateEdge[] => {
    const vectors = this.space.vectors;
    const own = vectors[i];
    if (!own) return [];
    const { positions, similarities } = this.store.neighbors(i);
    const unweighted = own === this.store.vector(i);
    const list: CandidateEdge[] = [];
    for (let k = 0; k < positions.length; k++) {
      const other = vectors[positions[k]!];
      if (!other) continue;
      list.push({ index: positions[k]!, similarity: unweighted ? similarities[k]! : dot(own, other) });
    }
    return list;
  };

  private linkageSpace(): LinkageSpace {
    const calibration = this.space.calibration;
    return { vectors: this.space.vectors, ...(calibration ? { calibration } : {}) };
  }

  /**
   * Clusters the active articles again from the stored vectors and neighbour graph, with a
   * new threshold or time window; nothing is re-embedded. Archived stories stay as they
   * are. Returns what changed; later adds use the new settings.
   */
  recluster(options: ReclusterOptions = {}): Promise<StoryChange[]> {
    return this.enqueue(() => {
      throwIfAborted(options.signal);
      const threshold = checkThreshold(options.similarityThreshold ?? this.settings.similarityThreshold);
      const windowMs =
        options.timeWindowDays === undefined ? this.settings.timeWindowMs : checkDays('timeWindowDays', options.timeWindowDays) * DAY_MS;
      if (this.space.stale) this.refreshSpace();
      this.described.clear();
      const changes = this.stories.recluster({ threshold, timeWindowMs: windowMs, cohesion: this.settings.linkageCohesion }, this.linkageSpace(), this.timeOf, this.neighborsOf);
      this.settings.similarityThreshold = threshold;
      this.settings.timeWindowMs = windowMs;
      this.storyCache = undefined;
      return changes;
    });
  }

  private activeStories(): { list: StoryCluster[]; byRoot: Map<number, StoryCluster> } {
    if (this.storyCache) return this.storyCache;
    const groups = this.stories.groups();
    const byRoot = new Map<number, StoryCluster>();
    const list = groups.map((group) => {
      const id = storyIdFor(this.articleAt(group[0]!).id);
      let story = this.described.get(id);
      if (!story) {
        story = this.describe(group);
        this.described.set(id, story);
      }
      byRoot.set(this.stories.rootOf(group[0]!), story);
      return story;
    });
    // Largest first; ties in order of their first article (groups come in that order).
    list.sort((a, b) => b.articleIds.length - a.articleIds.length);
    this.storyCache = { list, byRoot };
    return this.storyCache;
  }

  /**
   * The stories, largest first: those in the active window and, unless turned off, those
   * archived (ties: archived first, then in order of their first article).
   */
  clusters(options: ClustersOptions = {}): StoryCluster[] {
    const active = this.activeStories().list;
    if (options.includeArchived === false || this.archive.size === 0) return active.slice();
    const all = [...this.archive.all(), ...active];
    return all.sort((a, b) => b.articleIds.length - a.articleIds.length);
  }

  /** The story with this id, active or archived, or undefined. */
  story(storyId: string): StoryCluster | undefined {
    return this.activeStories().list.find((story) => story.id === storyId) ?? this.archive.get(storyId);
  }

  /**
   * Similarity statistics of random article pairs per language pair, as used for the
   * language calibration of the current stories (empty when too few languages are frequent
   * enough, or calibration is off).
   */
  languageStatistics(): PairStatistics[] {
    return this.space.statistics;
  }

  /** The story an article belongs to, active or archived. */
  storyOfArticle(id: string): StoryCluster {
    const position = this.visiblePosition(id);
    if (position !== undefined) return this.activeStories().byRoot.get(this.stories.rootOf(position))!;
    const archived = this.archive.findByArticle(id);
    if (!archived) throw new NotFoundError(id);
    return archived;
  }

  /** Similarity of two active articles in the comparison space (uncalibrated). Synchronous. */
  similarity(idA: string, idB: string): number {
    const vectors = this.space.vectors;
    return dot(vectors[this.requirePosition(idA)]!, vectors[this.requirePosition(idB)]!);
  }

  /**
   * Why two active articles are (or are not) similar. Asynchronous, unlike `similarity`:
   * the best-aligned sentence pair embeds the articles' sentences.
   */
  async explain(idA: string, idB: string): Promise<MatchExplanation> {
    const a = this.articleAt(this.requirePosition(idA));
    const b = this.articleAt(this.requirePosition(idB));
    return explainPair(this.embedder, a, b, this.similarity(idA, idB));
  }

  /**
   * The active stories nearest to an article that is not added, best first, each with the
   * average similarity to its members and an explanation against the closest member.
   */
  async match(input: Article, options: MatchOptions = {}): Promise<StoryMatch[]> {
    options ??= {};
    const article = normalizeArticle(input, this.normalizeOptions);
    const signal = options.signal;
    const [vector] = await embedArticles(this.embedder, [article], signal ? { signal } : {});
    await this.queue;
    throwIfAborted(signal);
    if (this.size === 0) return [];
    const { byRoot } = this.activeStories();
    // Synchronous from here to the first await: an add() running meanwhile may evict or renumber.
    const candidates = this.store.searchNow(vector!, this.settings.neighbors);
    const vectors = this.space.vectors;
    const query = this.space.project(vector!);
    const seen = new Set<number>();
    const matches: StoryMatch[] = [];
    for (const candidate of candidates) {
      if (candidate.position >= this.stories.count) continue; // an add() in progress
      const root = this.stories.rootOf(candidate.position);
      if (seen.has(root)) continue;
      seen.add(root);
      const story = byRoot.get(root)!;
      let total = 0;
      let closest = this.articleAt(candidate.position).id;
      let closestSimilarity = -Infinity;
      for (const id of story.articleIds) {
        const memberPosition = this.store.positionOf(id)!;
        const sim = this.space.calibratedTo(article.lang, memberPosition, dot(query, vectors[memberPosition]!));
        total += sim;
        if (sim > closestSimilarity) {
          closestSimilarity = sim;
          closest = id;
        }
      }
      const similarity = total / story.articleIds.length;
      matches.push({ story, similarity, sameStory: similarity >= this.settings.similarityThreshold, closestArticleId: closest });
    }
    matches.sort((a, b) => b.similarity - a.similarity);
    // Each match's closest member, read now, before the first await, for the same reason.
    const closestOf = new Map<StoryMatch, { article: NormalizedArticle; vector: EmbeddingVector; similarity: number }>();
    for (const match of matches) {
      const position = this.store.positionOf(match.closestArticleId)!;
      closestOf.set(match, { article: this.articleAt(position), vector: this.store.vector(position)!, similarity: dot(query, vectors[position]!) });
    }
    let ordered = matches;
    if (options.rerank ?? rerankFitsEmbedder(this.embedder)) {
      const querySketch = await sketchArticle(this.embedder, article, vector!);
      const candidates: Array<{ candidate: StoryMatch; sketch: ArticleSketch }> = [];
      for (const match of matches.slice(0, RERANK_CANDIDATES)) {
        throwIfAborted(signal);
        const closest = closestOf.get(match)!;
        const sketch = await this.sketches.get(closest.article, () => sketchArticle(this.embedder, closest.article, closest.vector));
        candidates.push({ candidate: match, sketch });
      }
      const reranked = rerankCandidates(querySketch, candidates).map(({ candidate, score }) => {
        candidate.score = score;
        return candidate;
      });
      ordered = [...reranked, ...matches.slice(reranked.length)];
    }
    const top = ordered.slice(0, options.limit ?? 5);
    if (options.explain ?? true) {
      for (const match of top) {
        throwIfAborted(signal);
        const closest = closestOf.get(match)!;
        match.explanation = await explainPair(this.embedder, article, closest.article, closest.similarity);
      }
    }
    return top;
  }

  /** The stored (validated, cleaned) article, while it is in the active window. */
  article(id: string): NormalizedArticle {
    return this.articleAt(this.requirePosition(id));
  }

  private requirePosition(id: string): number {
    const position = this.visiblePosition(id);
    if (position === undefined) throw new NotFoundError(id);
    return position;
  }
}
