import { describe, expect, it } from 'vitest';
import { normalizeArticle } from '../../src/article.js';
import { embedArticles } from '../../src/embed/embed-articles.js';
import type { Embedder } from '../../src/embed/embedder.js';
import { DimensionMismatchError, InvalidVectorError } from '../../src/errors.js';
import type { Progress } from '../../src/progress.js';
import { SparseWordHashEmbedder, WordHashEmbedder } from '../support/word-hash-embedder.js';

const articles = () => [
  normalizeArticle({ id: 'de', text: 'Die Flutwelle hat die Altstadt erreicht, und die Brücke ist gesperrt.' }),
  normalizeArticle({ id: 'pl', text: 'Fala powodziowa dotarła do starego miasta, most jest zamknięty.' }),
  normalizeArticle({ id: 'en', lang: 'en', text: 'The flood reached the old town.' }),
];

describe('embedArticles', () => {
  it('fills in missing languages, embeds in batches and reports progress per batch', async () => {
    const embedder = new SparseWordHashEmbedder();
    const input = articles();
    const progress: Progress[] = [];
    const vectors = await embedArticles(embedder, input, { batchSize: 2, onProgress: (p) => progress.push(p) });
    expect(vectors).toHaveLength(3);
    expect(input.map((a) => a.lang)).toEqual(['de', 'pl', 'en']);
    expect(embedder.calls).toBe(2);
    expect(progress.map((p) => p.done)).toEqual([2, 3]);
  });

  it('refuses what an embedder returns that is not a vector of its dimension, naming the article', async () => {
    const short: Embedder = { id: 'short', dimension: 8, embed: async (inputs) => inputs.map(() => new Float32Array(4)) };
    await expect(embedArticles(short, articles())).rejects.toThrow(DimensionMismatchError);
    const nan: Embedder = { id: 'nan', dimension: 2, embed: async (inputs) => inputs.map(() => Float32Array.of(Number.NaN, 1)) };
    await expect(embedArticles(nan, articles())).rejects.toThrow(/article 'de'/);
    const missing: Embedder = { id: 'missing', dimension: 64, embed: async () => [] };
    await expect(embedArticles(missing, articles())).rejects.toThrow(InvalidVectorError);
  });

  it('gives the same vectors as the embedder itself', async () => {
    const embedder = new WordHashEmbedder();
    const input = articles();
    const vectors = await embedArticles(embedder, input);
    expect(vectors).toEqual(await embedder.embed(input.map((a) => ({ text: a.text, lang: a.lang! }))));
  });
});
