// One feed shared by many processes and machines through PostgreSQL + pgvector. The database
// is the source of truth; each process keeps a replica of the feed's active state (a
// StoryDetector: articles, vectors, neighbour graph, stories) and the number of the last
// decision it applied. A writer embeds outside any lock, acknowledges its articles by
// committing them as pending rows, then, in one transaction holding the feed's advisory
// lock, catches its replica up with the decisions it missed and decides every pending row
// of the feed (its own and any a killed writer left). Readers catch up without the lock.

import type { Pool, PoolClient } from 'pg';
import { checkArticleCollection, normalizeArticles, type Article, type NormalizedArticle } from '../../article.js';
import type { StoryChange } from '../../cluster/live-stories.js';
import type { StoryCluster } from '../../cluster/story-cluster.js';
import { StoryDetector, type AddResult, type ClustersOptions, type DetectorReplica, type MatchOptions, type StoryDetectorOptions, type StoryMatch } from '../../detector.js';
import { DEFAULT_BATCH_SIZE } from '../../detector-options.js';
import { defaultEmbedder } from '../../embed/create-embedder.js';
import { embedArticles } from '../../embed/embed-articles.js';
import { vectorKindOf, type Embedder } from '../../embed/embedder.js';
import { DimensionMismatchError, EmbedderMismatchError, InvalidOptionsError, throwIfAborted } from '../../errors.js';
import type { ProgressCallback } from '../../progress.js';
import { progressOf } from '../../progress.js';
import type { EmbeddingVector } from '../../vectors/sparse-vector.js';
import { openPool } from './connection.js';
import { dayOf, insertPending, latestDecision, nextDecision, readDecisions, readPending, writeDecision } from './feed-rows.js';
import { dropArchivedPartitions, ensurePartitions, LOCK_CLASS, migrate } from './schema.js';
import { vectorToText } from './vector-text.js';

/** The detector's options (the archive lives in the database, so no `archiveDir`), and where the feed is. */
export interface PostgresFeedOptions extends Omit<StoryDetectorOptions, 'archiveDir'> {
  /**
   * PostgreSQL connection string; the server needs pgvector (0.8).
   * @example 'postgres://samestory@db.internal:5432/news'
   */
  connectionString: string;
  /**
   * Name of the feed: every process connecting with the same name adds to and reads the same stories.
   * @example 'world-news'
   */
  feed: string;
  /** Connections this process opens at most. @default 4 */
  maxConnections?: number;
}

export interface FeedAddOptions {
  signal?: AbortSignal;
  onProgress?: ProgressCallback;
  /** Leave out articles whose id the feed already holds, instead of failing. @default false */
  skipDuplicates?: boolean;
  /** Called with the ids of each batch once it is committed (acknowledged: never lost after this). */
  onAcknowledged?: (ids: string[]) => void;
}

export interface FeedSearchOptions {
  /** HNSW candidate list size (pgvector `hnsw.ef_search`), when the search index exists. @default 100 */
  efSearch?: number;
}

/** A feed shared through PostgreSQL: `add` from any number of processes, read from any. */
export class PostgresFeed {
  readonly embedder: Embedder;
  readonly feed: string;
  private replica: StoryDetector;
  private hooks: DetectorReplica;
  // Number of the last decision the replica took in.
  private cursor = 0;
  private readonly knownDays = new Set<string>();
  // A decision archived stories: their days may be droppable.
  private archivedSinceDrop = false;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly batchSize: number;

  private constructor(
    private readonly pool: Pool,
    embedder: Embedder,
    private readonly options: PostgresFeedOptions,
  ) {
    this.embedder = embedder;
    this.feed = options.feed;
    this.batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
    ({ detector: this.replica, hooks: this.hooks } = this.freshReplica());
  }

