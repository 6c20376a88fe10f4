// StoryDetector: the facade that takes articles in, embeds them, indexes their vectors,
// and keeps them grouped into stories as they arrive (a batch is one big arrival).

import {
  checkArticleCollection,
  normalizeArticle,
  normalizeArticles,
  MAX_TEXT_CHARS,
  type Article,
  type NormalizedArticle,
} from './article.js';
import type { AnnIndex } from './ann/ann-index.js';
import { AUTO_EXACT_MAX_SIZE, createAnnIndex, type AnnIndexKindChoice } from './ann/create-ann-index.js';
import { ExactIndex } from './ann/exact-index.js';
import type { CandidateEdge, LinkageSpace } from './cluster/average-linkage.js';
import { ComparisonSpace } from './cluster/comparison-space.js';
import type { LanguageCalibrationOptions, PairStatistics } from './cluster/language-calibration.js';
import { LiveStories, type StoryChange } from './cluster/live-stories.js';
import { describeStory, storyIdFor, type StoryCluster } from './cluster/story-cluster.js';
import { defaultEmbedder } from './embed/create-embedder.js';
import type { Embedder } from './embed/embedder.js';
import {
  DimensionMismatchError,
  InvalidOptionsError,
  InvalidVectorError,
  NotFoundError,
  throwIfAborted,
} from './errors.js';
import { explainPair, embedInputOf, type MatchExplanation } from './explain.js';
import { fillLanguage } from './language.js';
import { progressOf, type ProgressCallback } from './progress.js';
import { dot } from './vector-math.js';
import type { DetectorState } from './persist/detector-bundle.js';
import { loadDetectorState, saveDetectorState, type LoadDetectorOptions } from './persist/detector-store.js';
import { FileStoryArchive, MemoryStoryArchive, type StoryArchive } from './persist/story-archive.js';

/** Largest time span of one story when `timeWindowDays` is not given. */
export const DEFAULT_TIME_WINDOW_DAYS = 2;
/** How long a story stays in the active index after its newest article, when `activeWindowDays` is not given. */
export const DEFAULT_ACTIVE_WINDOW_DAYS = 7;
/** `linkageCohesion` when not given (see the option). */
export const DEFAULT_LINKAGE_COHESION = 0.5;
/** `neighbors` when not given (see the option). */
export const DEFAULT_NEIGHBORS = 10;

const DAY_MS = 86_400_000;
// Eviction looks for stale stories once the feed clock has moved on by this much.
const EVICTION_STEP_MS = 3_600_000;
// How far ahead of the wall clock a publication time may still advance the feed clock.
const FUTURE_TOLERANCE_MS = DAY_MS;
// Evicted positions are compacted away once they outnumber live ones (and are this many).
const MIN_REMOVED_TO_COMPACT = 256;

