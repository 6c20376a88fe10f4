// An embedder evaluated the way users call it: articles go into a StoryDetector with its
// shipped defaults; similarities and stories come out of its public methods.

import { StoryDetector, type Article, type Embedder } from '../../src/index.js';
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
