// Turns validated articles into checked vectors: language filled in, the embedder's input
// built, batches embedded, every vector checked at the boundary. The detector's add and
// match and `samestory calibrate` all go through here, so they embed an article the same
// way.

import type { NormalizedArticle } from '../article.js';
import { InvalidVectorError, throwIfAborted } from '../errors.js';
import { fillLanguage } from '../language.js';
import { progressOf, type ProgressCallback } from '../progress.js';
import { checkEmbeddingVector, type EmbeddingVector } from '../vectors/sparse-vector.js';
import type { EmbedInput, Embedder } from './embedder.js';

export interface EmbedArticlesOptions {
  /**
   * Articles per call to the embedder.
   * @default 64
   */
  batchSize?: number;
  /** Cancels between batches. */
  signal?: AbortSignal;
  /** Called after each batch with the number of articles embedded so far. */
  onProgress?: ProgressCallback;
}

/** What the embedder is given for an article: body, title and language. */
export function embedInputOf(article: NormalizedArticle): EmbedInput {
  const input: EmbedInput = { text: article.text };
  if (article.title) input.title = article.title;
  if (article.lang) input.lang = article.lang;
  return input;
}

/**
 * Embeds `articles` (their `lang` is filled in where missing, in place) and returns one
 * vector per article. Throws InvalidVectorError / DimensionMismatchError when the embedder
 * returns something that is not a finite vector of its dimension.
 */
export async function embedArticles(
  embedder: Embedder,
  articles: readonly NormalizedArticle[],
  options: EmbedArticlesOptions = {},
): Promise<EmbeddingVector[]> {
  const batchSize = options.batchSize ?? 64;
  const vectors: EmbeddingVector[] = [];
  for (const article of articles) fillLanguage(article);
  for (let start = 0; start < articles.length; start += batchSize) {
    throwIfAborted(options.signal);
    const batch = articles.slice(start, start + batchSize);
    const embedded = await embedder.embed(batch.map(embedInputOf), options.signal ? { signal: options.signal } : {});
    if (!Array.isArray(embedded) || embedded.length !== batch.length) {
      throw new InvalidVectorError(`embedder '${embedder.id}' returned ${Array.isArray(embedded) ? embedded.length : typeof embedded} vectors for ${batch.length} inputs`);
    }
    embedded.forEach((vector, i) => {
      const id = batch[i]!.id;
      checkEmbeddingVector(vector, embedder.dimension, `vector of article '${id}'`, id);
      vectors.push(vector);
    });
    options.onProgress?.(progressOf('embed', vectors.length, articles.length));
  }
  return vectors;
}
