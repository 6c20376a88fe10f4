// One writer process of the shared-feed benchmark: connects, says `ready`, waits for `go`
// on stdin, then adds OG2021 batches worker, worker + n, worker + 2n, … (in date order) to
// the feed and says `done <seconds>`.
// Usage: tsx feed-ingest-worker.ts <url> <feed> <worker> <workers> <batchSize>

import { once } from 'node:events';
import { PostgresFeed } from '../../src/store/postgres/postgres-feed.js';
import { batchesOf, loadOgFeed } from './og2021-batches.js';

const [url, feedName, worker, workers, batchSize] = process.argv.slice(2);
const { articles } = await loadOgFeed();
const mine = batchesOf(articles, Number(batchSize)).filter((_, i) => i % Number(workers) === Number(worker));
const feed = await PostgresFeed.connect({ connectionString: url!, feed: feedName! });
process.stdout.write('ready\n');
process.stdin.setEncoding('utf8');
await once(process.stdin, 'data');
const start = performance.now();
for (const batch of mine) await feed.add(batch);
process.stdout.write(`done ${(performance.now() - start) / 1000}\n`);
await feed.close();
process.exit(0);
