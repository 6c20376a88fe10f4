// The detector's settings in one place: what each option means and defaults to, how it is
// checked, and how it is written to and read back from a saved bundle. The detector, its
// load and the bundle reader all call this module instead of repeating the rules.

import { MAX_TEXT_CHARS } from './article.js';
import type { LanguageCalibrationOptions } from './cluster/language-calibration.js';
import type { Embedder } from './embed/embedder.js';
import { InvalidOptionsError } from './errors.js';

/** Largest time span of one story when `timeWindowDays` is not given. */
export const DEFAULT_TIME_WINDOW_DAYS = 2;
/** How long a story stays in the active index after its newest article, when `activeWindowDays` is not given. */
export const DEFAULT_ACTIVE_WINDOW_DAYS = 7;
/** `linkageCohesion` when not given (see the option). */
export const DEFAULT_LINKAGE_COHESION = 0.5;
/** `neighbors` when not given (see the option). */
export const DEFAULT_NEIGHBORS = 10;
/** `batchSize` when not given. */
export const DEFAULT_BATCH_SIZE = 64;

export const DAY_MS = 86_400_000;
/**
 * Largest dimension for which a sparse embedder's vectors may go into a dense index ('exact',
 * 'hnsw'), which stores every dimension: at 16,384 that is 64 KiB per article already.
 */
export const MAX_DENSE_DIMENSION_FOR_SPARSE = 16_384;

/** The index a detector may be told to use. */
export type DetectorIndexChoice = 'auto' | 'sparse' | 'exact' | 'hnsw';
const INDEX_CHOICES: readonly DetectorIndexChoice[] = ['auto', 'sparse', 'exact', 'hnsw'];

