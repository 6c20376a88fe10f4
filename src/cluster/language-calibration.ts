// Puts similarities of every language pair on one scale before clustering.
//
// Two unrelated articles in the same language share function-word concepts, names and
// topics of the day, so their cosine sits higher than that of two unrelated articles in
// different languages; same-story pairs across languages then fall below a threshold that
// same-language pairs pass easily. Measured on OG2021 titles with the lexical embedder:
// unrelated same-language pairs average 0.12 (sd 0.12), unrelated cross-language pairs 0.03
// (sd 0.06). Each language pair's similarities are mapped linearly so that its unrelated
// pairs have the mean and spread of unrelated same-language pairs; a threshold then means
// the same for pl–de as for pl–pl. The statistics come from the collection itself
// (random pairs), so no background text needs to ship and any embedder is handled.

import { seededRandom } from '../seeded-random.js';
import type { EmbeddingVector } from '../vectors/sparse-vector.js';
import { dot } from '../vectors/vector-math.js';

export interface LanguageCalibrationOptions {
  /**
   * A language takes part only when the collection holds at least this many articles in
   * it; pairs involving rarer or unknown languages keep their raw similarity.
   * @default 30
   */
  minArticlesPerLanguage?: number;
  /**
   * Random article pairs sampled per language pair.
   * @default 1500
   */
  samplesPerPair?: number;
  /**
   * Largest factor a language pair's similarities are stretched by (guards pairs whose
   * similarities barely vary, e.g. scripts the embedder cannot read).
   * @default 3
   */
  maxScale?: number;
}

/** Per language pair: calibrated = offset + scale × raw. */
export interface LanguageCalibration {
  /** Calibration group of each item; -1 when its language is uncalibrated. */
  readonly groupOf: ArrayLike<number>;
  /** Language code of each group. */
  readonly languages: readonly string[];
  /** Row-major groups × groups tables. */
  readonly scale: Float64Array;
  readonly offset: Float64Array;
  /** Mean and standard deviation of unrelated same-language similarities (the target scale). */
  readonly reference: { mean: number; deviation: number };
}

export interface PairStatistics {
  languages: [string, string];
  samples: number;
  mean: number;
  deviation: number;
}

/**
 * Estimates the calibration from random pairs of the collection, or returns undefined when
 * fewer than two languages are frequent enough to calibrate.
 */
export function estimateLanguageCalibration(
  vectors: ReadonlyArray<EmbeddingVector | undefined>,
  languageOf: (i: number) => string | undefined,
  options: LanguageCalibrationOptions = {},
): { calibration: LanguageCalibration; statistics: PairStatistics[] } | undefined {
  const minArticles = options.minArticlesPerLanguage ?? 30;
  const samples = options.samplesPerPair ?? 1500;
  const maxScale = options.maxScale ?? 3;
  const members = new Map<string, number[]>();
  for (let i = 0; i < vectors.length; i++) {
    const lang = languageOf(i);
    if (!lang) continue;
    const list = members.get(lang);
    if (list) list.push(i);
    else members.set(lang, [i]);
  }
  const languages = [...members.keys()].filter((l) => members.get(l)!.length >= minArticles).sort();
  if (languages.length < 2) return undefined;
  const groups = languages.length;
  const next = seededRandom(0x5eed);
  const statistics: PairStatistics[] = [];
  const mean = new Float64Array(groups * groups);
  const deviation = new Float64Array(groups * groups);
  let refSum = 0;
  let refSquares = 0;
  let refCount = 0;
  for (let a = 0; a < groups; a++) {
    for (let b = a; b < groups; b++) {
      const ma = members.get(languages[a]!)!;
      const mb = members.get(languages[b]!)!;
      let sum = 0;
      let squares = 0;
      let count = 0;
      for (let s = 0; s < samples; s++) {
        const i = ma[Math.floor(next() * ma.length)]!;
        const j = mb[Math.floor(next() * mb.length)]!;
        if (i === j) continue;
        const sim = dot(vectors[i]!, vectors[j]!); // items with a language have vectors
        sum += sim;
        squares += sim * sim;
        count++;
      }
      const m = sum / count;
      const d = Math.sqrt(Math.max(0, squares / count - m * m));
      mean[a * groups + b] = mean[b * groups + a] = m;
      deviation[a * groups + b] = deviation[b * groups + a] = d;
      statistics.push({ languages: [languages[a]!, languages[b]!], samples: count, mean: m, deviation: d });
      if (a === b) {
        refSum += sum;
        refSquares += squares;
        refCount += count;
      }
    }
  }
  const refMean = refSum / refCount;
  const refDeviation = Math.sqrt(Math.max(0, refSquares / refCount - refMean * refMean));
  const scale = new Float64Array(groups * groups);
  const offset = new Float64Array(groups * groups);
  for (let k = 0; k < groups * groups; k++) {
    const factor = Math.min(maxScale, refDeviation / Math.max(deviation[k]!, 1e-9));
    scale[k] = factor;
    offset[k] = refMean - factor * mean[k]!;
  }
  const index = new Map(languages.map((l, g) => [l, g]));
  const groupOf = new Int32Array(vectors.length).fill(-1);
  for (let i = 0; i < vectors.length; i++) {
    const lang = languageOf(i);
    const g = lang === undefined ? undefined : index.get(lang);
    if (g !== undefined) groupOf[i] = g;
  }
  return {
    calibration: { groupOf, languages, scale, offset, reference: { mean: refMean, deviation: refDeviation } },
    statistics,
  };
}

/** Calibrated similarity of items i and j given their raw similarity. */
export function calibrate(calibration: LanguageCalibration | undefined, i: number, j: number, raw: number): number {
  if (!calibration) return raw;
  return calibrateGroups(calibration, calibration.groupOf[i]!, calibration.groupOf[j]!, raw);
}

/** Calibrated similarity for calibration groups a and b (-1: uncalibrated, raw is kept). */
export function calibrateGroups(calibration: LanguageCalibration, a: number, b: number, raw: number): number {
  if (a < 0 || b < 0) return raw;
  const k = a * calibration.languages.length + b;
  return calibration.offset[k]! + calibration.scale[k]! * raw;
}