export interface StoryDetectorOptions {
  /**
   * The embedding space. Any `Embedder`; the built-in lexical embedder needs no download.
   * @default the built-in LexicalEmbedder
   */
  embedder?: Embedder;
  /**
   * Nearest-neighbour index: 'exact' (brute force: exact answers, fine for a few thousand
   * articles), 'hnsw' (hnswlib-node, approximate, scales to millions) or 'auto' (exact,
   * switching to HNSW once the collection passes AUTO_EXACT_MAX_SIZE articles).
   * @default 'auto'
   */
  index?: AnnIndexKindChoice;
  /**
   * Average cosine similarity at which articles join one story.
   * @default the embedder's calibrated `sameStoryThreshold`, or 0.5 if it has none
   */
  similarityThreshold?: number;
  /**
   * Largest span of publication times, in days, that one story may cover. Articles without
   * `publishedAt` are not constrained. `Infinity` turns the rule off. On OG2021 (B-cubed F1,
   * built-in embedder) 1 and 2 days scored alike and 3 days lower; 2 leaves room for stories
   * that run over a weekend.
   * @default 2
   */
  timeWindowDays?: number;
  /**
   * Neighbours looked up per article when building the candidate graph (and when `match`
   * looks for candidate stories). Fewer candidates also mean fewer chances to chain two
   * stories together: on OG2021 (built-in embedder, B-cubed F1) 10 beat 20 at every
   * threshold and cohesion tried (by 0.005 to 0.02), and 5 or 7 lost recall.
   * @default 10
   */
  neighbors?: number;
  /**
   * How stories are compared when deciding to merge them, from 0 (average linkage: the
   * mean similarity of all cross pairs must reach the threshold) to 1 (cosine of the two
   * stories' centroids). A broad story told in many short headlines has members that each
   * share a word or two with the story but little with each other; dividing by the stories'
   * own cohesion rather than their sizes lets such a story grow. Two single articles are
   * compared by their similarity whatever the setting. `npm run sweep` (OG2021, B-cubed
   * F1 with / without dates, 10 neighbours): 0 at its best threshold 0.627 / 0.539, 0.5 at
   * 0.33 0.640 / 0.536; higher settings gain a little more with dates and chain stories
   * without them (1 at 0.33: 0.646 / 0.475).
   * @default 0.5
   */
  linkageCohesion?: number;
  /**
   * Articles embedded per call to the embedder.
   * @default 64
   */
  batchSize?: number;
  /**
   * Put every language pair's similarities on one scale before clustering and matching,
   * estimated from random pairs of the collection (see src/cluster/language-calibration.ts):
   * unrelated same-language articles look more alike than unrelated articles in two
   * languages, and this removes that bias. `false` uses raw cosine similarities; an object
   * tunes the estimate. Languages with fewer than 30 articles stay uncalibrated.
   * @default true
   */
  calibrateLanguages?: boolean | LanguageCalibrationOptions;
  /**
   * Weight each vector dimension by its inverse document frequency in this collection
   * before comparing articles (see src/cluster/collection-weighting.ts), so features that
   * half the collection shares stop making unrelated stories look alike. Only sparse
   * vectors (the built-in embedder's) change; dense model vectors are left as they are.
   * @default true
   */
  collectionWeighting?: boolean;
  /**
   * Sliding window of a live feed, in days: a story whose newest article is this much older
   * than the newest article seen leaves the active index (its vectors and index entries are
   * freed) and moves to the archive, where `story()`, `storyOfArticle()` and `clusters()`
   * still find it. Memory then stays bounded on an endless feed. Stories without dated
   * articles are never archived. `Infinity` keeps everything active.
   * @default 7
   */
  activeWindowDays?: number;
  /**
   * The wall clock, epoch ms. Publication times more than a day ahead of it do not move the
   * feed's clock forward, so one misdated article (year 2100) cannot archive every story.
   * Replays of data dated in the future can pass their own clock.
   * @default Date.now
   */
  now?: () => number;
  /**
   * Characters of an article's text read at most; longer texts are cut at a character
   * boundary (a feed can carry a whole book in one field).
   * @default 200000
   */
  maxTextChars?: number;
  /**
   * Folder for archived stories (an append-only, checksummed JSONL file). Without it the
   * archive is kept in memory (a few hundred bytes per article, no vectors) and saved with
   * the detector.
   * @default undefined (in memory)
   * @example './feed-archive'
   */
  archiveDir?: string;
}

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
}

export interface StoryMatch {
  story: StoryCluster;
  /** Average similarity of the article to the story's members, on the language-calibrated scale. */
  similarity: number;
  /** True when `similarity` reaches the detector's threshold. */
  sameStory: boolean;
  /** The member closest to the article and why they match. */
  closestArticleId: string;
  explanation?: MatchExplanation;
}

export class StoryDetector {
  readonly embedder: Embedder;
  private threshold: number;
  private windowMs: number;
  readonly activeWindowMs: number;
  private readonly indexKind: AnnIndexKindChoice;
  private readonly neighborCount: number;
  private readonly cohesion: number;
  private readonly batchSize: number;
  private readonly calibrationOptions: LanguageCalibrationOptions | undefined;
  private readonly collectionWeighting: boolean;
  private readonly archiveDir: string | undefined;
  private readonly normalizeOptions: { maxTextChars: number };
  private readonly now: () => number;

