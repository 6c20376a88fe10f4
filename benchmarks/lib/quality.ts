// One evaluation per kind of dataset, each run the same way for every system: seeds
// (exact clustering and the duplicate's margin), graded pairs (correlation and retrieval)
// and story clusters (B-cubed).

import { multilingualMembers, type ClusterSet, type EvalArticle, type LabelledPair, type SeedSet } from './data.js';
import { bcubed, pearson, retrievalScores, sameClustering, spearman } from './metrics.js';
import type { EvalSystem } from './systems.js';

/** Metric name → value, as written to quality.json. */
export type Metrics = Record<string, number | boolean | string>;

function labelsOf(groups: readonly string[][], ids: readonly string[]): string[] {
  const label = new Map<string, string>();
  groups.forEach((group, g) => group.forEach((id) => label.set(id, `c${g}`)));
  return ids.map((id) => label.get(id) ?? `single:${id}`);
}

/** B-cubed F1 of groups against gold labels; the objective of the baselines' threshold sweep. */
export function bcubedF1Of(groups: readonly string[][], ids: readonly string[], gold: readonly string[]): number {
  return bcubed(labelsOf(groups, ids), gold).f1;
}

export async function evaluateSeeds(system: EvalSystem, seeds: SeedSet): Promise<Metrics> {
  const ids = seeds.articles.map((article) => article.id);
  const goldLabel = new Map<string, string>();
  seeds.clusters.forEach((cluster, c) => cluster.forEach((id) => goldLabel.set(id, `g${c}`)));
  const gold = ids.map((id) => goldLabel.get(id) ?? `single:${id}`);

  const scorer = await system.scorer(seeds.articles);
  const [a, b] = seeds.duplicatePair;
  let strongestOther = Number.NEGATIVE_INFINITY;
  for (const other of ids) {
    if (other === a || other === b) continue;
    strongestOther = Math.max(strongestOther, scorer.similarity(a, other), scorer.similarity(b, other));
  }
  const duplicate = scorer.similarity(a, b);

  const run = await system.cluster({ articles: seeds.articles, useDates: false, objective: (groups) => bcubedF1Of(groups, ids, gold) });
  const scores = bcubed(labelsOf(run.groups, ids), gold);
  return {
    exact_match: sameClustering(run.groups, seeds.clusters),
    margin: duplicate - strongestOther,
    duplicate_similarity: duplicate,
    strongest_other_similarity: strongestOther,
    bcubed_f1: scores.f1,
    clusters: run.groups.length,
    threshold: run.threshold,
    threshold_source: run.thresholdSource,
    seconds: run.seconds,
  };
}

export async function evaluatePairs(system: EvalSystem, pairs: readonly LabelledPair[]): Promise<Metrics> {
  const started = performance.now();
  const byId = new Map<string, EvalArticle>();
  for (const pair of pairs) {
    byId.set(pair.first.id, pair.first);
    byId.set(pair.second.id, pair.second);
  }
  const scorer = await system.scorer([...byId.values()]);
  const predicted = pairs.map((pair) => scorer.similarity(pair.first.id, pair.second.id));
  const gold = pairs.map((pair) => pair.stsScore);

  // Retrieval: every second-side text of the file is a candidate for every query.
  const candidates = [...new Set(pairs.map((pair) => pair.second.id))];
  const queries = pairs
    .filter((pair) => pair.scoreOverall <= 2)
    .map((pair) => ({
      similarities: scorer.rank
        ? scorer.rank(pair.first.id, candidates)
        : candidates.map((candidate) => scorer.similarity(pair.first.id, candidate)),
      target: candidates.indexOf(pair.second.id),
    }));
  const retrieval = retrievalScores(queries);
  return {
    pearson: pearson(predicted, gold),
    spearman: spearman(predicted, gold),
    recall_at_1: retrieval.recallAt1,
    mrr: retrieval.mrr,
    pairs: pairs.length,
    retrieval_queries: retrieval.queries,
    retrieval_candidates: candidates.length,
    seconds: (performance.now() - started) / 1000,
  };
}

export async function evaluateClusters(system: EvalSystem, set: ClusterSet, useDates: boolean): Promise<Metrics> {
  const ids = set.articles.map((article) => article.id);
  const run = await system.cluster({
    articles: set.articles,
    useDates,
    objective: (groups) => bcubedF1Of(groups, ids, set.gold),
  });
  const labels = labelsOf(run.groups, ids);
  const all = bcubed(labels, set.gold);
  const multilingual = multilingualMembers(set);
  const restricted = bcubed(labels, set.gold, (i) => multilingual.has(i));
  return {
    bcubed_precision: all.precision,
    bcubed_recall: all.recall,
    bcubed_f1: all.f1,
    multilingual_bcubed_precision: restricted.precision,
    multilingual_bcubed_recall: restricted.recall,
    multilingual_bcubed_f1: restricted.f1,
    clusters: run.groups.length,
    gold_clusters: new Set(set.gold).size,
    articles: ids.length,
    threshold: run.threshold,
    threshold_source: run.thresholdSource,
    seconds: run.seconds,
  };
}
