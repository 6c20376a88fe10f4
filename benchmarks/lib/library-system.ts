// An embedder evaluated the way users call it: articles go into a StoryDetector with its
// shipped defaults; similarities and stories come out of its public methods.

import { StoryDetector, type Article, type Embedder } from '../../src/index.js';
import { pairEvidence, sketchArticle, type ArticleSketch } from '../../src/rerank/pair-evidence.js';
import { RERANK_CANDIDATES } from '../../src/rerank/rerank.js';
import { rerankScore } from '../../src/rerank/rerank-model.js';
import type { EvalArticle } from './data.js';
import type { EvalSystem } from './systems.js';

function toArticle(article: EvalArticle, useDates: boolean): Article {
  const out: Article = { id: article.id, text: article.text };
  if (article.title) out.title = article.title;
  if (article.lang) out.lang = article.lang;
  if (useDates && article.publishedAt) out.publishedAt = article.publishedAt;
  return out;
}

/**
 * An embedder evaluated through StoryDetector with its shipped defaults, or with another
 * threshold under another name (to compare settings in one run).
 */
export function librarySystem(embedder: Embedder, variant: { id?: string; similarityThreshold?: number } = {}): EvalSystem {
  const detectorFor = async (articles: readonly EvalArticle[], useDates: boolean) => {
    const detector = await StoryDetector.create({ embedder, ...(variant.similarityThreshold !== undefined ? { similarityThreshold: variant.similarityThreshold } : {}) });
    await detector.add(articles.map((article) => toArticle(article, useDates)));
    return detector;
  };
  return {
    id: variant.id ?? embedder.id,
    kind: 'library',
    async scorer(articles) {
      const detector = await detectorFor(articles, false);
      return { similarity: (a, b) => detector.similarity(a, b) };
    },
    async cluster({ articles, useDates }) {
      const started = performance.now();
      const detector = await detectorFor(articles, useDates);
      const stories = detector.clusters();
      const seconds = (performance.now() - started) / 1000;
      return {
        groups: stories.map((story) => story.articleIds),
        seconds,
        threshold: detector.similarityThreshold,
        thresholdSource: variant.similarityThreshold === undefined ? 'shipped default' : 'settings file (--lexical)',
      };
    },
  };
}

/**
 * The built-in detector's similarities re-scored by the second stage (src/rerank): a pair's
 * score is the model's probability of the same story; a query ranks its candidates by the
 * detector's similarity and re-scores the top RERANK_CANDIDATES, as StoryDetector.match does.
 */
export function rerankSystem(embedder: Embedder): EvalSystem {
  const base = librarySystem(embedder);
  return {
    id: `${embedder.id} + rerank`,
    kind: 'library',
    async scorer(articles) {
      const detector = await StoryDetector.create({ embedder });
      await detector.add(articles.map((article) => toArticle(article, false)));
      const sketches = new Map<string, ArticleSketch>();
      for (const article of articles) sketches.set(article.id, await sketchArticle(embedder, detector.article(article.id)));
      const score = (a: string, b: string) => rerankScore(pairEvidence(sketches.get(a)!, sketches.get(b)!));
      return {
        similarity: score,
        rank(queryId, candidateIds) {
          const first = candidateIds.map((id) => detector.similarity(queryId, id));
          const top = first.map((_, j) => j).sort((x, y) => first[y]! - first[x]!).slice(0, RERANK_CANDIDATES);
          // Re-scored candidates (probabilities, shifted above every cosine) go first.
          const scores = first.slice();
          for (const j of top) scores[j] = 2 + score(queryId, candidateIds[j]!);
          return scores;
        },
      };
    },
    cluster: base.cluster,
  };
}
