// A writer process for the kill trials (feed-kill-trials.ts): adds generated articles
// `first` .. `first + count - 1` to a shared feed in small batches and prints `ack <ids>`
// once each batch is committed, so the parent knows what was acknowledged before it kills
// this process. Usage: tsx feed-writer.ts <url> <feed> <first> <count> <batchSize>

import { PostgresFeed } from '../../src/store/postgres/postgres-feed.js';
import { killTrialArticles } from './feed-kill-articles.js';
import { WordHashEmbedder } from '../../tests/support/word-hash-embedder.js';

const [url, feedName, first, count, batchSize] = process.argv.slice(2);
const feed = await PostgresFeed.connect({ connectionString: url!, feed: feedName!, embedder: new WordHashEmbedder(), batchSize: Number(batchSize) });
process.stdout.write('ready\n');
await feed.add(killTrialArticles(Number(first), Number(count)), {
  // Writes to a pipe are synchronous on Linux: the line is out before the next step.
  onAcknowledged: (ids) => process.stdout.write(`ack ${ids.join(',')}\n`),
});
process.stdout.write('done\n');
await feed.close();
