// `samestory ingest` and `samestory stories`: the command line of a feed shared through
// PostgreSQL. Any number of `ingest` runs, on any machines, may add to one feed at once;
// `stories` reads it without waiting for them.

import type { Embedder } from '../embed/embedder.js';
import { InputError } from '../errors.js';
import { PostgresFeed } from '../store/postgres/postgres-feed.js';
import { UsageError, type ParsedArgs } from './args.js';
import { clusterReport, formatClusterTable } from './format.js';
import { createProgressBar } from './progress-bar.js';
import { readArticles } from './read-articles.js';
import { SkipReport } from './skip-report.js';

export type EmbedderFromArgs = (args: ParsedArgs) => Promise<{ embedder: Embedder }>;

async function openFeed(command: string, args: ParsedArgs, embedderOf: EmbedderFromArgs): Promise<PostgresFeed> {
  const { values } = args;
  for (const flag of ['db', 'feed'] as const) {
    if (values[flag] === undefined) throw new UsageError(`samestory ${command}: option '--${flag}' is required; see 'samestory ${command} --help'`);
  }
  const { embedder } = await embedderOf(args);
  return PostgresFeed.connect({
    connectionString: values.db as string,
    feed: values.feed as string,
    embedder,
    // Articles from files: every story stays active, as with `cluster`.
    activeWindowDays: Infinity,
  });
}

export async function ingestCommand(args: ParsedArgs, embedderOf: EmbedderFromArgs): Promise<number> {
  if (args.positionals.length === 0) throw new UsageError(`samestory ingest: give at least one file or folder of articles; see 'samestory ingest --help'`);
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
