// The ingest queue (pg-boss on the feed's PostgreSQL): batches enqueued by one process are
// embedded and added by workers elsewhere, each article once.

import { describe, expect, it } from 'vitest';
import { IngestQueue } from '../../src/store/postgres/ingest-queue.js';
import { PostgresFeed } from '../../src/store/postgres/postgres-feed.js';
import { WordHashEmbedder } from '../support/word-hash-embedder.js';
import { freshDatabase } from '../support/postgres-test-database.js';
import { firstArticles, laterArticles } from '../persist/story-articles.js';

describe('IngestQueue', () => {
  it('spreads enqueued batches over workers, and a batch enqueued again adds nothing twice', async () => {
    const url = await freshDatabase();
    const producer = await IngestQueue.connect({ connectionString: url, feed: 'queued' });
    const all = [...firstArticles, ...laterArticles];
    expect(await producer.enqueue(all, { batchSize: 3 })).toBe(all.length);
    expect(await producer.waiting()).toBe(3);

    const workers = await Promise.all(
      [1, 2].map(async () => ({
        queue: await IngestQueue.connect({ connectionString: url, feed: 'queued' }),
        feed: await PostgresFeed.connect({ connectionString: url, feed: 'queued', embedder: new WordHashEmbedder() }),
      })),
    );
    const results = await Promise.all(workers.map((w) => w.queue.work(w.feed, { untilEmpty: true })));
    expect(results.reduce((n, r) => n + r.jobs, 0)).toBe(3);
    expect(results.reduce((n, r) => n + r.added, 0)).toBe(all.length);

    await producer.enqueue(firstArticles, { batchSize: 3 });
    const again = await workers[0]!.queue.work(workers[0]!.feed, { untilEmpty: true });
    expect(again).toEqual({ jobs: 2, added: 0, failed: 0 });

    const stories = await workers[1]!.feed.clusters();
    expect(stories.flatMap((s) => s.articleIds).sort()).toEqual(all.map((a) => a.id).sort());
    await Promise.all([producer.close(), ...workers.flatMap((w) => [w.queue.close(), w.feed.close()])]);
  });
});
