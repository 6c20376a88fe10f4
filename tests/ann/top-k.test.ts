import { describe, expect, it } from 'vitest';
import { TopK } from '../../src/ann/top-k.js';
import { seededRandom } from './random-vectors.js';

describe('TopK', () => {
  it('keeps the same k candidates as sorting everything (random trials)', () => {
    const random = seededRandom(5);
    for (let trial = 0; trial < 200; trial++) {
      const k = Math.floor(random() * 12);
      // Few distinct values, so ties are common.
      const scores = Array.from({ length: Math.floor(random() * 60) }, () => Math.round(random() * 20) / 20);
      const top = new TopK(k);
      scores.forEach((score, label) => top.offer(score, label));
      const expected = scores
        .map((score, label) => ({ label, score }))
        .sort((a, b) => b.score - a.score || a.label - b.label)
        .slice(0, k);
      expect(top.sorted()).toEqual(expected);
    }
  });

  it('tells whether a score could still enter', () => {
    const top = new TopK(2);
    expect(top.accepts(-5)).toBe(true);
    top.offer(0.5, 0);
    top.offer(0.7, 1);
    expect(top.accepts(0.4)).toBe(false);
    expect(top.accepts(0.6)).toBe(true);
  });
});
