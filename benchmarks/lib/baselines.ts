// The two baselines, word TF-IDF and character 3–5-gram TF-IDF cosine, clustered by the
// library's own clusterStories over the same kind of candidate graph (same number of
// neighbours, same linkage cohesion), so that only the similarity differs from the
// library's embedders.

import { clusterStories } from '../../src/index.js';
import { fullText, type EvalArticle } from './data.js';
import { CANDIDATE_NEIGHBORS, LINKAGE_COHESION, TIME_WINDOW_DAYS, type EvalSystem } from './systems.js';
import {
  charNgramAnalyzer,
  fitTfidf,
  SparseSimilarity,
  sparseDot,
  sparseNearestNeighbors,
  wordAnalyzer,
  type Analyzer,
} from './tfidf.js';

/**
 * Thresholds a baseline is swept over, highest first. Low thresholds make giant candidate
 * groups whose average linkage is costly, so the sweep stops at the first threshold whose
 * score falls below the best so far (the score is unimodal in the threshold in practice).
 */
export const BASELINE_THRESHOLDS = Array.from({ length: 19 }, (_, i) => Math.round((0.95 - i * 0.05) * 100) / 100);

/** A TF-IDF cosine baseline; clustering picks the best threshold of a sweep on the same data. */
export function tfidfSystem(id: string, analyzer: Analyzer): EvalSystem {
  const fit = (articles: readonly EvalArticle[]) => fitTfidf(articles.map(fullText), analyzer).vectors;
  return {
    id,
    kind: 'baseline',
    async scorer(articles) {
      const vectors = fit(articles);
      const position = new Map(articles.map((article, i) => [article.id, i]));
      const vectorOf = (id: string) => {
        const i = position.get(id);
        if (i === undefined) throw new Error(`${id}: not among the fitted articles`);
        return vectors[i]!;
      };
      return { similarity: (a, b) => sparseDot(vectorOf(a), vectorOf(b)) };
    },
    async cluster({ articles, useDates, objective }) {
      const started = performance.now();
      const { vectors, vocabularySize } = fitTfidf(articles.map(fullText), analyzer);
      const neighbors = sparseNearestNeighbors(vectors, { k: CANDIDATE_NEIGHBORS });
      const pairs = new SparseSimilarity(vectors, vocabularySize);
      const times = articles.map((article) => (useDates && article.publishedAt ? Date.parse(article.publishedAt) : undefined));
      const prepareSeconds = (performance.now() - started) / 1000;
      const input = {
        count: articles.length,
        neighbors: (i: number) => neighbors[i]!,
        similarity: (i: number, j: number) => pairs.similarity(i, j),
        time: (i: number) => times[i],
      };
      let best: { threshold: number; score: number; groups: string[][]; seconds: number } | undefined;
      for (const threshold of BASELINE_THRESHOLDS) {
        const runStarted = performance.now();
        const groups = clusterStories(input, { threshold, timeWindowMs: TIME_WINDOW_DAYS * 86_400_000, cohesion: LINKAGE_COHESION }).map((group) =>
          group.map((i) => articles[i]!.id),
        );
        const seconds = (performance.now() - runStarted) / 1000;
        const score = objective(groups);
        if (best && score < best.score) break;
        if (!best || score > best.score) best = { threshold, score, groups, seconds };
      }
      return {
        groups: best!.groups,
        seconds: prepareSeconds + best!.seconds,
        threshold: best!.threshold,
        thresholdSource: 'best of sweep on this data',
      };
    },
  };
}

export const wordTfidfBaseline = (): EvalSystem => tfidfSystem('baseline-word-tfidf', wordAnalyzer);
export const charTfidfBaseline = (): EvalSystem => tfidfSystem('baseline-char-tfidf', charNgramAnalyzer(3, 5));