  private index: AnnIndex;
  // Indexed by position (order of arrival); evicted positions hold undefined until the
  // next compaction renumbers them away.
  private articles: Array<NormalizedArticle | undefined> = [];
  private vectors: Array<Float32Array | undefined> = [];
  private neighborLists: CandidateEdge[][] = [];
  private readonly positionOf = new Map<string, number>();
  private removedCount = 0;
  private readonly space: ComparisonSpace;
  private readonly stories: LiveStories;
  private archive: StoryArchive;
  // Newest publication time seen: the feed's clock for the active window.
  private clock = -Infinity;
  private lastEvictionAt = -Infinity;
  private storyCache: { list: StoryCluster[]; byRoot: Map<number, StoryCluster> } | undefined;
  // Descriptions of unchanged stories, by story id: describing costs O(members × dimension),
  // so after an add only the stories it touched are described again.
  private readonly described = new Map<string, StoryCluster>();
  // Calls that change state run one after another: hnswlib is not safe to search while it
  // is written, and a save must see no half-done add.
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(embedder: Embedder, options: StoryDetectorOptions) {
    this.embedder = embedder;
    this.threshold = checkThreshold(options.similarityThreshold ?? embedder.sameStoryThreshold ?? 0.5);
    this.windowMs = checkDays('timeWindowDays', options.timeWindowDays ?? DEFAULT_TIME_WINDOW_DAYS) * DAY_MS;
    this.activeWindowMs = checkDays('activeWindowDays', options.activeWindowDays ?? DEFAULT_ACTIVE_WINDOW_DAYS) * DAY_MS;
    this.neighborCount = options.neighbors ?? DEFAULT_NEIGHBORS;
    if (!Number.isInteger(this.neighborCount) || this.neighborCount < 1) {
      throw new InvalidOptionsError('neighbors', `must be a positive integer, got ${options.neighbors}`);
    }
    this.cohesion = options.linkageCohesion ?? DEFAULT_LINKAGE_COHESION;
    if (typeof this.cohesion !== 'number' || !(this.cohesion >= 0 && this.cohesion <= 1)) {
      throw new InvalidOptionsError('linkageCohesion', `must be a number from 0 to 1, got ${String(options.linkageCohesion)}`);
    }
    this.batchSize = options.batchSize ?? 64;
    if (!Number.isInteger(this.batchSize) || this.batchSize < 1) {
      throw new InvalidOptionsError('batchSize', `must be a positive integer, got ${options.batchSize}`);
    }
    const calibrateLanguages = options.calibrateLanguages ?? true;
    this.calibrationOptions = calibrateLanguages === false ? undefined : calibrateLanguages === true ? {} : calibrateLanguages;
    this.collectionWeighting = options.collectionWeighting !== false;
    this.indexKind = options.index ?? 'auto';
    if (!['auto', 'exact', 'hnsw'].includes(this.indexKind)) {
      throw new InvalidOptionsError('index', `must be 'auto', 'exact' or 'hnsw', got '${String(this.indexKind)}'`);
    }
    if (options.archiveDir !== undefined && (typeof options.archiveDir !== 'string' || options.archiveDir === '')) {
      throw new InvalidOptionsError('archiveDir', 'must be a folder path');
    }
    this.archiveDir = options.archiveDir;
    const maxTextChars = options.maxTextChars ?? MAX_TEXT_CHARS;
    if (!Number.isSafeInteger(maxTextChars) || maxTextChars < 1) {
      throw new InvalidOptionsError('maxTextChars', `must be a positive integer, got ${String(options.maxTextChars)}`);
    }
    this.normalizeOptions = { maxTextChars };
    if (options.now !== undefined && typeof options.now !== 'function') {
      throw new InvalidOptionsError('now', 'must be a function returning epoch milliseconds');
    }
    this.now = options.now ?? Date.now;
    this.archive = this.archiveDir ? new FileStoryArchive(this.archiveDir) : new MemoryStoryArchive();
    this.index = createAnnIndex(this.indexKind === 'hnsw' ? 'hnsw' : 'exact', embedder.dimension);
    this.space = new ComparisonSpace(embedder.dimension, { weighting: this.collectionWeighting, calibration: this.calibrationOptions });
    this.stories = new LiveStories({ threshold: this.threshold, timeWindowMs: this.windowMs, cohesion: this.cohesion }, (i) => this.articles[i]!.id);
  }

  /** Creates a detector; loads the built-in embedder when none is given. */
  static async create(options: StoryDetectorOptions = {}): Promise<StoryDetector> {
    const embedder = options.embedder ?? (await defaultEmbedder());
    return new StoryDetector(embedder, options);
  }

  /** Average (calibrated) similarity at which articles join one story. */
  get similarityThreshold(): number {
    return this.threshold;
  }

