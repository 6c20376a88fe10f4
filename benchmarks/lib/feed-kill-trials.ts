// Writers killed with SIGKILL at random points while they add to a shared feed: after every
// trial the next writer must go on, and at the end no acknowledged article may be lost, none
// may sit in two stories, and the stories a fresh reader rebuilds must be the ones recorded.

import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { PostgresFeed } from '../../src/store/postgres/postgres-feed.js';
import { WordHashEmbedder } from '../../tests/support/word-hash-embedder.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const WRITER = join(here, 'feed-writer.ts');

export interface KillTrialOptions {
  url: string;
  feed: string;
  trials: number;
  /** Articles each writer tries to add. @default 60 */
  articlesPerWriter?: number;
  /** @default 3 (20 decisions per writer) */
  batchSize?: number;
  /**
   * The kill lands uniformly within this many ms after the writer is connected. A writer
   * takes 300–400 ms for its 60 articles on a 2-core machine, so most kills land mid-way
   * (embedding, acknowledging, deciding or committing) and some writers finish first.
   * @default 400
   */
  killWithinMs?: number;
  /** Random source in [0, 1). @default Math.random */
  random?: () => number;
  /**
   * Run more trials until at least this many writers were killed (at most three times as
   * many trials as asked): how many finish before their kill time depends on the machine's
   * load, and the proof wants a count of real kills. @default 0
   */
  minKilled?: number;
}

export interface KillTrialReport {
  trials: number;
  killed: number;
  /** Writers that finished before their kill time. */
  finished: number;
  /** Killed writers that had acknowledged none, some, or all of their articles. */
  killedAfterAcknowledging: { none: number; some: number; all: number };
  acknowledged: number;
  stored: number;
  lost: string[];
  inTwoStories: string[];
  withoutStory: string[];
  /** Articles whose story in the database differs from what a fresh reader rebuilds. */
  readerDisagrees: number;
}

export async function runKillTrials(options: KillTrialOptions): Promise<KillTrialReport> {
  const perWriter = options.articlesPerWriter ?? 60;
  const afterAcknowledging = { none: 0, some: 0, all: 0 };
  const random = options.random ?? Math.random;
  const acknowledged = new Set<string>();
  let killed = 0;
  let finished = 0;
  const minKilled = options.minKilled ?? 0;
  const most = 3 * Math.max(options.trials, minKilled);
  let trials = 0;
  while (trials < options.trials || (killed < minKilled && trials < most)) {
    const trial = trials++;
    const before = acknowledged.size;
    const outcome = await runWriter(options, trial * perWriter, perWriter, random() * (options.killWithinMs ?? 400), acknowledged);
    if (outcome === 'killed') {
      killed++;
      const acked = acknowledged.size - before;
      afterAcknowledging[acked === 0 ? 'none' : acked === perWriter ? 'all' : 'some']++;
    } else finished++;
  }
  // The writer after the last kill: decides whatever the last one left pending.
  const last = await PostgresFeed.connect({ connectionString: options.url, feed: options.feed, embedder: new WordHashEmbedder() });
  await last.decidePending();
  const stories = await last.clusters();
  await last.close();

  const client = new pg.Client({ connectionString: options.url });
  await client.connect();
  const { rows } = await client.query<{ id: string; story: string | null }>('SELECT id, story FROM samestory_articles WHERE feed = $1', [options.feed]);
  await client.end();
  const storyOf = new Map<string, string | null>();
  const inTwo = new Set<string>();
  for (const row of rows) {
    if (storyOf.has(row.id)) inTwo.add(row.id);
    storyOf.set(row.id, row.story);
  }
  const readerStory = new Map<string, string>();
  for (const story of stories) {
    for (const id of story.articleIds) {
      if (readerStory.has(id)) inTwo.add(id);
      readerStory.set(id, story.id);
    }
  }
  let readerDisagrees = 0;
  for (const [id, story] of storyOf) if (readerStory.get(id) !== story) readerDisagrees++;
  return {
    trials,
    killed,
    finished,
    killedAfterAcknowledging: afterAcknowledging,
    acknowledged: acknowledged.size,
    stored: storyOf.size,
    lost: [...acknowledged].filter((id) => !storyOf.has(id)),
    inTwoStories: [...inTwo],
    withoutStory: [...storyOf].filter(([, story]) => story === null).map(([id]) => id),
    readerDisagrees,
  };
}

function runWriter(options: KillTrialOptions, first: number, count: number, killAfterMs: number, acknowledged: Set<string>): Promise<'killed' | 'finished'> {
  return new Promise((resolve, reject) => {
    // Node itself with tsx's loader, not the tsx command: that one runs the script in a child
    // process, which SIGKILL (not relayed) would leave running.
    const child = spawn(process.execPath, ['--import', 'tsx', WRITER, options.url, options.feed, String(first), String(count), String(options.batchSize ?? 3)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let buffered = '';
    let stderr = '';
    let done = false;
    let timer: NodeJS.Timeout | undefined;
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      buffered += chunk;
      let newline: number;
      while ((newline = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        if (line === 'ready') timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
        else if (line === 'done') done = true;
        else if (line.startsWith('ack ')) for (const id of line.slice(4).split(',')) if (id) acknowledged.add(id);
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (done) resolve('finished');
      else if (signal === 'SIGKILL') resolve('killed');
      else reject(new Error(`writer exited with ${code}: ${stderr.slice(-2000)}`));
    });
  });
}
