// Recently used sketches of stored articles: a live feed matches many queries against the
// same few busy stories, and a sketch costs an embedder call on the article's sentences.
// Keyed by the stored article object, which is immutable while it is stored.

import type { NormalizedArticle } from '../article.js';
import type { ArticleSketch } from './pair-evidence.js';

/**
 * Sketches kept: 2,048 × a few KB (a dozen sparse sentence vectors and a feature list) is a
 * few MB, whatever the collection's size.
 */
export const SKETCH_CACHE_SIZE = 2_048;

export class SketchCache {
  private readonly entries = new Map<NormalizedArticle, ArticleSketch>();

  constructor(private readonly capacity = SKETCH_CACHE_SIZE) {}

  /** The article's sketch, made with `make` unless a recent one is kept. */
  async get(article: NormalizedArticle, make: () => Promise<ArticleSketch>): Promise<ArticleSketch> {
    const kept = this.entries.get(article);
    if (kept) {
      // Most recently used last: Map keeps insertion order.
      this.entries.delete(article);
      this.entries.set(article, kept);
      return kept;
    }
    const sketch = await make();
    this.entries.set(article, sketch);
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
    return sketch;
  }

  get size(): number {
    return this.entries.size;
  }
}
