import { describe, expect, it } from 'vitest';
import { calibrateThreshold, precisionRecallCurve, suggestThreshold, type ScoredPair } from '../src/calibrate.js';
import { InvalidOptionsError } from '../src/errors.js';

const pairs: ScoredPair[] = [
  { similarity: 0.9, sameStory: true, langA: 'de', langB: 'pl' },
  { similarity: 0.8, sameStory: true, langA: 'pl', langB: 'de' },
  { similarity: 0.7, sameStory: false, langA: 'de', langB: 'pl' },
  { similarity: 0.6, sameStory: true, langA: 'en', langB: 'en' },
  { similarity: 0.2, sameStory: false, langA: 'en', langB: 'en' },
];

describe('precisionRecallCurve', () => {
  it('counts pairs at or above each threshold as predicted same story', () => {
    const curve = precisionRecallCurve(pairs, [0.75, 0.5]);
    expect(curve.map((p) => p.threshold)).toEqual([0.5, 0.75]);
    expect(curve[0]).toMatchObject({ truePositives: 3, falsePositives: 1, falseNegatives: 0, precision: 0.75, recall: 1 });
    expect(curve[0]!.f1).toBeCloseTo(6 / 7, 12);
    expect(curve[1]).toMatchObject({ truePositives: 2, falsePositives: 0, precision: 1 });
    expect(curve[1]!.recall).toBeCloseTo(2 / 3, 12);
  });

  it('gives a threshold that predicts nothing precision 1 and recall 0', () => {
    expect(precisionRecallCurve(pairs, [0.95])[0]).toMatchObject({ precision: 1, recall: 0, f1: 0 });
  });
});

describe('suggestThreshold', () => {
  const curve = precisionRecallCurve(pairs, [0.5, 0.65, 0.75, 0.85]);

  it('takes the threshold of maximum F1', () => {
    expect(suggestThreshold(curve).threshold).toBe(0.5);
  });

  it('with a precision floor, takes the lowest threshold that reaches it', () => {
    expect(suggestThreshold(curve, 0.9)).toMatchObject({ threshold: 0.75, rule: 'min-precision' });
  });

  it('takes the middle of a plateau of equal F1', () => {
    const flat = precisionRecallCurve(pairs, [0.25, 0.3, 0.4, 0.45, 0.55]);
    expect(suggestThreshold(flat).threshold).toBe(0.4);
  });

  it('rejects a precision floor outside [0, 1]', () => {
    expect(() => suggestThreshold(curve, 1.5)).toThrow(InvalidOptionsError);
  });
});

describe('calibrateThreshold', () => {
  it('reports per language pair, whichever side each language is on', () => {
    const report = calibrateThreshold(pairs, { thresholds: [0.5, 0.75] });
    expect(Object.keys(report.byLanguagePair)).toEqual(['de-pl', 'en-en']);
    expect(report.byLanguagePair['de-pl']).toMatchObject({ pairs: 3, positives: 2 });
    expect(report.byLanguagePair['de-pl']!.suggestion.threshold).toBe(0.75);
    expect(report.byLanguagePair['en-en']!.suggestion.threshold).toBe(0.5);
    expect(report).toMatchObject({ pairs: 5, positives: 3 });
  });

  it('rejects similarities that are not finite numbers', () => {
    expect(() => calibrateThreshold([{ similarity: Number.NaN, sameStory: true }])).toThrow(InvalidOptionsError);
  });
});
