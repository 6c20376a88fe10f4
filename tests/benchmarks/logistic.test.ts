import { describe, expect, it } from 'vitest';
import { fitLogistic, rocAuc } from '../../benchmarks/lib/logistic.js';

describe('fitLogistic', () => {
  // Labels follow x0 (x1 is noise): P(y = 1) rises with x0, on the raw scale of x0.
  const rows: number[][] = [];
  const labels: number[] = [];
  for (let i = 0; i < 200; i++) {
    const x0 = (i % 20) / 2; // 0 .. 9.5
    const x1 = ((i * 7) % 13) / 13;
    rows.push([x0, x1]);
    labels.push(x0 + ((i * 11) % 5) - 2 > 5 ? 1 : 0);
  }

  it('weighs the informative feature up and the noise near zero, on the raw scale', () => {
    const fit = fitLogistic(rows, labels, { l2: 0.1 });
    expect(fit.weights[0]).toBeGreaterThan(0.5);
    expect(Math.abs(fit.weights[1]!)).toBeLessThan(0.5);
    // The boundary sits where labels change, near x0 = 5.
    expect(-fit.intercept / fit.weights[0]!).toBeGreaterThan(4);
    expect(-fit.intercept / fit.weights[0]!).toBeLessThan(6);
  });

  it('fits ranking terms (differences, no intercept) beside ordinary rows', () => {
    // Only ranking terms that prefer larger x0: the fit must point the same way.
    const differences = [[1, 0], [-1, 0], [2, 0.5], [-2, -0.5]];
    const fit = fitLogistic([...rows, ...differences], [...labels, 1, 0, 1, 0], { differenceRows: [...rows.map(() => false), true, true, true, true] });
    expect(fit.weights[0]).toBeGreaterThan(0);
  });
});

describe('rocAuc', () => {
  it('is 1 for a perfect order, 0.5 for all ties and 0 for a reversed order', () => {
    expect(rocAuc([0.1, 0.2, 0.8, 0.9], [0, 0, 1, 1])).toBe(1);
    expect(rocAuc([0.5, 0.5, 0.5, 0.5], [0, 1, 0, 1])).toBe(0.5);
    expect(rocAuc([0.9, 0.8, 0.2, 0.1], [0, 0, 1, 1])).toBe(0);
  });
});
