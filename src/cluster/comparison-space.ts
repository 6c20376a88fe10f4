// The space articles are compared in: the embedder's vectors, re-weighted by collection
// IDF (sparse vectors only) and with similarities calibrated per language pair. Both
// depend on the whole collection, which changes with every article of a feed; re-deriving
// them on every add would cost O(collection × dimension) per article, so they are
// refreshed once the collection has changed by a fraction of its size (amortised
// O(dimension) per article), and articles in between are projected with the current ones.

import type { EmbeddingVector } from '../vectors/sparse-vector.js';
import { CollectionWeighting } from './collection-weighting.js';
import {
  calibrateGroups,
  estimateLanguageCalibration,
  type LanguageCalibration,
  type LanguageCalibrationOptions,
  type PairStatistics,
} from './language-calibration.js';

/** Share of the live collection that must have been added or removed before a refresh. */
export const REFRESH_FRACTION = 0.1;

export interface ComparisonSpaceOptions {
  /** Re-weight sparse vectors by collection IDF. */
  weighting: boolean;
  /** Language-pair calibration settings; undefined turns calibration off. */
  calibration: LanguageCalibrationOptions | undefined;
}

export class ComparisonSpace {
  private readonly vectorList: Array<EmbeddingVector | undefined> = [];
  private readonly groupOf: number[] = [];
  private readonly weighting: CollectionWeighting | undefined;
  private readonly calibrationOptions: LanguageCalibrationOptions | undefined;
  private weights: Float32Array | undefined;
  private calibrationTables: LanguageCalibration | undefined;
  private statisticsList: PairStatistics[] = [];
  private live = 0;
  private changed = 0;

  constructor(dimension: number, options: ComparisonSpaceOptions) {
    this.weighting = options.weighting ? new CollectionWeighting(dimension) : undefined;
    this.calibrationOptions = options.calibration;
  }

  /** Comparison-space vector of each position; undefined for removed positions. */
  get vectors(): ReadonlyArray<EmbeddingVector | undefined> {
    return this.vectorList;
  }

  /** Calibration in effect (its groupOf covers every position), or undefined. */
  get calibration(): LanguageCalibration | undefined {
    return this.calibrationTables;
  }

  /** Random-pair statistics behind the calibration in effect. */
  get statistics(): PairStatistics[] {
    return this.statisticsList;
  }

  /** True when enough has changed since the last refresh to re-derive weights and calibration. */
  get stale(): boolean {
    return this.changed > 0 && this.changed >= REFRESH_FRACTION * this.live;
  }

  /** Takes in the embedder vector of a new position (positions are added in order). */
  add(position: number, vector: EmbeddingVector, lang: string | undefined): void {
    this.weighting?.add(vector);
    this.vectorList[position] = this.weights ? CollectionWeighting.apply(vector, this.weights) : vector;
    this.groupOf[position] = this.groupOfLanguage(lang);
    this.live++;
    this.changed++;
  }

  /** Forgets a position (eviction); `vector` is the embedder vector it was added with. */
  remove(position: number, vector: EmbeddingVector): void {
    this.weighting?.remove(vector);
    this.vectorList[position] = undefined;
    this.groupOf[position] = -1;
    this.live--;
    this.changed++;
  }

  /**
   * Re-derives weights and calibration from the live collection and re-projects every
   * vector (in place where possible). `raw[i]` is position i's embedder vector.
   */
  refresh(raw: ReadonlyArray<EmbeddingVector | undefined>, languageOf: (i: number) => string | undefined): void {
    this.changed = 0;
    this.weights = this.weighting?.active ? this.weighting.weights() : undefined;
    for (let i = 0; i < raw.length; i++) {
      const vector = raw[i];
      if (!vector) continue;
      const current = this.vectors[i];
      if (!this.weights) this.vectorList[i] = vector;
      else this.vectorList[i] = CollectionWeighting.apply(vector, this.weights, current && current !== vector ? current : undefined);
    }
    const estimate = this.calibrationOptions
      ? estimateLanguageCalibration(this.vectors, (i) => (this.vectors[i] ? languageOf(i) : undefined), this.calibrationOptions)
      : undefined;
    this.statisticsList = estimate?.statistics ?? [];
    if (!estimate) {
      this.calibrationTables = undefined;
      this.groupOf.fill(-1);
      return;
    }
    const estimated = estimate.calibration;
    for (let i = 0; i < raw.length; i++) this.groupOf[i] = estimated.groupOf[i]!;
    this.calibrationTables = { ...estimated, groupOf: this.groupOf };
  }

  /** A vector from outside the collection (a query), projected into this space. */
  project(vector: EmbeddingVector): EmbeddingVector {
    return this.weights ? CollectionWeighting.apply(vector, this.weights) : vector;
  }

  /** Similarity of an outside article in `lang` to position `i`, on the calibrated scale. */
  calibratedTo(lang: string | undefined, position: number, raw: number): number {
    const calibration = this.calibrationTables;
    if (!calibration) return raw;
    return calibrateGroups(calibration, this.groupOfLanguage(lang), this.groupOf[position]!, raw);
  }

  /**
   * Renumbers positions after removals (see AverageLinkage.compact). In place: the clustering
   * and the calibration hold on to these arrays.
   */
  compact(newIndexOf: Int32Array, newCount: number): void {
    const vectors = this.vectorList;
    const groupOf = this.groupOf;
    // New indices never exceed old ones, so a forward pass moves each entry once.
    for (let i = 0; i < vectors.length; i++) {
      const to = newIndexOf[i]!;
      if (to < 0) continue;
      vectors[to] = vectors[i];
      groupOf[to] = groupOf[i]!;
    }
    vectors.length = newCount;
    groupOf.length = newCount;
  }

  private groupOfLanguage(lang: string | undefined): number {
    const languages = this.calibrationTables?.languages;
    return lang && languages ? languages.indexOf(lang) : -1;
  }
}
