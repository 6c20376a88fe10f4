// The PostgreSQL-backed feed: the conformance suite, then what only a shared feed does —
// several writers on one feed, decisions taken over from a writer that died, readers that
// do not wait for writers, the versioned schema and SQL candidate search.

import pg from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Article } from '../../src/article.js';
import { storyIdFor } from '../../src/cluster/story-cluster.js';
import { StoryDetector } from '../../src/detector.js';
import { EmbedderMismatchError, InvalidOptionsError, SchemaVersionError } from '../../src/errors.js';
import { LOCK_CLASS, SCHEMA_VERSION } from '../../src/store/postgres/schema.js';
import { PostgresFeed, type PostgresFeedOptions } from '../../src/store/postgres/postgres-feed.js';
import { ExactIndex } from '../../src/ann/exact-index.js';
import { SparseWordHashEmbedder, WordHashEmbedder } from '../support/word-hash-embedder.js';
import { freshDatabase } from '../support/postgres-test-database.js';
import { firstArticles, floodQuery, generatedArticles, laterArticles } from '../persist/story-articles.js';
import { feedConformance } from './feed-conformance.js';

let url: string;
let feeds = 0;
beforeAll(async () => {
  url = await freshDatabase();
});

const connect = (options: Omit<PostgresFeedOptions, 'connectionString' | 'feed'> & { feed?: string }) =>
  PostgresFeed.connect({ connectionString: url, feed: options.feed ?? `feed-${feeds++}`, ...options });

feedConformance('PostgresFeed', async (options) => {
  const feed = await connect(options);
  return {
    add: (articles) => feed.add(articles),
    clusters: (o) => feed.clusters(o),
    story: (id) => feed.story(id),
    storyOfArticle: (id) => feed.storyOfArticle(id),
    match: (article) => feed.match(article),
    size: async () => {
      await feed.refresh();
      return feed.size;
    },
    close: () => feed.close(),
  };
});

const groups = (stories: { articleIds: string[] }[]) => stories.map((s) => [...s.articleIds].sort()).sort();

describe('PostgresFeed shared by several writers', () => {
  it('decides like one in-process detector given the same batches', async () => {
    const articles = generatedArticles('g', 120);
    const local = await StoryDetector.create({ embedder: new SparseWordHashEmbedder() });
    const shared = await connect({ embedder: new SparseWordHashEmbedder() });
    for (let i = 0; i < articles.length; i += 20) {
      await local.add(articles.slice(i, i + 20));
      await shared.add(articles.slice(i, i + 20));
    }
    expect(groups(await shared.clusters())).toEqual(groups(local.clusters()));
    await shared.close();
  });

  it('puts every article of two concurrent writers in exactly one story, and both see the same stories', async () => {
    const name = `two-writers-${feeds++}`;
    const a = await connect({ feed: name, embedder: new WordHashEmbedder(), batchSize: 5 });
    const b = await connect({ feed: name, embedder: new WordHashEmbedder(), batchSize: 5 });
    const articles = generatedArticles('w', 80);
    await Promise.all([a.add(articles.filter((_, i) => i % 2 === 0)), b.add(articles.filter((_, i) => i % 2 === 1))]);
    const seenByA = await a.clusters();
    const seenByB = await b.clusters();
    expect(groups(seenByA)).toEqual(groups(seenByB));
    expect(seenByA.flatMap((s) => s.articleIds).sort()).toEqual(articles.map((x) => x.id).sort());
    const reader = await connect({ feed: name, embedder: new WordHashEmbedder() });
    expect(groups(await reader.clusters())).toEqual(groups(seenByA));
    await Promise.all([a.close(), b.close(), reader.close()]);
  });

  it('decides the acknowledged articles of a writer that died before deciding them', async () => {
    const name = `takeover-${feeds++}`;
    const dying = await connect({ feed: name, embedder: new WordHashEmbedder() });
    const acknowledged: string[] = [];
    // The writer "dies" right after its batch is committed as pending rows.
    await expect(
      dying.add(firstArticles, {
        onAcknowledged: (ids) => {
          acknowledged.push(...ids);
          throw new Error('killed');
        },
      }),
    ).rejects.toThrow('killed');
    expect(acknowledged).toHaveLength(firstArticles.length);
    const next = await connect({ feed: name, embedder: new WordHashEmbedder() });
    expect(await next.clusters()).toEqual([]);
    await next.add(laterArticles);
    expect(groups(await next.clusters())).toEqual([
      ['bakery'],
      ['election-1', 'election-2'],
      ['flood-1', 'flood-2', 'flood-3'],
      ['launch-1', 'launch-2'],
      ['museum'],
    ]);
    await Promise.all([dying.close(), next.close()]);
  });

  it('lets readers catch up while a writer holds the feed lock', async () => {
    const name = `reader-${feeds++}`;
    const writer = await connect({ feed: name, embedder: new WordHashEmbedder() });
    await writer.add(firstArticles);
    const blocker = new pg.Client({ connectionString: url });
    await blocker.connect();
    await blocker.query('BEGIN');
    await blocker.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [LOCK_CLASS, name]);
    const reader = await connect({ feed: name, embedder: new WordHashEmbedder() });
    expect((await reader.clusters()).flatMap((s) => s.articleIds)).toHaveLength(firstArticles.length);
    await blocker.query('ROLLBACK');
    await blocker.end();
    await Promise.all([writer.close(), reader.close()]);
  });

  it('refuses a feed created with another embedder', async () => {
    const name = `embedder-${feeds++}`;
    await (await connect({ feed: name, embedder: new WordHashEmbedder() })).close();
    await expect(connect({ feed: name, embedder: new SparseWordHashEmbedder() })).rejects.toThrow(EmbedderMismatchError);
  });
});

