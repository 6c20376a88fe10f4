// The systems an evaluation compares, behind one small interface: the library's embedders
// (library-system.ts) and the two TF-IDF baselines (baselines.ts).

import { DEFAULT_LINKAGE_COHESION, DEFAULT_NEIGHBORS, DEFAULT_TIME_WINDOW_DAYS } from '../../src/index.js';
import type { EvalArticle } from './data.js';

/** Similarities among a fixed set of articles, looked up by id. */
export interface PairScorer {
  similarity(idA: string, idB: string): number;
  /**
   * Scores of candidates for one query, when the system ranks otherwise than by
   * `similarity` (a second stage re-scoring the first stage's top few). Higher is better.
   */
  rank?(queryId: string, candidateIds: readonly string[]): number[];
}

export interface ClusterRun {
  /** Stories as groups of article ids. */
  groups: string[][];
  /** Wall time of the run that produced `groups` (a baseline's threshold sweep is not counted). */
  seconds: number;
  /** Threshold the stories were cut at. */
  threshold: number;
  /** How the threshold was chosen. */
  thresholdSource: 'shipped default' | 'settings file (--lexical)' | 'best of sweep on this data';
}

export interface ClusterRequest {
  articles: readonly EvalArticle[];
  /** Pass publication dates (the library then applies its time window). */
  useDates: boolean;
  /** Scores a clustering against the gold labels (higher is better); baselines sweep thresholds with it. */
  objective(groups: string[][]): number;
}

export interface EvalSystem {
  /** Name in the results: an embedder id or `baseline-…`. */
  id: string;
  kind: 'library' | 'baseline';
  /** Prepares similarities for the given articles (a detector holding them, or TF-IDF fitted on them). */
  scorer(articles: readonly EvalArticle[]): Promise<PairScorer>;
  cluster(request: ClusterRequest): Promise<ClusterRun>;
}

/** The library's time window, which the baselines' clustering uses too. */
export const TIME_WINDOW_DAYS = DEFAULT_TIME_WINDOW_DAYS;
/** Neighbours per article in the candidate graph, as StoryDetector's default. */
export const CANDIDATE_NEIGHBORS = DEFAULT_NEIGHBORS;
/** How groups are compared when merging, as StoryDetector's default. */
export const LINKAGE_COHESION = DEFAULT_LINKAGE_COHESION;