  /** How stories are compared when merging: 0 average linkage .. 1 centroid cosine (see the option). */
  get linkageCohesion(): number {
    return this.cohesion;
  }

  /** Largest time span of one story, in ms (Infinity: none). */
  get timeWindowMs(): number {
    return this.windowMs;
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
    const saved = state.options;
    const archiveDir = options.archiveDir ?? (state.archive && 'dir' in state.archive ? state.archive.dir : undefined);
    const detector = new StoryDetector(embedder, {
      similarityThreshold: saved.similarityThreshold,
      timeWindowDays: saved.timeWindowDays ?? Infinity,
      activeWindowDays: saved.activeWindowDays ?? Infinity,
      neighbors: saved.neighbors,
      // Bundles written before the option existed were clustered by plain average linkage.
      linkageCohesion: saved.linkageCohesion ?? 0,
      batchSize: saved.batchSize,
      ...(saved.maxTextChars !== undefined ? { maxTextChars: saved.maxTextChars } : {}),
      calibrateLanguages: saved.calibrateLanguages,
      collectionWeighting: saved.collectionWeighting,
      index: saved.index,
      ...(archiveDir ? { archiveDir } : {}),
      ...(options.now ? { now: options.now } : {}),
    });
    detector.restore(state);
    return detector;
  }

  // What save() writes; taken inside the queue after a compaction, so positions are dense.
  private state(): DetectorState {
    const storyFirst = this.articles.map((_, i) => this.stories.firstOf(i));
    return {
      embedder: { id: this.embedder.id, dimension: this.embedder.dimension },
      options: {
        similarityThreshold: this.threshold,
        timeWindowDays: Number.isFinite(this.windowMs) ? this.windowMs / DAY_MS : null,
        activeWindowDays: Number.isFinite(this.activeWindowMs) ? this.activeWindowMs / DAY_MS : null,
        neighbors: this.neighborCount,
        linkageCohesion: this.cohesion,
        batchSize: this.batchSize,
        maxTextChars: this.normalizeOptions.maxTextChars,
        calibrateLanguages: this.calibrationOptions ?? false,
        collectionWeighting: this.collectionWeighting,
        index: this.indexKind,
      },
      articles: this.articles as NormalizedArticle[],
      vectors: this.vectors as Float32Array[],
      neighborLists: this.neighborLists,
      index: this.index,
      stories: { storyFirst, clock: Number.isFinite(this.clock) ? this.clock : null },
      archive: this.archive instanceof FileStoryArchive ? { dir: this.archiveDir! } : { stories: this.archive.all() },
    };
  }

  // Fills a fresh detector from a loaded (already validated) state.
  private restore(state: DetectorState): void {
    this.index = state.index;
    state.articles.forEach((article, i) => {
      this.positionOf.set(article.id, i);
      this.articles.push(article);
      this.vectors.push(state.vectors[i]!);
      this.space.add(i, state.vectors[i]!, article.lang);
      this.neighborLists.push(state.neighborLists[i]!);
      if (article.publishedAt !== undefined) this.clock = Math.max(this.clock, article.publishedAt);
    });
    if (state.stories?.clock != null) this.clock = Math.max(this.clock, state.stories.clock);
    if (state.archive && 'stories' in state.archive && !this.archiveDir) this.archive = new MemoryStoryArchive(state.archive.stories);
    this.space.refresh(this.vectors, (i) => this.articles[i]?.lang);
    if (state.stories) {
      this.stories.restore(state.stories.storyFirst, this.timeOf, this.linkageSpace());
    } else {
      // A version 1 bundle holds no stories: cluster what it holds, as one batch.
      this.stories.setSpace(this.linkageSpace());
      this.stories.add(this.articles.length, this.timeOf, this.neighborsOf);
    }
  }

  /** Number of articles in the active window (archived ones not counted). */
  get size(): number {
    return this.positionOf.size - this.pendingCount;
  }

  /** True when the article is in the active window. */
  has(id: string): boolean {
    return this.visiblePosition(id) !== undefined;
  }

  // Articles of an add() in progress are indexed batch by batch but get their stories when
  // the call ends; until then readers (size, has, clusters, similarity) do not see them.
  private get pendingCount(): number {
    return this.articles.length - this.stories.count;
  }

