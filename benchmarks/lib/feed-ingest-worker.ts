// One writer process of the shared-feed benchmark: connects, says `ready`, waits for `go`
// on stdin, then adds OG2021 batches worker, worker + n, worker + 2n, … (in date order) to
// the feed and says `done <seconds>`.
// Usage: tsx feed-ingest-worker.ts <url> <feed> <worker> <workers> <batchSize> [<articles> <embedMs>]
// With <embedMs>, each article's embedding also waits that long: a stand-in for a model
// running elsewhere (a GPU or an embedding service), to show how writers scale when
// embedding, not the decision, dominates. The vectors are the built-in embedder's.

import { once } from 'node:events';
import { PostgresFeed } from '../../src/store/postgres/postgres-feed.js';
import { batchesOf, loadOgFeed } from './og2021-batches.js';
import { defaultEmbedder } from '../../src/embed/create-embedder.js';
import type { Embedder, EmbedInput, EmbedOptions } from '../../src/embed/embedder.js';

const [url, feedName, worker, workers, batchSize, limit, embedMs] = process.argv.slice(2);
const { articles } = await loadOgFeed();
const mine = batchesOf(articles.slice(0, limit ? Number(limit) : undefined), Number(batchSize)).filter((_, i) => i % Number(workers) === Number(worker));
const base = await defaultEmbedder();
const embedder: Embedder = embedMs
  ? Object.assign(Object.create(base) as Embedder, {
      embed: async (inputs: readonly EmbedInput[], options?: EmbedOptions) => {
        await new Promise((resolve) => setTimeout(resolve, inputs.length * Number(embedMs)));
        return base.embed(inputs, options);
      },
    })
  : base;
const feed = await PostgresFeed.connect({ connectionString: url!, feed: feedName!, embedder });
process.stdout.write('ready\n');
process.stdin.setEncoding('utf8');
await once(process.stdin, 'data');
const start = performance.now();
for (const batch of mine) await feed.add(batch);
process.stdout.write(`done ${(performance.now() - start) / 1000}\n`);
await feed.close();
process.exit(0);
