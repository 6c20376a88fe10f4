// The in-process ArticleStore: arrays by position, a map from article id to position, and
// an AnnIndex keyed by article id. Neighbour lists are kept as two small typed arrays per
// article rather than arrays of objects (10 edges: about 120 bytes instead of 500).

import type { NormalizedArticle } from '../article.js';
import type { AnnIndex } from '../ann/ann-index.js';
import { AUTO_EXACT_MAX_SIZE, createAnnIndex } from '../ann/create-ann-index.js';
import { ExactIndex } from '../ann/exact-index.js';
import { SparseIndex } from '../ann/sparse-index.js';
import type { DetectorIndexChoice } from '../detector-options.js';
import type { VectorKind, EmbeddingVector } from '../vectors/sparse-vector.js';
import { allocateNeighborList, type ArticleStore, type NeighborList, type PositionMatch, type StoreSnapshot } from './article-store.js';

export interface MemoryArticleStoreOptions {
  dimension: number;
  /** Which index to keep ('auto': by `vectorKind`, see StoryDetectorOptions.index). */
  index: DetectorIndexChoice;
  /** The embedder's vector shape; with 'auto', sparse vectors get the sparse index. */
  vectorKind: VectorKind;
  /** Candidate neighbours kept per article. */
  neighbors: number;
}

const NO_NEIGHBORS: NeighborList = { positions: new Int32Array(0), similarities: new Float64Array(0) };

export class MemoryArticleStore implements ArticleStore {
  readonly dimension: number;
  private readonly options: MemoryArticleStoreOptions;
  private index: AnnIndex;
  private articleList: Array<NormalizedArticle | undefined> = [];
  private vectorList: Array<EmbeddingVector | undefined> = [];
  private neighborLists: NeighborList[] = [];
  private readonly positions = new Map<string, number>();
  private removed = 0;

  constructor(options: MemoryArticleStoreOptions, index?: AnnIndex) {
    this.dimension = options.dimension;
    this.options = options;
    this.index = index ?? createAnnIndex(initialIndexKind(options), options.dimension);
  }

  /** A store holding a saved snapshot (already validated by the bundle reader). */
  static restore(snapshot: StoreSnapshot, options: MemoryArticleStoreOptions): MemoryArticleStore {
    // Bundles saved before the sparse index hold a dense index for sparse vectors; the
    // saved vectors rebuild the index the options now choose (exact, so nothing is lost).
    const wantsSparse = options.index === 'sparse' || (options.index === 'auto' && options.vectorKind === 'sparse');
    const index = wantsSparse && !(snapshot.index instanceof SparseIndex) ? rebuiltSparseIndex(snapshot, options.dimension) : snapshot.index;
    const store = new MemoryArticleStore(options, index);
    snapshot.articles.forEach((article, i) => {
      store.positions.set(article.id, i);
      store.articleList.push(article);
      store.vectorList.push(snapshot.vectors[i]!);
      store.neighborLists.push(snapshot.neighborLists[i]!);
    });
    return store;
  }

  get count(): number {
    return this.articleList.length;
  }

  get size(): number {
    return this.positions.size;
  }

  get removedCount(): number {
    return this.removed;
  }

  positionOf(id: string): number | undefined {
    return this.positions.get(id);
  }

  article(position: number): NormalizedArticle | undefined {
    return this.articleList[position];
  }

  vector(position: number): EmbeddingVector | undefined {
    return this.vectorList[position];
  }

  vectors(): ReadonlyArray<EmbeddingVector | undefined> {
    return this.vectorList;
  }

  neighbors(position: number): NeighborList {
    return this.neighborLists[position] ?? NO_NEIGHBORS;
  }

  /** Indexes and stores a batch with no neighbours yet; returns its first position. */
  private append(articles: readonly NormalizedArticle[], vectors: readonly EmbeddingVector[]): number {
    const first = this.articleList.length;
    if (articles.length === 0) return first;
    this.maybeSwitchToHnsw(this.positions.size + articles.length);
    // Validates the whole batch before inserting anything.
    this.index.addMany(articles.map((article, i) => ({ id: article.id, vector: vectors[i]! })));
    articles.forEach((article, i) => {
      this.positions.set(article.id, first + i);
      this.articleList.push(article);
      this.vectorList.push(vectors[i]!);
      this.neighborLists.push(NO_NEIGHBORS);
    });
    return first;
  }

  async addBatch(articles: readonly NormalizedArticle[], vectors: readonly EmbeddingVector[]): Promise<number> {
    const first = this.append(articles, vectors);
    const k = this.options.neighbors;
    for (let i = first; i < this.articleList.length; i++) {
      const found = this.index.search(this.vectorList[i]!, k + 1);
      const list = allocateNeighborList(Math.min(k, found.length));
      let n = 0;
      for (const neighbor of found) {
        const position = this.positions.get(neighbor.id);
        if (position === undefined || position === i || n === list.positions.length) continue;
        list.positions[n] = position;
        list.similarities[n++] = neighbor.similarity;
      }
      this.neighborLists[i] = n === list.positions.length ? list : shortened(list, n);
    }
    return first;
  }