describe('PostgresFeed options', () => {
  it('refuses an archiveDir, since the archive lives in the database', async () => {
    const options = { connectionString: url, feed: 'with-folder', embedder: new WordHashEmbedder(), archiveDir: '/tmp/archive' } as PostgresFeedOptions;
    const error = await PostgresFeed.connect(options).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidOptionsError);
    expect((error as InvalidOptionsError).code).toBe('INVALID_OPTIONS');
    expect((error as InvalidOptionsError).option).toBe('archiveDir');
  });
});

describe('PostgresFeed schema', () => {
  it('migrates a fresh database once when several processes connect at the same time', async () => {
    const fresh = await freshDatabase();
    const opened = await Promise.all([1, 2, 3].map((i) => PostgresFeed.connect({ connectionString: fresh, feed: `f${i}`, embedder: new WordHashEmbedder() })));
    await Promise.all(opened.map((f) => f.close()));
    const client = new pg.Client({ connectionString: fresh });
    await client.connect();
    const { rows } = await client.query('SELECT version FROM samestory_schema ORDER BY version');
    await client.end();
    expect(rows.map((r) => r.version)).toEqual(Array.from({ length: SCHEMA_VERSION }, (_, i) => i + 1));
  });

  it('refuses a database migrated by a newer samestory with SchemaVersionError', async () => {
    const fresh = await freshDatabase();
    await (await PostgresFeed.connect({ connectionString: fresh, feed: 'f', embedder: new WordHashEmbedder() })).close();
    const client = new pg.Client({ connectionString: fresh });
    await client.connect();
    await client.query('INSERT INTO samestory_schema (version) VALUES ($1)', [SCHEMA_VERSION + 1]);
    await client.end();
    const error = await PostgresFeed.connect({ connectionString: fresh, feed: 'f', embedder: new WordHashEmbedder() }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SchemaVersionError);
    expect((error as SchemaVersionError).found).toBe(SCHEMA_VERSION + 1);
  });

  it('files articles in daily partitions', async () => {
    const name = `days-${feeds++}`;
    const feed = await connect({ feed: name, embedder: new WordHashEmbedder() });
    await feed.add(firstArticles.concat(laterArticles));
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const { rows } = await client.query<{ partition: string; n: string }>(
      'SELECT tableoid::regclass::text AS partition, count(*) AS n FROM samestory_articles WHERE feed = $1 GROUP BY 1 ORDER BY 1',
      [name],
    );
    await client.end();
    expect(rows.map((r) => [r.partition, Number(r.n)])).toEqual([
      ['samestory_articles_p20240506', 8],
      ['samestory_articles_p20240507', 1],
    ]);
    await feed.close();
  });
});

