import { describe, expect, it } from 'vitest';
import { normalizeArticle } from '../../src/article.js';
import { DuplicateIdError } from '../../src/errors.js';
import { allocateNeighborList } from '../../src/store/article-store.js';
import { MemoryArticleStore, type MemoryArticleStoreOptions } from '../../src/store/memory-article-store.js';
import { SparseWordHashEmbedder, WordHashEmbedder } from '../support/word-hash-embedder.js';
import { firstArticles, laterArticles } from '../persist/story-articles.js';

const articles = [...firstArticles, ...laterArticles].map((a) => normalizeArticle(a));
const options = (overrides: Partial<MemoryArticleStoreOptions> = {}): MemoryArticleStoreOptions => ({
  dimension: 64,
  index: 'auto',
  vectorKind: 'sparse',
  neighbors: 3,
  ...overrides,
});

async function filled(overrides: Partial<MemoryArticleStoreOptions> = {}) {
  const embedder = overrides.vectorKind === 'dense' ? new WordHashEmbedder() : new SparseWordHashEmbedder();
  const vectors = await embedder.embed(articles);
  const store = new MemoryArticleStore(options(overrides));
  await store.addBatch(articles.slice(0, 6), vectors.slice(0, 6));
  await store.addBatch(articles.slice(6), vectors.slice(6));
  return { store, vectors };
}

const idsOf = (store: MemoryArticleStore, positions: ArrayLike<number>) => Array.from(positions, (p) => store.article(p)!.id);

describe('allocateNeighborList', () => {
  it('gives positions and similarities their own parts of one buffer', () => {
    const list = allocateNeighborList(3);
    list.similarities.set([0.9, -0.5, 0.125]);
    list.positions.set([7, -1, 2_000_000_000]);
    expect(Array.from(list.similarities)).toEqual([0.9, -0.5, 0.125]);
    expect(Array.from(list.positions)).toEqual([7, -1, 2_000_000_000]);
    expect(list.positions.buffer).toBe(list.similarities.buffer);
  });
});

describe('MemoryArticleStore', () => {
  it('hands out positions in order of arrival and finds articles, vectors and positions by them', async () => {
    const { store, vectors } = await filled();
    expect(store.count).toBe(articles.length);
    expect(store.size).toBe(articles.length);
    expect(store.positionOf('flood-3')).toBe(7);
    expect(store.article(7)!.id).toBe('flood-3');
    expect(store.vector(7)).toBe(vectors[7]);
    expect(store.positionOf('unknown')).toBeUndefined();
  });

  it('finds each new article\'s nearest neighbours among everything stored, itself left out', async () => {
    const { store } = await filled();
    const flood3 = store.neighbors(store.positionOf('flood-3')!);
    expect(flood3.positions.length).toBe(3);
    expect(idsOf(store, flood3.positions).slice(0, 2).sort()).toEqual(['flood-1', 'flood-2']);
    expect(idsOf(store, flood3.positions)).not.toContain('flood-3');
    // Best first.
    for (let k = 1; k < flood3.similarities.length; k++) expect(flood3.similarities[k]!).toBeLessThanOrEqual(flood3.similarities[k - 1]!);
    // Articles of the first batch found their neighbours among the first batch only.
    expect(idsOf(store, store.neighbors(0).positions)).not.toContain('flood-3');
  });

  it('searches by vector and answers with positions', async () => {
    const { store, vectors } = await filled();
    const [best] = await store.search(vectors[1]!, 1);
    expect(best).toEqual({ position: 1, similarity: expect.closeTo(1, 6) });
  });

  it('adds a batch whole or not at all', async () => {
    const { store, vectors } = await filled();
    const again = [normalizeArticle({ id: 'fresh', text: 'A new article about something else.' }), articles[0]!];
    await expect(store.addBatch(again, [vectors[0]!, vectors[0]!])).rejects.toThrow(DuplicateIdError);
    expect(store.count).toBe(articles.length);
    expect(store.positionOf('fresh')).toBeUndefined();
  });

  it('removes articles, then compacts positions keeping their order and renumbering neighbour lists', async () => {
    const { store } = await filled();
    const before = idsOf(store, store.neighbors(store.positionOf('flood-3')!).positions);
    store.remove(store.positionOf('launch-1')!);
    store.remove(store.positionOf('bakery')!);
    expect(store.size).toBe(articles.length - 2);
    expect(store.removedCount).toBe(2);
    expect((await store.search(store.vector(store.positionOf('launch-2')!)!, 20)).map((m) => store.article(m.position)!.id)).not.toContain('launch-1');
    const newPositionOf = store.compact()!;
    expect(Array.from(newPositionOf)).toEqual([0, 1, -1, 2, 3, -1, 4, 5, 6]);
    expect(store.count).toBe(articles.length - 2);
    expect(store.removedCount).toBe(0);
    expect(store.positionOf('flood-3')).toBe(5);
    const after = idsOf(store, store.neighbors(5).positions);
    expect(after).toEqual(before.filter((id) => id !== 'launch-1' && id !== 'bakery'));
    expect(store.compact()).toBeUndefined();
  });

  it('restores from its snapshot to a store that answers the same', async () => {
    const { store, vectors } = await filled();
    const restored = MemoryArticleStore.restore(store.snapshot(), options());
    expect(restored.count).toBe(store.count);
    for (let i = 0; i < store.count; i++) expect(restored.neighbors(i)).toEqual(store.neighbors(i));
    expect(await restored.search(vectors[4]!, 3)).toEqual(await store.search(vectors[4]!, 3));
  });

  it('keeps dense vectors dense and finds the same neighbours as with sparse ones', async () => {
    const dense = (await filled({ vectorKind: 'dense' })).store;
    const sparse = (await filled()).store;
    expect(dense.vector(0)).toBeInstanceOf(Float32Array);
    for (let i = 0; i < dense.count; i++) expect(Array.from(dense.neighbors(i).positions)).toEqual(Array.from(sparse.neighbors(i).positions));
  });
});