export interface StoryDetectorOptions {
  /**
   * The embedding space. Any `Embedder`; the built-in lexical embedder needs no download.
   * @default the built-in LexicalEmbedder
   */
  embedder?: Embedder;
  /**
   * Nearest-neighbour index: 'sparse' (inverted lists over the non-zeros of sparse vectors:
   * exact answers, fast at any size for the built-in embedder), 'exact' (brute force over
   * dense vectors: exact, fine for a few thousand articles), 'hnsw' (hnswlib-node,
   * approximate, scales dense model vectors to millions) or 'auto': 'sparse' for an
   * embedder whose `vectorKind` is 'sparse'; for dense ones 'exact', switching to HNSW once
   * the collection passes AUTO_EXACT_MAX_SIZE articles. HNSW over the built-in embedder's
   * sparse vectors is slower and, on very short texts, silently wrong (see README).
   * @default 'auto'
   */
  index?: DetectorIndexChoice;
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
   * half the collection shares stop making unrelated stories look alike. A small collection
   * is weighted mostly by a prior of 20 pseudo-articles (the embedder's own weights), so a
   * handful of articles clusters as it would inside a large batch. Only sparse vectors (the
   * built-in embedder's) change; dense model vectors are left as they are.
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

/**
 * Every option checked and defaulted (the embedder's threshold filled in). `recluster()`
 * changes the threshold and time window in place; everything else is fixed.
 */
export interface DetectorSettings {
  similarityThreshold: number;
  /** ms; Infinity: no limit. */
  timeWindowMs: number;
  /** ms; Infinity: nothing is archived. */
  activeWindowMs: number;
  index: DetectorIndexChoice;
  neighbors: number;
  linkageCohesion: number;
  batchSize: number;
  /** undefined: calibration off. */
  calibration: LanguageCalibrationOptions | undefined;
  collectionWeighting: boolean;
  archiveDir: string | undefined;
  maxTextChars: number;
  now: () => number;
}

/** Checks and defaults the options a detector is created with. Throws InvalidOptionsError. */
export function resolveDetectorOptions(options: StoryDetectorOptions, embedder: Embedder): DetectorSettings {
  const neighbors = options.neighbors ?? DEFAULT_NEIGHBORS;
  if (!Number.isInteger(neighbors) || neighbors < 1) {
    throw new InvalidOptionsError('neighbors', `must be a positive integer, got ${options.neighbors}`);
  }
  const cohesion = options.linkageCohesion ?? DEFAULT_LINKAGE_COHESION;
  if (typeof cohesion !== 'number' || !(cohesion >= 0 && cohesion <= 1)) {
    throw new InvalidOptionsError('linkageCohesion', `must be a number from 0 to 1, got ${String(options.linkageCohesion)}`);
  }
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new InvalidOptionsError('batchSize', `must be a positive integer, got ${options.batchSize}`);
  }
  const calibrateLanguages = options.calibrateLanguages ?? true;
  const index = options.index ?? 'auto';
  if (!INDEX_CHOICES.includes(index)) {
    throw new InvalidOptionsError('index', `must be one of ${INDEX_CHOICES.map((c) => `'${c}'`).join(', ')}, got '${String(index)}'`);
  }
  if ((index === 'exact' || index === 'hnsw') && embedder.vectorKind === 'sparse' && embedder.dimension > MAX_DENSE_DIMENSION_FOR_SPARSE) {
    throw new InvalidOptionsError(
      'index',
      `'${index}' stores every vector dense, ${embedder.dimension} floats (${Math.round((embedder.dimension * 4) / 1024)} KiB) per article for ` +
        `this sparse embedder; use 'sparse' (the default for it: exact and faster), or an embedder of at most ${MAX_DENSE_DIMENSION_FOR_SPARSE} dimensions`,
    );
  }
  if (options.archiveDir !== undefined && (typeof options.archiveDir !== 'string' || options.archiveDir === '')) {
    throw new InvalidOptionsError('archiveDir', 'must be a folder path');
  }
  const maxTextChars = options.maxTextChars ?? MAX_TEXT_CHARS;
  if (!Number.isSafeInteger(maxTextChars) || maxTextChars < 1) {
    throw new InvalidOptionsError('maxTextChars', `must be a positive integer, got ${String(options.maxTextChars)}`);
  }
  if (options.now !== undefined && typeof options.now !== 'function') {
    throw new InvalidOptionsError('now', 'must be a function returning epoch milliseconds');
  }
  return {
    similarityThreshold: checkThreshold(options.similarityThreshold ?? embedder.sameStoryThreshold ?? 0.5),
    timeWindowMs: checkDays('timeWindowDays', options.timeWindowDays ?? DEFAULT_TIME_WINDOW_DAYS) * DAY_MS,
    activeWindowMs: checkDays('activeWindowDays', options.activeWindowDays ?? DEFAULT_ACTIVE_WINDOW_DAYS) * DAY_MS,
    index,
    neighbors,
    linkageCohesion: cohesion,
    batchSize,
    calibration: calibrateLanguages === false ? undefined : calibrateLanguages === true ? {} : calibrateLanguages,
    collectionWeighting: options.collectionWeighting !== false,
    archiveDir: options.archiveDir,
    maxTextChars,
    now: options.now ?? Date.now,
  };
}

/** Throws InvalidOptionsError unless `threshold` is a number in [-1, 1]. */
export function checkThreshold(threshold: number): number {
  if (typeof threshold !== 'number' || !Number.isFinite(threshold) || threshold < -1 || threshold > 1) {
    throw new InvalidOptionsError('similarityThreshold', `must be a number in [-1, 1], got ${threshold}`);
  }
  return threshold;
}

/** Throws InvalidOptionsError unless `days` is positive (Infinity allowed). */
export function checkDays(option: string, days: number): number {
  if (typeof days !== 'number' || !(days > 0)) throw new InvalidOptionsError(option, `must be a positive number of days, got ${days}`);
  return days;
}

/** The detector settings a bundle records, so a loaded detector clusters the same way. */
export interface SavedDetectorOptions {
  similarityThreshold: number;
  /** null stands for Infinity (no time window), which JSON cannot hold. */
  timeWindowDays: number | null;
  /** null stands for Infinity (no eviction); absent in version 1 bundles. */
  activeWindowDays?: number | null;
  neighbors: number;
  /** Absent in bundles written before the option existed (they were clustered with 0). */
  linkageCohesion?: number;
  batchSize: number;
  /** Absent in bundles written before the option existed (the default applies). */
  maxTextChars?: number;
  calibrateLanguages: false | LanguageCalibrationOptions;
  collectionWeighting: boolean;
  index: DetectorIndexChoice;
}

/** What a bundle records of `settings`. */
export function savedOptionsOf(settings: DetectorSettings): SavedDetectorOptions {
  return {
    similarityThreshold: settings.similarityThreshold,
    timeWindowDays: Number.isFinite(settings.timeWindowMs) ? settings.timeWindowMs / DAY_MS : null,
    activeWindowDays: Number.isFinite(settings.activeWindowMs) ? settings.activeWindowMs / DAY_MS : null,
    neighbors: settings.neighbors,
    linkageCohesion: settings.linkageCohesion,
    batchSize: settings.batchSize,
    maxTextChars: settings.maxTextChars,
    calibrateLanguages: settings.calibration ?? false,
    collectionWeighting: settings.collectionWeighting,
    index: settings.index,
  };
}

/**
 * The options that recreate a saved detector. Fields older bundles lack take the values
 * those bundles were made with, not today's defaults.
 */
export function optionsFromSaved(saved: SavedDetectorOptions): StoryDetectorOptions {
  return {
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
  };
}

/** Checks the options of a bundle's manifest; `fail` throws the reader's error. */
export function checkSavedOptions(raw: unknown, fail: (message: string) => never): asserts raw is SavedDetectorOptions {
  if (!isObject(raw)) return fail('options must be an object');
  const threshold = raw.similarityThreshold;
  if (typeof threshold !== 'number' || !(threshold >= -1 && threshold <= 1)) fail('options.similarityThreshold must be in [-1, 1]');
  const days = raw.timeWindowDays;
  if (days !== null && !(typeof days === 'number' && days > 0 && Number.isFinite(days))) {
    fail('options.timeWindowDays must be a positive number or null');
  }
  const active = raw.activeWindowDays;
  if (active !== undefined && active !== null && !(typeof active === 'number' && active > 0 && Number.isFinite(active))) {
    fail('options.activeWindowDays must be a positive number or null');
  }
  if (raw.maxTextChars !== undefined && (!isCount(raw.maxTextChars) || raw.maxTextChars < 1)) {
    fail('options.maxTextChars must be a positive integer');
  }
  const cohesion = raw.linkageCohesion;
  if (cohesion !== undefined && !(typeof cohesion === 'number' && cohesion >= 0 && cohesion <= 1)) {
    fail('options.linkageCohesion must be a number from 0 to 1');
  }
  for (const key of ['neighbors', 'batchSize'] as const) {
    if (!isCount(raw[key]) || (raw[key] as number) < 1) fail(`options.${key} must be a positive integer`);
  }
  const calibrate = raw.calibrateLanguages;
  if (calibrate !== false && !(isObject(calibrate) && Object.values(calibrate).every((v) => typeof v === 'number' && Number.isFinite(v)))) {
    fail('options.calibrateLanguages must be false or an object of numbers');
  }
  if (typeof raw.collectionWeighting !== 'boolean') fail('options.collectionWeighting must be a boolean');
  if (!INDEX_CHOICES.includes(raw.index as DetectorIndexChoice)) fail(`options.index must be one of ${INDEX_CHOICES.join(', ')}`);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}
