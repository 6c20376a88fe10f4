// `samestory ingest`, `work` and `stories`: the command line of a feed shared through
// PostgreSQL. Any number of `ingest` runs (or `work` processes taking batches queued by
// `ingest --queue`), on any machines, may add to one feed at once; `stories` reads it
// without waiting for them.

import type { Embedder } from '../embed/embedder.js';
import { InputError } from '../errors.js';
import { IngestQueue } from '../store/postgres/ingest-queue.js';
import { PostgresFeed } from '../store/postgres/postgres-feed.js';
import { UsageError, type ParsedArgs } from './args.js';
import { clusterReport, formatClusterTable } from './format.js';
import { createProgressBar } from './progress-bar.js';
import { readArticles } from './read-articles.js';
import { SkipReport } from './skip-report.js';

export type EmbedderFromArgs = (args: ParsedArgs) => Promise<{ embedder: Embedder }>;

async function openFeed(command: string, args: ParsedArgs, embedderOf: EmbedderFromArgs): Promise<PostgresFeed> {
  const { values } = args;
  requireFeedFlags(command, args);
  const { embedder } = await embedderOf(args);
  return PostgresFeed.connect({
    connectionString: values.db as string,
    feed: values.feed as string,
    embedder,
    // Articles from files: every story stays active, as with `cluster`.
    activeWindowDays: Infinity,
  });
}

function requireFeedFlags(command: string, args: ParsedArgs): void {
  for (const flag of ['db', 'feed'] as const) {
    if (args.values[flag] === undefined) throw new UsageError(`samestory ${command}: option '--${flag}' is required; see 'samestory ${command} --help'`);
  }
}

// `ingest --queue`: validates and enqueues; no embedding, no feed connection.
async function enqueueCommand(args: ParsedArgs): Promise<number> {
  const { values, positionals } = args;
  const quiet = values.quiet === true;
  const warn = (line: string) => process.stderr.write(`samestory: ${line}\n`);
  const skipped = new SkipReport(warn, quiet);
  const queue = await IngestQueue.connect({ connectionString: values.db as string, feed: values.feed as string });
  try {
    const sent = await queue.enqueue(readArticles(positionals, { skipInvalid: true, onWarning: (w) => skipped.add(w) }));
    const summary = skipped.summaryLine();
    if (summary !== undefined) warn(summary);
    if (sent === 0) throw new InputError(positionals.join(', '), 'no article could be read');
    const result = { feed: values.feed as string, enqueued: sent, skipped: skipped.toJSON() };
    if (values.json) process.stdout.write(JSON.stringify(result, null, 2) + '\n');
    else if (!quiet) process.stdout.write(`enqueued ${sent} articles for feed '${result.feed}'\n`);
    return 0;
  } finally {
    await queue.close();
  }
}

export async function workCommand(args: ParsedArgs, embedderOf: EmbedderFromArgs): Promise<number> {
  const { values } = args;
  const feed = await openFeed('work', args, embedderOf);
  const queue = await IngestQueue.connect({ connectionString: values.db as string, feed: values.feed as string });
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const result = await queue.work(feed, {
      untilEmpty: values['until-empty'] === true,
      signal: stop.signal,
      onJob: (added) => {
        if (values.quiet !== true) process.stderr.write(`samestory: batch done, ${added} articles added\n`);
      },
    });
    if (values.quiet !== true) process.stdout.write(`${result.jobs} batches, ${result.added} articles added to feed '${feed.feed}'${result.failed ? `, ${result.failed} batches failed (retried by the queue)` : ''}\n`);
    return result.failed > 0 ? 1 : 0;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await queue.close();
    await feed.close();
  }
}

export async function ingestCommand(args: ParsedArgs, embedderOf: EmbedderFromArgs): Promise<number> {
  if (args.positionals.length === 0) throw new UsageError(`samestory ingest: give at least one file or folder of articles; see 'samestory ingest --help'`);
  requireFeedFlags('ingest', args);
  if (args.values.queue === true) return enqueueCommand(args);
  const { values, positionals } = args;
  const quiet = values.quiet === true;
  const feed = await openFeed('ingest', args, embedderOf);
  const bar = createProgressBar(process.stderr, quiet);
  const warn = (line: string) => {
    bar.clear();
    process.stderr.write(`samestory: ${line}\n`);
  };
  const skipped = new SkipReport(warn, quiet);
  let read = 0;
  try {
    const articles = readArticles(positionals, { skipInvalid: true, onWarning: (w) => skipped.add(w) });
    async function* counted() {
      for await (const article of articles) {
        read++;
        yield article;
      }
    }
    const { added } = await feed.add(counted(), { skipDuplicates: true, onProgress: (p) => bar.update(p) });
    bar.done();
    const summary = skipped.summaryLine();
    if (summary !== undefined) warn(summary);
    if (read === 0) throw new InputError(positionals.join(', '), summary === undefined ? 'no article found (looked for .txt, .md, .json and .jsonl files)' : 'no article could be read');
    const already = read - added.length;
    const result = { feed: feed.feed, added: added.length, alreadyInFeed: already, skipped: skipped.toJSON() };
    if (values.json) process.stdout.write(JSON.stringify(result, null, 2) + '\n');
    else if (!quiet) process.stdout.write(`added ${added.length} articles to feed '${feed.feed}'${already > 0 ? ` (${already} already in it)` : ''}\n`);
    return 0;
  } finally {
    bar.done();
    await feed.close();
  }
}

export async function storiesCommand(args: ParsedArgs, embedderOf: EmbedderFromArgs): Promise<number> {
  const feed = await openFeed('stories', args, embedderOf);
  try {
    const stories = await feed.clusters();
    const articles = stories.reduce((n, story) => n + story.articleIds.length, 0);
    const report = clusterReport(feed.embedder, feed.similarityThreshold, articles, stories);
    process.stdout.write(args.values.json ? JSON.stringify(report, null, 2) + '\n' : formatClusterTable(report, process.stdout.columns ?? 100) + '\n');
    return 0;
  } finally {
    await feed.close();
  }
}
