// Which index the detector picks, and that the built-in embedder's sparse vectors get exact
// answers at any size (HNSW over them had silently split stories past 1,000 articles).

import { describe, expect, it } from 'vitest';
import { SparseIndex } from '../src/ann/sparse-index.js';
import { StoryDetector } from '../src/detector.js';
import { LexicalEmbedder } from '../src/embed/lexical/lexical-embedder.js';
import { SparseWordHashEmbedder, WordHashEmbedder } from './support/word-hash-embedder.js';

// Copies of 50 events that differ only in the reporting desk's number.
function templated(count: number) {
  return Array.from({ length: count }, (_, i) => ({
    id: `t-${i}`,
    lang: 'en',
    title: `Story ${i % 50}`,
    text: `The event number ${i % 50} happened in Berlin with ${i % 50} people. Reported by desk ${Math.floor(i / 50)}.`,
  }));
}

const storiesOf = (detector: StoryDetector) => detector.clusters().map((s) => [...s.articleIds].sort()).sort((a, b) => (a[0]! < b[0]! ? -1 : 1));
const indexOf = (detector: StoryDetector) => (detector as unknown as { store: { snapshot(): { index: unknown } } }).store.snapshot().index;

describe('the detector\'s index', () => {
  it('is the exact sparse index for a sparse embedder and stays so past 1,000 articles', async () => {
    const detector = await StoryDetector.create({ embedder: new SparseWordHashEmbedder() });
    await detector.add(templated(1_050).map((a) => ({ ...a, lang: undefined })));
    expect(indexOf(detector)).toBeInstanceOf(SparseIndex);
  });

  it('is not the sparse index for a dense embedder', async () => {
    const detector = await StoryDetector.create({ embedder: new WordHashEmbedder() });
    await detector.add(templated(20));
    expect(indexOf(detector)).not.toBeInstanceOf(SparseIndex);
  });

  it('gives the built-in embedder on templated near-duplicates the same stories as brute force, past 1,000 articles', async () => {
    // 4,096 dimensions: brute force holds every vector dense.
    const embedder = await LexicalEmbedder.create({ dimension: 4096 });
    const articles = templated(1_050);
    const byDefault = await StoryDetector.create({ embedder });
    await byDefault.add(articles);
    const bruteForce = await StoryDetector.create({ embedder, index: 'exact' });
    await bruteForce.add(articles);
    expect(storiesOf(byDefault)).toEqual(storiesOf(bruteForce));
    // Every article is its own nearest neighbour: nothing is lost to an approximate search.
    for (const article of articles.slice(0, 60)) {
      const [best] = await byDefault.match({ ...article, id: `query-${article.id}` }, { explain: false, limit: 1 });
      expect(best!.story.articleIds).toContain(article.id);
    }
  });
});