  /**
   * Connects, migrates the schema when needed (SchemaVersionError when the database is newer
   * than this library), registers the feed (EmbedderMismatchError when it was created with
   * another embedder) and reads its current stories.
   */
  static async connect(options: PostgresFeedOptions): Promise<PostgresFeed> {
    if (typeof options?.feed !== 'string' || options.feed === '') throw new InvalidOptionsError('feed', 'give the feed a non-empty name');
    if (typeof options.connectionString !== 'string') throw new InvalidOptionsError('connectionString', 'give a postgres:// connection string');
    // A JavaScript caller (or a cast) may still pass it; a silently unused folder would look
    // like a second archive that never fills.
    if ((options as { archiveDir?: unknown }).archiveDir !== undefined) {
      throw new InvalidOptionsError('archiveDir', 'a PostgresFeed keeps its archive in the database; leave archiveDir out');
    }
    const embedder = options.embedder ?? (await defaultEmbedder());
    const pool = await openPool({ connectionString: options.connectionString, max: options.maxConnections ?? 4 });
    try {
      const client = await pool.connect();
      try {
        await migrate(client);
        await registerFeed(client, options.feed, embedder);
      } finally {
        client.release();
      }
      const feed = new PostgresFeed(pool, embedder, options);
      await feed.refresh();
      return feed;
    } catch (error) {
      await pool.end().catch(() => undefined);
      throw error;
    }
  }

  /** Average (calibrated) similarity at which articles join one story. */
  get similarityThreshold(): number {
    return this.replica.similarityThreshold;
  }

  /** Articles in the active window, as of the last catch-up. */
  get size(): number {
    return this.replica.size;
  }

  /**
   * Adds articles to the feed, batch by batch: each batch is embedded (no lock held),
   * committed as pending rows (acknowledged), then decided in one transaction under the
   * feed's lock together with any other pending rows. A process killed at any point leaves
   * no half-written decision; its acknowledged articles are decided by the next writer.
   * Each batch is validated on its own (a bad article or a repeated id fails its batch;
   * batches before it stay added), as a stream is in StoryDetector.add.
   */
  add(articles: Iterable<Article> | AsyncIterable<Article>, options: FeedAddOptions = {}): Promise<AddResult> {
    try {
      checkArticleCollection(articles);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.enqueue(() => this.addNow(articles, options ?? {}));
  }

  private async addNow(articles: Iterable<Article> | AsyncIterable<Article>, options: FeedAddOptions): Promise<AddResult> {
    const added: string[] = [];
    const changes: StoryChange[] = [];
    const addBatch = async (batch: unknown[]) => {
      const normalized = normalizeArticles(batch, undefined, this.normalizeOptions);
      throwIfAborted(options.signal);
      const vectors = await embedArticles(this.embedder, normalized, { batchSize: normalized.length, ...(options.signal ? { signal: options.signal } : {}) });
      throwIfAborted(options.signal);
      const inserted = await this.acknowledge(normalized, vectors, options.skipDuplicates === true);
      const ids = normalized.filter((a) => inserted.has(a.id)).map((a) => a.id);
      options.onAcknowledged?.(ids);
      added.push(...ids);
      changes.push(...(await this.decide()));
      if (this.archivedSinceDrop) await this.dropArchivedDays();
      options.onProgress?.(progressOf('embed', added.length, 0));
    };
    let batch: unknown[] = [];
    for await (const article of articles as AsyncIterable<Article>) {
      throwIfAborted(options.signal);
      batch.push(article);
      if (batch.length >= this.batchSize) {
        await addBatch(batch);
        batch = [];
      }
    }
    if (batch.length > 0) await addBatch(batch);
    return { added, changes };
  }

  private get normalizeOptions(): { maxTextChars?: number } {
    return this.options.maxTextChars !== undefined ? { maxTextChars: this.options.maxTextChars } : {};
  }

  // Commits the batch as pending rows: from here on it is acknowledged.
  private async acknowledge(articles: NormalizedArticle[], vectors: EmbeddingVector[], skipDuplicates: boolean): Promise<Set<string>> {
    const now = (this.options.now ?? Date.now)();
    const rows = articles.map((article, i) => ({ article, vector: vectors[i]!, day: dayOf(article, now) }));
    const days = rows.map((row) => row.day);
    const insert = (client: PoolClient) =>
      inTransaction(client, async () => {
        await ensurePartitions(client, days, this.knownDays);
        return insertPending(client, this.feed, this.embedder.dimension, rows, skipDuplicates);
      });
    return this.withClient(async (client) => {
      try {
        return await insert(client);
      } catch (error) {
        // 23514: no partition for the row. Another process dropped a day this one still
        // thought was there (every story of it archived); create it again.
        if ((error as { code?: string }).code !== '23514') throw error;
        this.knownDays.clear();
        return insert(client);
      }
    });
  }

  /**
   * Decides every pending row of the feed (one transaction under the feed's lock). Any
   * process may call it, e.g. to finish the work of a writer that was killed.
   */
  decidePending(): Promise<StoryChange[]> {
    return this.enqueue(() => this.decide());
  }

  private async decide(): Promise<StoryChange[]> {
    // Most of what other writers decided is taken in before the lock, so the time under it
    // (which every writer of the feed waits for) is spent on the decision itself.
    await this.catchUpSnapshot();
    return this.withClient(async (client) => {
      const decided = await this.replicaTransaction(client, 'BEGIN', async () => {
        await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [LOCK_CLASS, this.feed]);
        await this.catchUp(client);
        const pending = await readPending(client, this.feed);
        if (pending.articles.length === 0) return undefined;
        const seq = await nextDecision(client, this.feed);
        const changes = await this.hooks.decide(pending.articles, pending.vectors);
        await writeDecision(client, this.feed, seq, {
          decided: pending.articles.map((article) => ({
            id: article.id,
            storyFirst: this.hooks.storyFirstId(article.id)!,
            neighbors: this.hooks.neighborIds(article.id),
          })),
          changes,
          archivedStory: (storyId) => this.hooks.archivedStory(storyId)!,
        });
        return { seq, changes };
      });
      if (!decided) return [];
      this.cursor = decided.seq;
      if (decided.changes.some((change) => change.type === 'archived')) this.archivedSinceDrop = true;
      return decided.changes;
    });
  }