  /**
   * Stores articles whose neighbours were found elsewhere (a shared feed's replica taking in
   * another process's decisions): `neighbors[i]` lists article ids, which may be in this
   * batch; ids not stored are left out. Returns the first position.
   */
  addDecided(
    articles: readonly NormalizedArticle[],
    vectors: readonly EmbeddingVector[],
    neighbors: ReadonlyArray<{ ids: readonly string[]; similarities: readonly number[] }>,
  ): number {
    const first = this.append(articles, vectors);
    neighbors.forEach((list, i) => {
      const positions: number[] = [];
      const similarities: number[] = [];
      list.ids.forEach((id, k) => {
        const position = this.positions.get(id);
        if (position === undefined) return;
        positions.push(position);
        similarities.push(list.similarities[k]!);
      });
      const stored = allocateNeighborList(positions.length);
      stored.positions.set(positions);
      stored.similarities.set(similarities);
      this.neighborLists[first + i] = stored;
    });
    return first;
  }

  async search(vector: EmbeddingVector, k: number): Promise<PositionMatch[]> {
    return this.searchNow(vector, k);
  }

  /** `search` without the promise, for callers that must not yield (see the detector's match). */
  searchNow(vector: EmbeddingVector, k: number): PositionMatch[] {
    const matches: PositionMatch[] = [];
    for (const neighbor of this.index.search(vector, k)) {
      const position = this.positions.get(neighbor.id);
      if (position !== undefined) matches.push({ position, similarity: neighbor.similarity });
    }
    return matches;
  }

  remove(position: number): void {
    const article = this.articleList[position];
    if (!article) return;
    this.index.delete(article.id);
    this.positions.delete(article.id);
    this.articleList[position] = undefined;
    this.vectorList[position] = undefined;
    this.neighborLists[position] = NO_NEIGHBORS;
    this.removed++;
  }

  compact(): Int32Array | undefined {
    if (this.removed === 0) return undefined;
    const count = this.articleList.length;
    const newPositionOf = new Int32Array(count).fill(-1);
    let next = 0;
    for (let i = 0; i < count; i++) if (this.articleList[i]) newPositionOf[i] = next++;
    const keep = <T>(list: T[]): T[] => list.filter((_, i) => newPositionOf[i]! >= 0);
    this.articleList = keep(this.articleList);
    this.vectorList = keep(this.vectorList);
    this.neighborLists = keep(this.neighborLists).map((list) => renumber(list, newPositionOf));
    this.articleList.forEach((article, i) => this.positions.set(article!.id, i));
    this.removed = 0;
    return newPositionOf;
  }

  snapshot(): StoreSnapshot {
    return {
      articles: this.articleList as NormalizedArticle[],
      vectors: this.vectorList as EmbeddingVector[],
      neighborLists: this.neighborLists,
      index: this.index,
    };
  }

  // Dense embedders start on the exact index (cheaper and exact while small) and move to
  // HNSW once the collection outgrows it.
  private maybeSwitchToHnsw(expectedSize: number): void {
    if (this.options.index !== 'auto' || this.options.vectorKind === 'sparse') return;
    if (expectedSize <= AUTO_EXACT_MAX_SIZE || this.index.size > AUTO_EXACT_MAX_SIZE || !(this.index instanceof ExactIndex)) return;
    const hnsw = createAnnIndex('hnsw', this.dimension, { maxElements: Math.max(2 * expectedSize, 1024) });
    hnsw.addMany(this.articleList.flatMap((article, i) => (article ? [{ id: article.id, vector: this.vectorList[i]! }] : [])));
    this.index = hnsw;
  }
}

function initialIndexKind(options: MemoryArticleStoreOptions): 'sparse' | 'exact' | 'hnsw' {
  if (options.index !== 'auto') return options.index;
  return options.vectorKind === 'sparse' ? 'sparse' : 'exact';
}

function rebuiltSparseIndex(snapshot: StoreSnapshot, dimension: number): AnnIndex {
  const index = new SparseIndex(dimension);
  index.addMany(snapshot.articles.map((article, i) => ({ id: article.id, vector: snapshot.vectors[i]! })));
  return index;
}

function renumber(list: NeighborList, newPositionOf: Int32Array): NeighborList {
  let kept = 0;
  for (let k = 0; k < list.positions.length; k++) if (newPositionOf[list.positions[k]!]! >= 0) kept++;
  const { positions, similarities } = allocateNeighborList(kept);
  let n = 0;
  for (let k = 0; k < list.positions.length; k++) {
    const to = newPositionOf[list.positions[k]!]!;
    if (to < 0) continue;
    positions[n] = to;
    similarities[n++] = list.similarities[k]!;
  }
  return { positions, similarities };
}

/** The first `n` edges of `list`, in a list of their own. */
function shortened(list: NeighborList, n: number): NeighborList {
  const out = allocateNeighborList(n);
  out.positions.set(list.positions.subarray(0, n));
  out.similarities.set(list.similarities.subarray(0, n));
  return out;
}
