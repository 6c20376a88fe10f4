// StoryDetector: the facade that takes articles in, embeds them, indexes their vectors,
// and turns the neighbour graph into story clusters.

import { normalizeArticle, normalizeArticles, type Article, type NormalizedArticle } from './article.js';
import type { AnnIndex } from './ann/ann-index.js';
import { AUTO_EXACT_MAX_SIZE, createAnnIndex, type AnnIndexKindChoice } from './ann/create-ann-index.js';
import { clusterStories, type CandidateEdge } from './cluster/average-linkage.js';
import {
  calibrateGroups,
  estimateLanguageCalibration,
  type LanguageCalibration,
  type LanguageCalibrationOptions,
  type PairStatistics,
} from './cluster/language-calibration.js';
import { CollectionWeighting } from './cluster/collection-weighting.js';
import { describeStory, type StoryCluster } from './cluster/story-cluster.js';
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

/** Largest time span of one story when `timeWindowDays` is not given. */
export const DEFAULT_TIME_WINDOW_DAYS = 2;

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
   * Neighbours looked up per article when building the candidate graph.
   * @default 20
   */
  neighbors?: number;
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
}

export interface AddOptions {
  signal?: AbortSignal;
  onProgress?: ProgressCallback;
}

export interface AddResult {
  /** Ids added by this call, in input order. */
  added: string[];
}

export interface MatchOptions {
  /** Stories returned at most. @default 5 */
  limit?: number;
  /** Also compute explanations (shared features, best sentence pair). @default true */
  explain?: boolean;
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
  readonly similarityThreshold: number;
  readonly timeWindowMs: number;
  private readonly indexKind: AnnIndexKindChoice;
  private readonly neighborCount: number;
  private readonly batchSize: number;
  private readonly calibrationOptions: LanguageCalibrationOptions | undefined;
  private calibration: LanguageCalibration | undefined;
  private calibrationStatistics: PairStatistics[] = [];
  private readonly weighting: CollectionWeighting | undefined;
  private weightedCache: { weights: Float32Array; vectors: Float32Array[] } | undefined;

  private index: AnnIndex;
  private readonly articles: NormalizedArticle[] = [];
  private readonly vectors: Float32Array[] = [];
  private readonly positionOf = new Map<string, number>();
  private readonly neighborLists: CandidateEdge[][] = [];
  private storyCache: StoryCluster[] | undefined;
  private storyOf: Int32Array | undefined;
  // add() calls run one after another: hnswlib is not safe to search while it is written.
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(embedder: Embedder, options: StoryDetectorOptions) {
    this.embedder = embedder;
    const threshold = options.similarityThreshold ?? embedder.sameStoryThreshold ?? 0.5;
    if (!Number.isFinite(threshold) || threshold < -1 || threshold > 1) {
      throw new InvalidOptionsError('similarityThreshold', `must be a number in [-1, 1], got ${threshold}`);
    }
    this.similarityThreshold = threshold;
    const days = options.timeWindowDays ?? DEFAULT_TIME_WINDOW_DAYS;
    if (!(days > 0)) throw new InvalidOptionsError('timeWindowDays', `must be a positive number of days, got ${days}`);
    this.timeWindowMs = days * 86_400_000;
    this.neighborCount = options.neighbors ?? 20;
    if (!Number.isInteger(this.neighborCount) || this.neighborCount < 1) {
      throw new InvalidOptionsError('neighbors', `must be a positive integer, got ${options.neighbors}`);
    }
    this.batchSize = options.batchSize ?? 64;
    if (!Number.isInteger(this.batchSize) || this.batchSize < 1) {
      throw new InvalidOptionsError('batchSize', `must be a positive integer, got ${options.batchSize}`);
    }
    const calibrateLanguages = options.calibrateLanguages ?? true;
    this.calibrationOptions = calibrateLanguages === false ? undefined : calibrateLanguages === true ? {} : calibrateLanguages;
    this.weighting = options.collectionWeighting === false ? undefined : new CollectionWeighting(embedder.dimension);
    this.indexKind = options.index ?? 'auto';
    if (!['auto', 'exact', 'hnsw'].includes(this.indexKind)) {
      throw new InvalidOptionsError('index', `must be 'auto', 'exact' or 'hnsw', got '${String(this.indexKind)}'`);
    }
    this.index = createAnnIndex(this.indexKind === 'hnsw' ? 'hnsw' : 'exact', embedder.dimension);
  }