  // A transaction that reads into the replica or decides with it: after any failure the
  // replica may hold what the database does not, so it starts again from the database.
  private async replicaTransaction<T>(client: PoolClient, begin: string, work: () => Promise<T>): Promise<T> {
    try {
      return await inTransaction(client, work, begin);
    } catch (error) {
      this.discardReplica();
      throw error;
    }
  }

  // Best effort: a day that cannot be dropped now is dropped after a later decision.
  private async dropArchivedDays(): Promise<void> {
    this.archivedSinceDrop = false;
    try {
      const dropped = await this.withClient((client) => dropArchivedPartitions(client));
      for (const partition of dropped) this.knownDays.delete(`${partition.slice(-8, -4)}-${partition.slice(-4, -2)}-${partition.slice(-2)}`);
    } catch {
      this.archivedSinceDrop = true;
    }
  }

  /** Takes in the decisions other processes made since the last call (no lock taken). */
  refresh(): Promise<void> {
    return this.enqueue(() => this.catchUpSnapshot());
  }

  // Catches up from one consistent snapshot of the database, without the feed's lock.
  private catchUpSnapshot(): Promise<void> {
    return this.withClient((client) => this.replicaTransaction(client, 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY', () => this.catchUp(client)));
  }

  private async catchUp(client: PoolClient): Promise<void> {
    const upTo = await latestDecision(client, this.feed);
    if (upTo <= this.cursor) return;
    const update = await readDecisions(client, this.feed, this.cursor, upTo);
    await this.hooks.apply(update);
    this.cursor = upTo;
  }

  private discardReplica(): void {
    ({ detector: this.replica, hooks: this.hooks } = this.freshReplica());
    this.cursor = 0;
  }

  private freshReplica(): { detector: StoryDetector; hooks: DetectorReplica } {
    const { connectionString: _url, feed: _feed, maxConnections: _max, ...detectorOptions } = this.options;
    return StoryDetector.createReplica(this.embedder, detectorOptions);
  }

  /** The feed's stories after catching up (see StoryDetector.clusters). */
  async clusters(options: ClustersOptions = {}): Promise<StoryCluster[]> {
    await this.refresh();
    return this.replica.clusters(options);
  }

  /** The story with this id, active or archived, after catching up. */
  async story(storyId: string): Promise<StoryCluster | undefined> {
    await this.refresh();
    return this.replica.story(storyId);
  }

  /** The story an article belongs to, after catching up (NotFoundError when unknown). */
  async storyOfArticle(id: string): Promise<StoryCluster> {
    await this.refresh();
    return this.replica.storyOfArticle(id);
  }

  /** The active stories nearest to an article that is not added (see StoryDetector.match). */
  async match(article: Article, options: MatchOptions = {}): Promise<StoryMatch[]> {
    await this.refresh();
    return this.replica.match(article, options);
  }

  /**
   * The `k` decided, active articles nearest to `vector` by inner product, searched in SQL:
   * an exact scan, or pgvector's HNSW index once `createSearchIndex` made one.
   */
  async search(vector: EmbeddingVector, k: number, options: FeedSearchOptions = {}): Promise<Array<{ id: string; similarity: number }>> {
    const { column, cast } = embeddingExpression(this.embedder);
    const dimension = this.embedder.dimension;
    return this.withClient(async (client) => {
      await client.query('BEGIN');
      try {
        await client.query(`SET LOCAL hnsw.ef_search = ${Math.max(k, Math.floor(options.efSearch ?? 100))}`);
        await client.query('SET LOCAL hnsw.iterative_scan = relaxed_order');
        const { rows } = await client.query<{ id: string; distance: number }>(
          `SELECT id, (${column}::${cast}) <#> $2::${cast} AS distance FROM samestory_articles
           WHERE feed = $1 AND dimension = ${dimension} AND decided_seq IS NOT NULL AND archived_seq IS NULL
           ORDER BY (${column}::${cast}) <#> $2::${cast} LIMIT $3`,
          [this.feed, vectorToText(vector, dimension), k],
        );
        await client.query('COMMIT');
        // <#> is the negative inner product; results are re-ordered as pgvector's relaxed order may not be.
        return rows.map((row) => ({ id: row.id, similarity: -row.distance })).sort((a, b) => b.similarity - a.similarity);
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      }
    });
  }

  /**
   * Builds pgvector's HNSW index for this feed's vectors (on every daily partition, present
   * and future). Worth it beyond some tens of thousands of active articles; below that an
   * exact scan is as fast and exact.
   */
  async createSearchIndex(): Promise<void> {
    const { column, cast, ops } = embeddingExpression(this.embedder);
    const name = `samestory_articles_hnsw_${cast.replace(/[^a-z0-9]/g, '')}`;
    await this.withClient((client) =>
      client.query(`CREATE INDEX IF NOT EXISTS ${name} ON samestory_articles USING hnsw ((${column}::${cast}) ${ops}) WHERE dimension = ${this.embedder.dimension}`),
    );
  }

  /** Closes the connections (waits for calls in progress). */
  async close(): Promise<void> {
    await this.queue;
    await this.pool.end();
  }

  private async withClient<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      return await work(client);
    } catch (error) {
      broken = error as Error;
      throw error;
    } finally {
      // A client whose transaction failed mid-way is not handed out again.
      client.release(broken);
    }
  }

