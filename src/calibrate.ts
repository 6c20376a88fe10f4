// Threshold calibration: from similarity scores of labelled article pairs, precision and
// recall of "same story" at every threshold, overall and per language pair, and the
// threshold to ship. Pure functions; the data and the embedder are the caller's.

import { InvalidOptionsError } from './errors.js';

/** One scored, labelled pair of articles. */
export interface ScoredPair {
  /** The system's similarity of the two articles. */
  similarity: number;
  /** Ground truth: do the two articles report the same story? */
  sameStory: boolean;
  /** Languages of the two articles, e.g. 'de' and 'pl'; used for the per-language-pair breakdown. */
  langA?: string;
  langB?: string;
}

/** Quality of the rule "same story when similarity >= threshold" on a set of pairs. */
export interface ThresholdPoint {
  threshold: number;
  precision: number;
  recall: number;
  f1: number;
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
}

export interface CalibrationOptions {
  /**
   * Thresholds to evaluate.
   * @default 0, 0.01, …, 1
   */
  thresholds?: readonly number[];
  /**
   * When set, suggest the lowest threshold whose precision reaches this floor (most recall at
   * that precision) instead of the threshold of maximum F1.
   * @example 0.9
   */
  minPrecision?: number;
}

export interface ThresholdSuggestion {
  /** The suggested threshold, or undefined when no threshold satisfies the rule. */
  threshold: number | undefined;
  /** How it was chosen. */
  rule: 'max-f1' | 'min-precision';
  /** Quality at the suggested threshold. */
  point: ThresholdPoint | undefined;
}

export interface CalibrationReport {
  pairs: number;
  positives: number;
  curve: ThresholdPoint[];
  suggestion: ThresholdSuggestion;
  /** The same for each language pair (key: the two codes sorted and joined by '-', e.g. 'de-pl'). */
  byLanguagePair: Record<string, { pairs: number; positives: number; curve: ThresholdPoint[]; suggestion: ThresholdSuggestion }>;
}

/** 0, 0.01, …, 1. */
export function defaultThresholds(): number[] {
  return Array.from({ length: 101 }, (_, i) => i / 100);
}

/** Precision, recall and F1 of "similarity >= threshold" at each threshold. Empty predictions have precision 1. */
export function precisionRecallCurve(pairs: readonly ScoredPair[], thresholds: readonly number[] = defaultThresholds()): ThresholdPoint[] {
  const positives = pairs.filter((pair) => pair.sameStory).length;
  return [...thresholds]
    .sort((a, b) => a - b)
    .map((threshold) => {
      let truePositives = 0;
      let falsePositives = 0;
      for (const pair of pairs) {
        if (pair.similarity >= threshold) {
          if (pair.sameStory) truePositives++;
          else falsePositives++;
        }
      }
      const falseNegatives = positives - truePositives;
      const predicted = truePositives + falsePositives;
      const precision = predicted === 0 ? 1 : truePositives / predicted;
      const recall = positives === 0 ? 0 : truePositives / positives;
      const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
      return { threshold, precision, recall, f1, truePositives, falsePositives, falseNegatives };
    });
}

/**
 * Picks a threshold from a curve. Max F1: of all thresholds reaching the maximum F1, the
 * middle one, so the choice sits inside the plateau instead of on the edge of one pair's
 * score. Precision floor: the lowest threshold at or above the floor that predicts anything.
 */
export function suggestThreshold(curve: readonly ThresholdPoint[], minPrecision?: number): ThresholdSuggestion {
  if (minPrecision !== undefined) {
    if (!(minPrecision >= 0 && minPrecision <= 1)) throw new InvalidOptionsError('minPrecision', `must lie in [0, 1], got ${minPrecision}`);
    const point = curve.find((p) => p.truePositives > 0 && p.precision >= minPrecision);
    return { threshold: point?.threshold, rule: 'min-precision', point };
  }
  const best = Math.max(...curve.map((p) => p.f1));
  if (!(best > 0)) return { threshold: undefined, rule: 'max-f1', point: undefined };
  const plateau = curve.filter((p) => p.f1 === best);
  const point = plateau[Math.floor((plateau.length - 1) / 2)]!;
  return { threshold: point.threshold, rule: 'max-f1', point };
}

function languagePairKey(pair: ScoredPair): string {
  return [pair.langA ?? '?', pair.langB ?? '?'].sort().join('-');
}

/** Full calibration report: overall and per language pair. */
export function calibrateThreshold(pairs: readonly ScoredPair[], options: CalibrationOptions = {}): CalibrationReport {
  const thresholds = options.thresholds ?? defaultThresholds();
  for (const pair of pairs) {
    if (!Number.isFinite(pair.similarity)) throw new InvalidOptionsError('pairs', `similarity must be a finite number, got ${pair.similarity}`);
  }
  const summarize = (subset: readonly ScoredPair[]) => {
    const curve = precisionRecallCurve(subset, thresholds);
    return {
      pairs: subset.length,
      positives: subset.filter((pair) => pair.sameStory).length,
      curve,
      suggestion: suggestThreshold(curve, options.minPrecision),
    };
  };
  const groups = new Map<string, ScoredPair[]>();
  for (const pair of pairs) {
    const key = languagePairKey(pair);
    const group = groups.get(key) ?? [];
    group.push(pair);
    groups.set(key, group);
  }
  const byLanguagePair: CalibrationReport['byLanguagePair'] = {};
  for (const key of [...groups.keys()].sort()) byLanguagePair[key] = summarize(groups.get(key)!);
  return { ...summarize(pairs), byLanguagePair };
}