  /** Creates a detector; loads the built-in embedder when none is given. */
  static async create(options: StoryDetectorOptions = {}): Promise<StoryDetector> {
    const embedder = options.embedder ?? (await defaultEmbedder());
    return new StoryDetector(embedder, options);
  }

  /**
   * Saves the detector into `dir` (created when missing) as a versioned bundle: articles,
   * vectors, neighbour graph, index, options and the embedder's id. Atomic: a crash at any
   * moment leaves the previous save loadable. Waits for add() calls made before it.
   */
  save(dir: string): Promise<void> {
    const run = this.queue.then(() => saveDetectorState(dir, this.state()));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /**
   * Loads a detector saved with `save(dir)`; nothing is re-embedded. Throws BundleError for
   * a missing, corrupt or unsupported bundle, EmbedderMismatchError / DimensionMismatchError
   * when the embedder is not the one it was saved with.
   */
  static async load(dir: string, options: LoadDetectorOptions = {}): Promise<StoryDetector> {
    const { state, embedder } = await loadDetectorState(dir, options);
    const saved = state.options;
    const detector = new StoryDetector(embedder, {
      similarityThreshold: saved.similarityThreshold,
      timeWindowDays: saved.timeWindowDays ?? Infinity,
      neighbors: saved.neighbors,
      batchSize: saved.batchSize,
      calibrateLanguages: saved.calibrateLanguages,
      collectionWeighting: saved.collectionWeighting,
      index: saved.index,
    });
    detector.restore(state);
    return detector;
  }

  // What save() writes; taken inside the queue, so no add() is half done.
  private state(): DetectorState {
    return {
      embedder: { id: this.embedder.id, dimension: this.embedder.dimension },
      options: {
        similarityThreshold: this.similarityThreshold,
        timeWindowDays: Number.isFinite(this.timeWindowMs) ? this.timeWindowMs / 86_400_000 : null,
        neighbors: this.neighborCount,
        batchSize: this.batchSize,
        calibrateLanguages: this.calibrationOptions ?? false,
        collectionWeighting: this.weighting !== undefined,
        index: this.indexKind,
      },
      articles: this.articles,
      vectors: this.vectors,
      neighborLists: this.neighborLists,
      index: this.index,
    };
  }

  // Fills a fresh detector from a loaded (already validated) state.
  private restore(state: DetectorState): void {
    this.index = state.index;
    state.articles.forEach((article, i) => {
      this.positionOf.set(article.id, i);
      this.articles.push(article);
      this.vectors.push(state.vectors[i]!);
      this.weighting?.add(state.vectors[i]!);
      this.neighborLists.push(state.neighborLists[i]!);
    });
  }

  /** Number of articles held. */
  get size(): number {
    return this.articles.length;
  }

  has(id: string): boolean {
    return this.positionOf.has(id);
  }

  /**
   * Embeds and indexes articles. An array is validated whole before anything is added
   * (a bad article adds nothing); a stream is taken batch by batch, and batches before a
   * bad one stay added.
   */
  add(articles: Iterable<Article> | AsyncIterable<Article>, options: AddOptions = {}): Promise<AddResult> {
    const run = this.queue.then(() => this.addNow(articles, options));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async addNow(articles: Iterable<Article> | AsyncIterable<Article>, options: AddOptions): Promise<AddResult> {
    const added: string[] = [];
    if (Array.isArray(articles)) {
      const normalized = normalizeArticles(articles, this.positionOf);
      for (let start = 0; start < normalized.length; start += this.batchSize) {
        throwIfAborted(options.signal);
        await this.addBatch(normalized.slice(start, start + this.batchSize), options.signal);
        for (let i = start; i < Math.min(normalized.length, start + this.batchSize); i++) added.push(normalized[i]!.id);
        options.onProgress?.(progressOf('embed', added.length, normalized.length));
      }
      return { added };
    }
    let batch: unknown[] = [];
    const flush = async () => {
      const normalized = normalizeArticles(batch, this.positionOf);
      batch = [];
      await this.addBatch(normalized, options.signal);
      for (const article of normalized) added.push(article.id);
      options.onProgress?.(progressOf('embed', added.length, 0));
    };
    for await (const article of articles as AsyncIterable<Article>) {
      throwIfAborted(options.signal);
      batch.push(article);
      if (batch.length >= this.batchSize) await flush();
    }
    if (batch.length > 0) await flush();
    return { added };
  }

  private async addBatch(batch: NormalizedArticle[], signal: AbortSignal | undefined): Promise<void> {
    if (batch.length === 0) return;
    for (const article of batch) fillLanguage(article);
    const vectors = await this.embedder.embed(batch.map(embedInputOf), signal ? { signal } : {});
    vectors.forEach((vector, i) => this.checkVector(vector, batch[i]!.id));
    throwIfAborted(signal);
    // Nothing below awaits, so a batch is indexed whole or not at all.
    const first = this.articles.length;
    this.maybeSwitchToHnsw(first + batch.length);
    this.index.addMany(batch.map((article, i) => ({ id: article.id, vector: vectors[i]! })));
    batch.forEach((article, i) => {
      this.positionOf.set(article.id, first + i);
      this.articles.push(article);
      this.vectors.push(vectors[i]!);
      this.weighting?.add(vectors[i]!);
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
    this.storyCache = undefined;
    this.storyOf = undefined;
    this.weightedCache = undefined;
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
    const hnsw = createAnnIndex('hnsw', this.embedder.dimension, { maxElements: Math.max(2 * expectedSize, 1024) });
    hnsw.addMany(this.articles.map((article, i) => ({ id: article.id, vector: this.vectors[i]! })));
    this.index = hnsw;
  }

  /**
   * The vectors articles are compared with: collection-weighted when that is on and the
   * vectors are sparse, else the embedder's own. Cached until the next add.
   */
  private comparisonSpace(): { weights: Float32Array | undefined; vectors: Float32Array[] } {
    if (!this.weighting?.active) return { weights: undefined, vectors: this.vectors };
    if (!this.weightedCache) {
      const weights = this.weighting.weights();
      this.weightedCache = { weights, vectors: this.vectors.map((v) => CollectionWeighting.apply(v, weights)) };
    }
    return this.weightedCache;
  }

  /** The stories found so far, largest first. Recomputed only after new articles arrive. */
  clusters(): StoryCluster[] {
    if (this.storyCache) return this.storyCache;
    const { vectors, weights } = this.comparisonSpace();
    const estimate = this.calibrationOptions
      ? estimateLanguageCalibration(vectors, (i) => this.articles[i]!.lang, this.calibrationOptions)
      : undefined;
    this.calibration = estimate?.calibration;
    this.calibrationStatistics = estimate?.statistics ?? [];
    const groups = clusterStories(
      {
        count: this.articles.length,
        // Candidates come from the index (embedder space); their similarity is re-scored in
        // the comparison space.
        neighbors: weights
          ? (i) => this.neighborLists[i]!.map((edge) => ({ index: edge.index, similarity: dot(vectors[i]!, vectors[edge.index]!) }))
          : (i) => this.neighborLists[i]!,
        vectors,
        time: (i) => this.articles[i]!.publishedAt,
        ...(this.calibration ? { calibration: this.calibration } : {}),
      },
      { threshold: this.similarityThreshold, timeWindowMs: this.timeWindowMs },
    );
    const stories = groups.map((group) => describeStory(group, this.articles, vectors));
    const order = stories.map((_, i) => i).sort((a, b) => stories[b]!.articleIds.length - stories[a]!.articleIds.length || groups[a]![0]! - groups[b]![0]!);
    this.storyCache = order.map((i) => stories[i]!);
    this.storyOf = new Int32Array(this.articles.length);
    this.storyCache.forEach((story, s) => {
      for (const id of story.articleIds) this.storyOf![this.positionOf.get(id)!] = s;
    });
    return this.storyCache;
  }

  /**
   * Similarity statistics of random article pairs per language pair, as used for the
   * language calibration of the current stories (empty when too few languages are frequent
   * enough, or calibration is off).
   */
  languageStatistics(): PairStatistics[] {
    this.clusters();
    return this.calibrationStatistics;
  }

  /** The story an article belongs to. */
  storyOfArticle(id: string): StoryCluster {
    const position = this.requirePosition(id);
    const stories = this.clusters();
    return stories[this.storyOf![position]!]!;
  }

  /** Cosine similarity of two added articles. */
  similarity(idA: string, idB: string): number {
    const { vectors } = this.comparisonSpace();
    return dot(vectors[this.requirePosition(idA)]!, vectors[this.requirePosition(idB)]!);
  }

  /** Why two added articles are (or are not) similar. */
  async explain(idA: string, idB: string): Promise<MatchExplanation> {
    const a = this.articles[this.requirePosition(idA)]!;
    const b = this.articles[this.requirePosition(idB)]!;
    return explainPair(this.embedder, a, b, this.similarity(idA, idB));
  }

  /**
   * The stories nearest to an article that is not added, best first, each with the average
   * similarity to its members and an explanation against the closest member.
   */
  async match(input: Article, options: MatchOptions = {}): Promise<StoryMatch[]> {
    const article = normalizeArticle(input);
    fillLanguage(article);
    const [vector] = await this.embedder.embed([embedInputOf(article)]);
    this.checkVector(vector!, article.id);
    await this.queue;
    if (this.articles.length === 0) return [];
    const stories = this.clusters();
    const candidates = this.index.search(vector!, this.neighborCount);
    const space = this.comparisonSpace();
    const query = space.weights ? CollectionWeighting.apply(vector!, space.weights) : vector!;
    const seen = new Set<number>();
    const matches: StoryMatch[] = [];
    for (const neighbor of candidates) {
      const position = this.positionOf.get(neighbor.id);
      if (position === undefined) continue;
      const s = this.storyOf![position]!;
      if (seen.has(s)) continue;
      seen.add(s);
      const story = stories[s]!;
      let total = 0;
      let closest = neighbor.id;
      let closestSimilarity = -Infinity;
      for (const id of story.articleIds) {
        const memberPosition = this.positionOf.get(id)!;
        const sim = this.calibratedTo(article.lang, memberPosition, dot(query, space.vectors[memberPosition]!));
        total += sim;
        if (sim > closestSimilarity) {
          closestSimilarity = sim;
          closest = id;
        }
      }
      const similarity = total / story.articleIds.length;
      matches.push({ story, similarity, sameStory: similarity >= this.similarityThreshold, closestArticleId: closest });
    }
    matches.sort((a, b) => b.similarity - a.similarity);
    const top = matches.slice(0, options.limit ?? 5);
    if (options.explain ?? true) {
      for (const match of top) {
        const other = this.articles[this.positionOf.get(match.closestArticleId)!]!;
        match.explanation = await explainPair(this.embedder, article, other, dot(query, space.vectors[this.positionOf.get(other.id)!]!));
      }
    }
    return top;
  }

  /** A new article's similarity to an added one, on the calibrated scale the threshold uses. */
  private calibratedTo(lang: string | undefined, position: number, raw: number): number {
    const calibration = this.calibration;
    if (!calibration || !lang) return raw;
    return calibrateGroups(calibration, calibration.languages.indexOf(lang), calibration.groupOf[position]!, raw);
  }

  /** The stored (validated, cleaned) article. */
  article(id: string): NormalizedArticle {
    return this.articles[this.requirePosition(id)]!;
  }

  private requirePosition(id: string): number {
    const position = this.positionOf.get(id);
    if (position === undefined) throw new NotFoundError(id);
    return position;
  }
}