  private enqueue<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work);
    this.queue = run.catch(() => undefined);
    return run;
  }
}

async function inTransaction<T>(client: PoolClient, work: () => Promise<T>, begin = 'BEGIN'): Promise<T> {
  await client.query(begin);
  try {
    const result = await work();
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

async function registerFeed(client: PoolClient, feed: string, embedder: Embedder): Promise<void> {
  await client.query(
    'INSERT INTO samestory_feeds (feed, embedder_id, dimension, vector_kind) VALUES ($1, $2, $3, $4) ON CONFLICT (feed) DO NOTHING',
    [feed, embedder.id, embedder.dimension, vectorKindOf(embedder)],
  );
  const { rows } = await client.query<{ embedder_id: string; dimension: number; vector_kind: string }>(
    'SELECT embedder_id, dimension, vector_kind FROM samestory_feeds WHERE feed = $1',
    [feed],
  );
  const registered = rows[0]!;
  const kind = vectorKindOf(embedder);
  if (registered.embedder_id !== embedder.id || registered.vector_kind !== kind) {
    throw new EmbedderMismatchError(`${registered.embedder_id} (${registered.vector_kind})`, `${embedder.id} (${kind})`, `feed '${feed}'`);
  }
  if (registered.dimension !== embedder.dimension) throw new DimensionMismatchError(registered.dimension, embedder.dimension, `feed '${feed}'`);
}

// The indexed expression: pgvector's HNSW needs a typed dimension, the table holds any.
function embeddingExpression(embedder: Embedder): { column: string; cast: string; ops: string } {
  const d = embedder.dimension;
  if (vectorKindOf(embedder) === 'sparse') return { column: 'sparse_embedding', cast: `sparsevec(${d})`, ops: 'sparsevec_ip_ops' };
  // HNSW takes vector up to 2,000 dimensions and halfvec up to 4,000.
  if (d <= 2000) return { column: 'dense_embedding', cast: `vector(${d})`, ops: 'vector_ip_ops' };
  return { column: 'dense_embedding', cast: `halfvec(${d})`, ops: 'halfvec_ip_ops' };
}
