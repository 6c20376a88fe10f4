// Similarities of the training pairs as StoryDetector would see them: the built-in embedder's
// vectors for given settings, re-weighted by collection IDF and calibrated per language pair
// in a comparison space that holds every training article (the detector's collection;
// labels play no part in it). Feature tables and similarities are cached, so a search that
// revisits settings pays nothing.

import { ComparisonSpace } from '../../src/cluster/comparison-space.js';
import { calibrate } from '../../src/cluster/language-calibration.js';
import type { FeatureSettings } from '../../src/embed/lexical/features.js';
import type { SparseVector } from '../../src/vectors/sparse-vector.js';
import { dot } from '../../src/vectors/vector-math.js';
import { extractFeatureTable, vectorsFromTable, type ExtractionSettings, type FeatureTable, type MultiplierSettings } from './feature-table.js';
import type { TrainSet } from './train-data.js';

/** The settings `npm run train` fits. */
export type TrainableSettings = ExtractionSettings & MultiplierSettings;
export const TRAINABLE_KEYS = [
  'nameWeight',
  'placeWeight',
  'numberWeight',
  'tokenWeight',
  'titleWeight',
  'titleSurfaceWeight',
  'informationFloor',
  'stopInformationContent',
  'unknownInformationContent',
] as const satisfies ReadonlyArray<keyof FeatureSettings>;

/** Feature tables kept (each holds every article's features: under 100 MB). */
const TABLES_KEPT = 10;

export class TrainingSpace {
  private readonly tables = new Map<string, FeatureTable>();
  private readonly similarities = new Map<string, Float64Array>();
  extractions = 0;

  constructor(
    readonly set: TrainSet,
    readonly dimension: number,
  ) {}

  /** Calibrated detector-space similarity of every pair of the set under `settings`. */
  pairSimilarities(settings: TrainableSettings): Float64Array {
    const key = TRAINABLE_KEYS.map((name) => settings[name]).join('|');
    const cached = this.similarities.get(key);
    if (cached) return cached;
    const vectors = this.vectors(settings);
    const { articles, pairs } = this.set;
    const space = new ComparisonSpace(this.dimension, { weighting: true, calibration: {} });
    vectors.forEach((vector, i) => space.add(i, vector, articles[i]!.lang));
    space.refresh(vectors, (i) => articles[i]!.lang);
    const projected = space.vectors;
    const out = Float64Array.from(pairs, (pair) => calibrate(space.calibration, pair.first, pair.second, dot(projected[pair.first]!, projected[pair.second]!)));
    this.similarities.set(key, out);
    return out;
  }

  /** The embedder's vectors of every article under `settings`, rebuilt from the feature table. */
  vectors(settings: TrainableSettings): SparseVector[] {
    return vectorsFromTable(this.tableFor(settings), settings, this.dimension);
  }

  private tableFor(settings: ExtractionSettings): FeatureTable {
    const key = `${settings.informationFloor}|${settings.stopInformationContent}|${settings.unknownInformationContent}`;
    let table = this.tables.get(key);
    if (table) {
      // Most recently used last.
      this.tables.delete(key);
      this.tables.set(key, table);
      return table;
    }
    table = extractFeatureTable(this.set.articles, settings);
    this.extractions++;
    if (this.tables.size >= TABLES_KEPT) this.tables.delete(this.tables.keys().next().value!);
    this.tables.set(key, table);
    return table;
  }
}
