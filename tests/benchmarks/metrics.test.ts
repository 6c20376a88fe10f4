import { describe, expect, it } from 'vitest';
import {
  averageRanks,
  bcubed,
  labelsFromGroups,
  pearson,
  rankOfTarget,
  retrievalScores,
  sameClustering,
  spearman,
} from '../../benchmarks/lib/metrics.js';

describe('pearson', () => {
  it('is 1 for a positive linear relation and -1 for a negative one', () => {
    expect(pearson([1, 2, 3], [2, 4, 6])).toBeCloseTo(1, 12);
    expect(pearson([1, 2, 3], [3, 2, 1])).toBeCloseTo(-1, 12);
  });

  it('matches a hand-computed value (sxy = 4, sxx = syy = 5)', () => {
    expect(pearson([1, 2, 3, 4], [1, 3, 2, 4])).toBeCloseTo(0.8, 12);
  });

  it('is NaN when one side is constant', () => {
    expect(pearson([1, 1, 1], [1, 2, 3])).toBeNaN();
  });

  it('rejects inputs of different lengths', () => {
    expect(() => pearson([1, 2], [1])).toThrow(RangeError);
  });
});

describe('spearman', () => {
  it('is 1 for any increasing relation', () => {
    expect(spearman([1, 2, 3], [1, 4, 9])).toBeCloseTo(1, 12);
  });

  it('gives tied values the average of their ranks', () => {
    expect(averageRanks([10, 20, 20, 5])).toEqual([2, 3.5, 3.5, 1]);
    // Ranks [1, 2.5, 2.5, 4] against [1, 2, 3, 4]: sxy = 4.5, sxx = 4.5, syy = 5.
    expect(spearman([1, 2, 2, 3], [10, 20, 30, 40])).toBeCloseTo(4.5 / Math.sqrt(4.5 * 5), 12);
  });
});

describe('retrieval', () => {
  it('ranks the target among candidates, with ties counting against it', () => {
    expect(rankOfTarget([0.9, 0.1, 0.2], 0)).toBe(1);
    expect(rankOfTarget([0.5, 0.7, 0.6], 0)).toBe(3);
    expect(rankOfTarget([0.3, 0.3], 1)).toBe(2);
  });

  it('averages Recall@1 and reciprocal ranks over queries', () => {
    const scores = retrievalScores([
      { similarities: [0.9, 0.1, 0.2], target: 0 },
      { similarities: [0.5, 0.7, 0.6], target: 0 },
      { similarities: [0.3, 0.3], target: 1 },
    ]);
    expect(scores.recallAt1).toBeCloseTo(1 / 3, 12);
    expect(scores.mrr).toBeCloseTo((1 + 1 / 3 + 1 / 2) / 3, 12);
    expect(scores.queries).toBe(3);
  });
});

describe('bcubed', () => {
  it('matches a hand-computed case', () => {
    // Item 0 and 1: P 2/3, R 1; item 2: P 1/3, R 1/2; item 3: P 1, R 1/2.
    const scores = bcubed([1, 1, 1, 2], ['a', 'a', 'b', 'b']);
    expect(scores.precision).toBeCloseTo(2 / 3, 12);
    expect(scores.recall).toBeCloseTo(3 / 4, 12);
    expect(scores.f1).toBeCloseTo(12 / 17, 12);
  });

  it('averages only the included items but still counts every member of their clusters', () => {
    const scores = bcubed([1, 1, 1, 2], ['a', 'a', 'b', 'b'], (i) => i >= 2);
    expect(scores.precision).toBeCloseTo(2 / 3, 12);
    expect(scores.recall).toBeCloseTo(1 / 2, 12);
    expect(scores.f1).toBeCloseTo(4 / 7, 12);
    expect(scores.items).toBe(2);
  });

  it('is perfect for a clustering equal to the gold one under other labels', () => {
    expect(bcubed([7, 7, 3], ['x', 'x', 'y'])).toEqual({ precision: 1, recall: 1, f1: 1, items: 3 });
  });

  it('gives all singletons full precision and recall 1/|gold cluster|', () => {
    const scores = bcubed([1, 2, 3], ['x', 'x', 'y']);
    expect(scores.precision).toBe(1);
    expect(scores.recall).toBeCloseTo((1 / 2 + 1 / 2 + 1) / 3, 12);
  });

  it('does not confuse the number 1 with the string "1" as labels', () => {
    expect(bcubed([1, '1'], ['a', 'a']).precision).toBe(1);
    expect(bcubed([1, '1'], ['a', 'a']).recall).toBe(0.5);
  });
});

describe('clustering helpers', () => {
  it('labels grouped items by group and ungrouped items as singletons', () => {
    expect(labelsFromGroups([[0, 2], [3]], 5)).toEqual([0, 2, 0, 1, 3]);
  });

  it('refuses an item in two groups', () => {
    expect(() => labelsFromGroups([[0], [0]], 1)).toThrow(RangeError);
  });

  it('compares clusterings regardless of order', () => {
    expect(sameClustering([['b', 'a'], ['c']], [['c'], ['a', 'b']])).toBe(true);
    expect(sameClustering([['a', 'b'], ['c']], [['a'], ['b', 'c']])).toBe(false);
  });
});
