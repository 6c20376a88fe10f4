import { describe, expect, it } from 'vitest';
import { charTfidfBaseline, wordTfidfBaseline } from '../../benchmarks/lib/baselines.js';
import type { ClusterSet, LabelledPair, SeedSet } from '../../benchmarks/lib/data.js';
import { evaluateClusters, evaluatePairs, evaluateSeeds } from '../../benchmarks/lib/quality.js';
import type { EvalSystem } from '../../benchmarks/lib/systems.js';

/** A system with fixed similarities, to check what the evaluations compute from them. */
function fixedSystem(similarities: Record<string, number>, groups: string[][]): EvalSystem {
  const key = (a: string, b: string) => [a, b].sort().join('|');
  return {
    id: 'fixed',
    kind: 'library',
    async scorer() {
      return { similarity: (a, b) => similarities[key(a, b)] ?? 0 };
    },
    async cluster() {
      return { groups, seconds: 0, threshold: 0.5, thresholdSource: 'shipped default' };
    },
  };
}

const article = (id: string, text = id) => ({ id, text });

describe('evaluateSeeds', () => {
  const seeds: SeedSet = {
    articles: ['a', 'b', 'c', 'd'].map((id) => article(id)),
    clusters: [['a', 'b'], ['c'], ['d']],
    duplicatePair: ['a', 'b'],
  };

  it('measures the margin of the duplicate pair over the closest other article', async () => {
    const system = fixedSystem({ 'a|b': 0.6, 'a|c': 0.4, 'b|d': 0.45, 'c|d': 0.9 }, [['a', 'b'], ['c'], ['d']]);
    const metrics = await evaluateSeeds(system, seeds);
    expect(metrics.margin).toBeCloseTo(0.15, 12);
    expect(metrics.exact_match).toBe(true);
  });

  it('reports no exact match when the hard negative joins the pair', async () => {
    const system = fixedSystem({ 'a|b': 0.6 }, [['a', 'b', 'c'], ['d']]);
    expect((await evaluateSeeds(system, seeds)).exact_match).toBe(false);
  });
});

describe('evaluatePairs', () => {
  const pair = (first: string, second: string, scoreOverall: number): LabelledPair => ({
    first: article(first),
    second: article(second),
    scoreOverall,
    stsScore: 5 - scoreOverall,
  });

  it('correlates with the graded score and retrieves only for pairs scored 2 or better', async () => {
    const pairs = [pair('x1', 'y1', 1), pair('x2', 'y2', 4), pair('x3', 'y3', 2)];
    const system = fixedSystem({ 'x1|y1': 0.9, 'x2|y2': 0.1, 'x3|y3': 0.5, 'x3|y1': 0.7 }, []);
    const metrics = await evaluatePairs(system, pairs);
    // Deviations (0.4, -0.4, 0) and (4/3, -5/3, 1/3): sxy = 1.2, sxx = 0.32, syy = 42/9.
    expect(metrics.pearson).toBeCloseTo(1.2 / Math.sqrt(0.32 * (42 / 9)), 12);
    expect(metrics.spearman).toBeCloseTo(1, 12);
    expect(metrics.retrieval_queries).toBe(2);
    // x1 finds y1 first; x3 ranks y1 (0.7) above y3 (0.5).
    expect(metrics.recall_at_1).toBeCloseTo(0.5, 12);
    expect(metrics.mrr).toBeCloseTo((1 + 1 / 2) / 2, 12);
  });

  it("retrieves by the system's own ranking when it has one (a second stage)", async () => {
    const pairs = [pair('x1', 'y1', 1), pair('x3', 'y3', 2)];
    const base = fixedSystem({ 'x1|y1': 0.9, 'x3|y3': 0.5, 'x3|y1': 0.7 }, []);
    const reranking: EvalSystem = {
      ...base,
      async scorer(articles) {
        const scorer = await base.scorer(articles);
        // Puts each query's partner first, as a perfect second stage would.
        return { ...scorer, rank: (query, candidates) => candidates.map((c) => (c.slice(1) === query.slice(1) ? 1 : 0)) };
      },
    };
    expect((await evaluatePairs(base, pairs)).recall_at_1).toBeCloseTo(0.5, 12);
    expect((await evaluatePairs(reranking, pairs)).recall_at_1).toBe(1);
  });
});

describe('TF-IDF baselines', () => {
  const texts = [
    ['s1', 'Sturm Xaver trifft Hamburg, Elbe über die Ufer'],
    ['s2', 'Sturm Xaver: Hamburg meldet Hochwasser an der Elbe'],
    ['w1', 'Wahl in Polen: Regierung verliert Mehrheit im Sejm'],
    ['w2', 'Polen nach der Wahl: Regierung ohne Mehrheit im Sejm'],
  ];
  const set: ClusterSet = {
    articles: texts.map(([id, title]) => ({ id: id!, title: title!, text: '' })),
    gold: ['storm', 'storm', 'vote', 'vote'],
  };

  for (const baseline of [wordTfidfBaseline(), charTfidfBaseline()]) {
    it(`${baseline.id} separates two obvious stories at its best threshold`, async () => {
      const metrics = await evaluateClusters(baseline, set, false);
      expect(metrics.bcubed_f1).toBe(1);
      expect(metrics.clusters).toBe(2);
      expect(metrics.threshold_source).toBe('best of sweep on this data');
    });
  }
});