describe('PostgresFeed leaving the active window', () => {
  const DAY = 86_400_000;
  const start = Date.UTC(2024, 4, 6);
  const reports = (topic: string, words: string, day: number): Article[] =>
    [0, 1].map((i) => ({ id: `${topic}-${day}-${i}`, title: `${words} ${i}`, text: `${words}. ${words}, said officials.`, publishedAt: start + day * DAY + i * 3_600_000 }));

  it('drops the daily partitions whose stories are all archived, and takes a late article for such a day again', async () => {
    const fresh = await freshDatabase();
    const open = () => PostgresFeed.connect({ connectionString: fresh, feed: 'window', embedder: new WordHashEmbedder(), activeWindowDays: 3, timeWindowDays: 1 });
    const feed = await open();
    const other = await open();
    await feed.add(reports('flood', 'river flood closes the old bridge', 0));
    await feed.add(reports('launch', 'rocket puts weather satellite in orbit', 1));
    const partitions = async () => {
      const client = new pg.Client({ connectionString: fresh });
      await client.connect();
      const { rows } = await client.query<{ relname: string }>(
        "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'samestory_articles'::regclass ORDER BY 1",
      );
      await client.end();
      return rows.map((r) => r.relname);
    };
    expect(await partitions()).toEqual(['samestory_articles_p20240506', 'samestory_articles_p20240507']);
    await other.add(reports('vote', 'voters choose new mayor after long count', 5));
    expect(await partitions()).toEqual(['samestory_articles_p20240511']);
    // The archive keeps the stories of the dropped days.
    expect((await feed.story(storyIdFor('flood-0-0')))?.articleIds).toEqual(['flood-0-0', 'flood-0-1']);
    // `feed` still thinks 2024-05-06 has a partition.
    await feed.add([{ id: 'late', title: 'tram line opens', text: 'A new tram line opens.', publishedAt: start + 3_600_000 }]);
    expect(await partitions()).toContain('samestory_articles_p20240506');
    expect((await other.clusters()).flatMap((s) => s.articleIds)).toContain('late');
    await Promise.all([feed.close(), other.close()]);
  });
});

describe('PostgresFeed SQL search', () => {
  it('finds the same nearest articles as the in-process exact index, exactly and through HNSW', async () => {
    const embedder = new SparseWordHashEmbedder();
    const feed = await connect({ embedder });
    // Distinct words per article (generated articles differ only in numbers, which the test embedder ignores).
    const articles: Article[] = [...firstArticles, ...laterArticles];
    await feed.add(articles);
    const vectors = await embedder.embed(articles.map((a) => ({ text: a.text, ...(a.title ? { title: a.title } : {}) })));
    const exact = new ExactIndex(embedder.dimension);
    exact.addMany(articles.map((a, i) => ({ id: a.id, vector: vectors[i]! })));
    const [query] = await embedder.embed([{ text: floodQuery.text, title: floodQuery.title! }]);
    // Sorted: flood-1 and flood-2 have the same words, so their order is a tie either way.
    const expected = exact.search(query!, 5).map((n) => n.id).sort();
    const ids = async () => (await feed.search(query!, 5)).map((m) => m.id).sort();
    expect(await ids()).toEqual(expected);
    await feed.createSearchIndex();
    expect(await ids()).toEqual(expected);
    await feed.close();
  });
});
