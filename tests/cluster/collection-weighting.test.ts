import { describe, expect, it } from 'vitest';
import { CollectionWeighting } from '../../src/cluster/collection-weighting.js';

const sparse = (entries: Record<number, number>, dimension = 8) => {
  const v = new Float32Array(dimension);
  for (const [d, x] of Object.entries(entries)) v[Number(d)] = x;
  const norm = Math.hypot(...v);
  return v.map((x) => x / norm);
};

describe('CollectionWeighting', () => {
  it('down-weights a feature that every article shares', () => {
    const weighting = new CollectionWeighting(8, 0);
    const articles = [sparse({ 0: 1, 1: 1 }), sparse({ 0: 1, 2: 1 }), sparse({ 0: 1, 3: 1 })];
    for (const v of articles) weighting.add(v);
    expect(weighting.active).toBe(true);
    const weights = weighting.weights();
    expect(weights[0]).toBeCloseTo(1, 6); // ln(4/4) + 1
    expect(weights[1]).toBeCloseTo(Math.log(2) + 1, 6);
    const a = CollectionWeighting.apply(articles[0]!, weights) as Float32Array;
    const b = CollectionWeighting.apply(articles[1]!, weights) as Float32Array;
    let raw = 0;
    let weighted = 0;
    for (let d = 0; d < 8; d++) {
      raw += articles[0]![d]! * articles[1]![d]!;
      weighted += a[d]! * b[d]!;
    }
    // Sharing only the everywhere-feature counts for less after weighting.
    expect(weighted).toBeLessThan(raw);
    expect(Math.hypot(...a)).toBeCloseTo(1, 6);
  });

  it('leans on the prior while the collection is small, so three articles keep nearly even weights', () => {
    const articles = [sparse({ 0: 1, 1: 1 }, 64), sparse({ 0: 1, 2: 1 }, 64), sparse({ 0: 1, 3: 1 }, 64)];
    const alone = new CollectionWeighting(64, 0);
    const withPrior = new CollectionWeighting(64);
    for (const v of articles) {
      alone.add(v);
      withPrior.add(v);
    }
    const sharedToOwn = (weights: Float32Array) => weights[0]! / weights[1]!;
    expect(sharedToOwn(withPrior.weights())).toBeGreaterThan(0.8);
    expect(sharedToOwn(alone.weights())).toBeLessThan(0.6);
  });

  it('lets a large collection outweigh the prior', () => {
    const alone = new CollectionWeighting(64, 0);
    const withPrior = new CollectionWeighting(64);
    for (let i = 0; i < 5000; i++) {
      const v = sparse({ 0: 1, [1 + (i % 63)]: 1 }, 64);
      alone.add(v);
      withPrior.add(v);
    }
    const a = alone.weights();
    const b = withPrior.weights();
    for (let d = 0; d < 64; d++) expect(Math.abs(b[d]! / a[d]! - 1)).toBeLessThan(0.01);
  });

  it('stays inactive for dense vectors, which it would not change', () => {
    const weighting = new CollectionWeighting(4);
    weighting.add(Float32Array.of(0.5, 0.5, 0.5, 0.5));
    weighting.add(Float32Array.of(0.1, 0.7, 0.1, 0.7));
    expect(weighting.active).toBe(false);
  });

  it('needs two articles before it weights anything', () => {
    const weighting = new CollectionWeighting(8);
    weighting.add(sparse({ 0: 1 }));
    expect(weighting.active).toBe(false);
  });
});
