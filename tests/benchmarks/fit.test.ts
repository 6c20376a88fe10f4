import { describe, expect, it } from 'vitest';
import { bestThreshold, coordinateSearch, fScoreAt, meanSd, rocAuc, type SearchParameter } from '../../benchmarks/lib/fit.js';
import { baseId, groupedFolds, splitTitle, type TrainSet } from '../../benchmarks/lib/train-data.js';
import { seededRandom } from '../../src/seeded-random.js';

describe('coordinateSearch', () => {
  const parameters: SearchParameter[] = [
    { name: 'weight', min: 0.05, max: 10, move: 'factor', step: 1.5, finest: 1.1 },
    { name: 'floor', min: 0, max: 8, move: 'add', step: 1, finest: 0.5 },
  ];

  it('finds the optimum of a smooth objective to the precision of its finest steps', () => {
    const objective = (v: Readonly<Record<string, number>>) => -((Math.log(v.weight!) - Math.log(2.4)) ** 2) - (v.floor! - 5.5) ** 2;
    const result = coordinateSearch({ weight: 1, floor: 3 }, parameters, objective);
    expect(result.values.weight).toBeGreaterThan(2.4 / 1.1);
    expect(result.values.weight).toBeLessThan(2.4 * 1.1);
    expect(result.values.floor).toBe(5.5);
  });

  it('recovers the weights behind noisy synthetic pair scores (the fitting loop of npm run train)', () => {
    // Scores are a weighted sum of two channels plus noise; the objective is Pearson r of a
    // candidate weighting, which only the ratio of the weights changes.
    const next = seededRandom(7);
    const a = Array.from({ length: 400 }, () => next());
    const b = Array.from({ length: 400 }, () => next());
    const gold = a.map((x, i) => x + 3 * b[i]! + 0.05 * (next() - 0.5));
    const correlation = (v: Readonly<Record<string, number>>) => {
      const predicted = a.map((x, i) => x + v.weight! * b[i]!);
      const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
      const mp = mean(predicted);
      const mg = mean(gold);
      let sxy = 0;
      let sxx = 0;
      let syy = 0;
      predicted.forEach((p, i) => {
        sxy += (p - mp) * (gold[i]! - mg);
        sxx += (p - mp) ** 2;
        syy += (gold[i]! - mg) ** 2;
      });
      return sxy / Math.sqrt(sxx * syy);
    };
    const result = coordinateSearch({ weight: 1, floor: 0 }, parameters.slice(0, 1), correlation);
    expect(result.values.weight).toBeGreaterThan(3 / 1.15);
    expect(result.values.weight).toBeLessThan(3 * 1.15);
  });

  it('keeps the start when no move gains more than minGain', () => {
    const result = coordinateSearch({ weight: 1, floor: 3 }, parameters, (v) => 0.0001 * v.floor!, { minGain: 0.01 });
    expect(result.values).toEqual({ weight: 1, floor: 3 });
    expect(result.trace).toEqual([]);
  });

  it('rounds factor moves to two significant digits and stays within bounds', () => {
    const result = coordinateSearch({ weight: 1, floor: 3 }, parameters, (v) => v.weight! - v.floor!);
    expect(result.values.weight).toBe(10);
    expect(result.values.floor).toBe(0);
  });
});

describe('thresholds and ranking', () => {
  it('puts the F1-best threshold between the classes when they separate', () => {
    const scores = [0.1, 0.2, 0.25, 0.4, 0.5, 0.6];
    const labels = [false, false, false, true, true, true];
    const best = bestThreshold(scores, labels);
    expect(best.f).toBe(1);
    expect(best.threshold).toBeGreaterThan(0.25);
    expect(best.threshold).toBeLessThanOrEqual(0.4);
  });

  it('counts precision, recall and F1 at a threshold', () => {
    expect(fScoreAt([0.1, 0.5, 0.6], [true, false, true], 0.5)).toEqual({ precision: 0.5, recall: 0.5, f: 0.5 });
  });

  it('weighs precision above recall when beta is below 1', () => {
    // At 0.3: precision 2/3, recall 1; at 0.55: precision 1, recall 1/2.
    const scores = [0.3, 0.5, 0.6];
    const labels = [false, true, true];
    const high = fScoreAt(scores, labels, 0.55, 0.5);
    expect(high.f).toBeCloseTo((1.25 * 0.5) / (0.25 + 0.5), 12);
    expect(fScoreAt(scores, labels, 0.3, 0.5).f).toBeCloseTo((1.25 * (2 / 3)) / (0.25 * (2 / 3) + 1), 12);
  });

  it('moves the best threshold up when precision counts more', () => {
    // Positives spread over 0.2..0.9 among negatives at 0.15..0.45: F1 takes a low cut that
    // keeps recall, F0.5 a higher one that keeps precision.
    const scores = [0.15, 0.25, 0.35, 0.45, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9];
    const labels = [false, false, false, false, true, true, true, true, true, true, true, true];
    expect(bestThreshold(scores, labels, { beta: 0.5 }).threshold).toBeGreaterThan(bestThreshold(scores, labels).threshold);
  });

  it('gives ROC AUC 1 for a perfect ranking, 0.5 for ties and 0 for a reversed one', () => {
    expect(rocAuc([1, 2, 3, 4], [false, false, true, true])).toBe(1);
    expect(rocAuc([1, 1, 1, 1], [false, true, false, true])).toBe(0.5);
    expect(rocAuc([4, 3, 2, 1], [false, false, true, true])).toBe(0);
  });

  it('reports mean and sample standard deviation', () => {
    expect(meanSd([1, 2, 3])).toEqual({ mean: 2, sd: 1 });
  });
});

describe('training data', () => {
  it('splits the title off at a newline or a double space, and only there', () => {
    expect(splitTitle('A title  The body.')).toEqual({ title: 'A title', text: 'The body.' });
    expect(splitTitle(' Headline\nThe body.')).toEqual({ title: 'Headline', text: 'The body.' });
    expect(splitTitle(' No title here, one space after it')).toEqual({ text: 'No title here, one space after it' });
  });

  it('reads a machine translation as its original article', () => {
    expect(baseId('1483943089en')).toBe('1483943089');
    expect(baseId('1483943089')).toBe('1483943089');
  });

  it('keeps pairs that share an article or a translation of one in one fold', () => {
    const article = (id: string) => ({ id, lang: 'en', text: id });
    const set: TrainSet = {
      articles: ['1', '2', '2de', '3', '4', '5', '6', '7'].map(article),
      pairs: [
        [0, 1],
        [2, 3],
        [4, 5],
        [6, 7],
      ].map(([first, second]) => ({ first: first!, second: second!, languages: 'en–en', score: 3, sameStory: true, machineTranslated: false })),
    };
    const folds = groupedFolds(set, 2);
    expect(folds[0]).toBe(folds[1]);
    expect(folds[2]).not.toBe(folds[0]);
    expect(new Set(folds).size).toBe(2);
  });
});