  private visiblePosition(id: string): number | undefined {
    const position = this.positionOf.get(id);
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
        const normalized = normalizeArticles(articles, this.positionOf, this.normalizeOptions);
        for (let start = 0; start < normalized.length; start += this.batchSize) {
          throwIfAborted(options.signal);
          await this.addBatch(normalized.slice(start, start + this.batchSize), options.signal);
          for (let i = start; i < Math.min(normalized.length, start + this.batchSize); i++) added.push(normalized[i]!.id);
          options.onProgress?.(progressOf('embed', added.length, normalized.length));
        }
      } else {
        let batch: unknown[] = [];
        const flush = async () => {
          const normalized = normalizeArticles(batch, this.positionOf, this.normalizeOptions);
          batch = [];
          await this.addBatch(normalized, options.signal);
          for (const article of normalized) added.push(article.id);
          changes.push(...this.updateStories());
          options.onProgress?.(progressOf('embed', added.length, 0));
        };
        for await (const article of articles as AsyncIterable<Article>) {
          throwIfAborted(options.signal);
          batch.push(article);
          if (batch.length >= this.batchSize) await flush();
        }
        if (batch.length > 0) await flush();
      }
    } finally {
      // Whatever was indexed before a failure or abort still gets its story.
      changes.push(...this.updateStories());
    }
    return { added, changes };
  }

  private async addBatch(batch: NormalizedArticle[], signal: AbortSignal | undefined): Promise<void> {
    if (batch.length === 0) return;
    for (const article of batch) fillLanguage(article);
    const vectors = await this.embedder.embed(batch.map(embedInputOf), signal ? { signal } : {});
    vectors.forEach((vector, i) => this.checkVector(vector, batch[i]!.id));
    throwIfAborted(signal);
    // Nothing below awaits, so a batch is indexed whole or not at all.
    const first = this.articles.length;
    this.maybeSwitchToHnsw(this.positionOf.size + batch.length);
    this.index.addMany(batch.map((article, i) => ({ id: article.id, vector: vectors[i]! })));
    batch.forEach((article, i) => {
      this.positionOf.set(article.id, first + i);
      this.articles.push(article);
      this.vectors.push(vectors[i]!);
      this.space.add(first + i, vectors[i]!, article.lang);
      this.neighborLists.push([]);
    });
    for (let i = first; i < this.articles.length; i++) {
      const found = this.index.search(this.vectors[i]!, this.neighborCount + 1);
      const list: CandidateEdge[] = [];
      for (const neighbor of found) {
        const position = this.positionOf.get(neighbor.id);
        if (position === undefined || position === i) continue;
        list.push({ index: position, similarity: neighbor.similarity });
      }
      this.neighborLists[i] = list.slice(0, this.neighborCount);
    }
  }

  /** Clusters positions indexed since the last call into the stories, then evicts. */
  private updateStories(): StoryChange[] {
    const fresh = this.articles.length - this.stories.count;
    if (fresh === 0) return [];
    this.storyCache = undefined;
    if (this.space.stale) {
      this.space.refresh(this.vectors, (i) => this.articles[i]?.lang);
      this.stories.setSpace(this.linkageSpace());
      this.described.clear();
    }
    const first = this.stories.count;
    const changes = this.stories.add(fresh, this.timeOf, this.neighborsOf);
    for (const change of changes) {
      this.described.delete(change.storyId);
      if (change.type === 'merged') this.described.delete(change.mergedStoryId);
    }
    const latestTrusted = this.now() + FUTURE_TOLERANCE_MS;
    for (let i = first; i < this.articles.length; i++) {
      const t = this.articles[i]!.publishedAt;
      if (t !== undefined && t > this.clock) this.clock = Math.min(t, latestTrusted);
    }
    changes.push(...this.evict(first));
    return changes;
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
      archived.push(describeStory(members, this.articles as NormalizedArticle[], this.space.vectors as Float32Array[]));
      for (const m of members) {
        const article = this.articles[m]!;
        this.index.delete(article.id);
        this.positionOf.delete(article.id);
        this.space.remove(m, this.vectors[m]!);
        this.articles[m] = undefined;
        this.vectors[m] = undefined;
        this.neighborLists[m] = [];
        this.removedCount++;
      }
      this.stories.remove(root);
    }
    if (archived.length === 0) return [];
    this.archive.add(archived);
    for (const story of archived) this.described.delete(story.id);
    this.storyCache = undefined;
    if (this.removedCount >= MIN_REMOVED_TO_COMPACT && this.removedCount > this.positionOf.size) this.compact();
    return archived.map((story) => ({ type: 'archived', storyId: story.id, articleIds: story.articleIds }));
  }

  // Renumbers positions so evicted ones take no memory; order of arrival is kept.
  private compact(): void {
    if (this.removedCount === 0) return;
    const count = this.articles.length;
    const newIndexOf = new Int32Array(count).fill(-1);
    let next = 0;
    for (let i = 0; i < count; i++) if (this.articles[i]) newIndexOf[i] = next++;
    const keep = <T>(list: T[]): T[] => list.filter((_, i) => newIndexOf[i]! >= 0);
    this.articles = keep(this.articles);
    this.vectors = keep(this.vectors);
    this.neighborLists = keep(this.neighborLists).map((list) =>
      list.filter((edge) => newIndexOf[edge.index]! >= 0).map((edge) => ({ index: newIndexOf[edge.index]!, similarity: edge.similarity })),
    );
    this.articles.forEach((article, i) => this.positionOf.set(article!.id, i));
    this.space.compact(newIndexOf, next);
    this.stories.compact(newIndexOf, next);
    this.removedCount = 0;
    this.storyCache = undefined;
  }

  private readonly timeOf = (i: number): number | undefined => this.articles[i]?.publishedAt;

  // Candidate edges re-scored in the comparison space (the index works in embedder space).
  private readonly neighborsOf = (i: number): CandidateEdge[] => {
    const vectors = this.space.vectors;
    const own = vectors[i];
    if (!own) return [];
    const list: CandidateEdge[] = [];
    for (const edge of this.neighborLists[i]!) {
      const other = vectors[edge.index];
      if (!other) continue;
      list.push({ index: edge.index, similarity: own === this.vectors[i] ? edge.similarity : dot(own, other) });
    }
    return list;
  };

  private linkageSpace(): LinkageSpace {
    const calibration = this.space.calibration;
    return { vectors: this.space.vectors, ...(calibration ? { calibration } : {}) };
  }

  private checkVector(vector: Float32Array, id: string): void {
    if (!(vector instanceof Float32Array)) throw new InvalidVectorError(`embedder returned a non-Float32Array for '${id}'`, id);
    if (vector.length !== this.embedder.dimension) {
      throw new DimensionMismatchError(this.embedder.dimension, vector.length, `vector of article '${id}'`);
    }
    for (let d = 0; d < vector.length; d++) {
      if (!Number.isFinite(vector[d]!)) throw new InvalidVectorError(`vector of article '${id}' holds a non-finite value`, id);
    }
  }

  private maybeSwitchToHnsw(expectedSize: number): void {
    if (this.indexKind !== 'auto' || expectedSize <= AUTO_EXACT_MAX_SIZE || this.index.size > AUTO_EXACT_MAX_SIZE) return;
    if (!(this.index instanceof ExactIndex)) return;
    const hnsw = createAnnIndex('hnsw', this.embedder.dimension, { maxElements: Math.max(2 * expectedSize, 1024) });
    hnsw.addMany(this.articles.flatMap((article, i) => (article ? [{ id: article.id, vector: this.vectors[i]! }] : [])));
    this.index = hnsw;
  }

  /**
   * Clusters the active articles again from the stored vectors and neighbour graph, with a
   * new threshold or time window; nothing is re-embedded. Archived stories stay as they
   * are. Returns what changed; later adds use the new settings.
   */
  recluster(options: ReclusterOptions = {}): Promise<StoryChange[]> {
    return this.enqueue(() => {
      throwIfAborted(options.signal);
      const threshold = checkThreshold(options.similarityThreshold ?? this.threshold);
      const windowMs =
        options.timeWindowDays === undefined ? this.windowMs : checkDays('timeWindowDays', options.timeWindowDays) * DAY_MS;
      if (this.space.stale) this.space.refresh(this.vectors, (i) => this.articles[i]?.lang);
      this.described.clear();
      const changes = this.stories.recluster({ threshold, timeWindowMs: windowMs, cohesion: this.cohesion }, this.linkageSpace(), this.timeOf, this.neighborsOf);
      this.threshold = threshold;
      this.windowMs = windowMs;
      this.storyCache = undefined;
      return changes;
    });
  }

  private activeStories(): { list: StoryCluster[]; byRoot: Map<number, StoryCluster> } {
    if (this.storyCache) return this.storyCache;
    const vectors = this.space.vectors as Float32Array[];
    const articles = this.articles as NormalizedArticle[];
    const groups = this.stories.groups();
    const byRoot = new Map<number, StoryCluster>();
    const list = groups.map((group) => {
      const id = storyIdFor(articles[group[0]!]!.id);
      let story = this.described.get(id);
      if (!story) {
        story = describeStory(group, articles, vectors);
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

  /** Similarity of two active articles in the comparison space (uncalibrated). */
  similarity(idA: string, idB: string): number {
    const vectors = this.space.vectors;
    return dot(vectors[this.requirePosition(idA)]!, vectors[this.requirePosition(idB)]!);
  }

  /** Why two active articles are (or are not) similar. */
  async explain(idA: string, idB: string): Promise<MatchExplanation> {
    const a = this.articles[this.requirePosition(idA)]!;
    const b = this.articles[this.requirePosition(idB)]!;
    return explainPair(this.embedder, a, b, this.similarity(idA, idB));
  }

  /**
   * The active stories nearest to an article that is not added, best first, each with the
   * average similarity to its members and an explanation against the closest member.
   */
  async match(input: Article, options: MatchOptions = {}): Promise<StoryMatch[]> {
    options ??= {};
    const article = normalizeArticle(input, this.normalizeOptions);
    fillLanguage(article);
    const signal = options.signal;
    const [vector] = await this.embedder.embed([embedInputOf(article)], signal ? { signal } : {});
    this.checkVector(vector!, article.id);
    await this.queue;
    throwIfAborted(signal);
    if (this.size === 0) return [];
    const { byRoot } = this.activeStories();
    const candidates = this.index.search(vector!, this.neighborCount);
    const vectors = this.space.vectors;
    const query = this.space.project(vector!);
    const seen = new Set<number>();
    const matches: StoryMatch[] = [];
    for (const neighbor of candidates) {
      const position = this.positionOf.get(neighbor.id);
      if (position === undefined) continue;
      const root = this.stories.rootOf(position);
      if (seen.has(root)) continue;
      seen.add(root);
      const story = byRoot.get(root)!;
      let total = 0;
      let closest = neighbor.id;
      let closestSimilarity = -Infinity;
      for (const id of story.articleIds) {
        const memberPosition = this.positionOf.get(id)!;
        const sim = this.space.calibratedTo(article.lang, memberPosition, dot(query, vectors[memberPosition]!));
        total += sim;
        if (sim > closestSimilarity) {
          closestSimilarity = sim;
          closest = id;
        }
      }
      const similarity = total / story.articleIds.length;
      matches.push({ story, similarity, sameStory: similarity >= this.threshold, closestArticleId: closest });
    }
    matches.sort((a, b) => b.similarity - a.similarity);
    const top = matches.slice(0, options.limit ?? 5);
    if (options.explain ?? true) {
      // Taken before the first await: an add() running meanwhile may evict or renumber.
      const closest = top.map((match) => {
        const position = this.positionOf.get(match.closestArticleId)!;
        return { article: this.articles[position]!, similarity: dot(query, vectors[position]!) };
      });
      for (let k = 0; k < top.length; k++) {
        throwIfAborted(signal);
        top[k]!.explanation = await explainPair(this.embedder, article, closest[k]!.article, closest[k]!.similarity);
      }
    }
    return top;
  }

  /** The stored (validated, cleaned) article, while it is in the active window. */
  article(id: string): NormalizedArticle {
    return this.articles[this.requirePosition(id)]!;
  }

  private requirePosition(id: string): number {
    const position = this.visiblePosition(id);
    if (position === undefined) throw new NotFoundError(id);
    return position;
  }
}

function checkThreshold(threshold: number): number {
  if (typeof threshold !== 'number' || !Number.isFinite(threshold) || threshold < -1 || threshold > 1) {
    throw new InvalidOptionsError('similarityThreshold', `must be a number in [-1, 1], got ${threshold}`);
  }
  return threshold;
}

function checkDays(option: string, days: number): number {
  if (typeof days !== 'number' || !(days > 0)) throw new InvalidOptionsError(option, `must be a positive number of days, got ${days}`);
  return days;
}
