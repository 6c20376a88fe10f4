// A queue of ingest work on the feed's own PostgreSQL (pg-boss 10, its own `pgboss` schema):
// producers enqueue batches of articles, workers on any machine take them one at a time,
// embed them and add them to the shared feed, so embedding spreads over machines while the
// feed decides one batch at a time. Jobs are at least once: a worker that dies mid-job
// leaves it to expire and be retried, and ids the feed already holds are skipped, so a
// retried batch adds nothing twice.

import { normalizeArticles, type Article, type NormalizedArticle } from '../../article.js';
import { InvalidOptionsError, StoreError } from '../../errors.js';
import type { PostgresFeed } from './postgres-feed.js';

/** The version of pg-boss samestory is tested with. */
export const PG_BOSS_INSTALL_COMMAND = 'npm install pg-boss@10.4.2';

export interface IngestQueueOptions {
  /** PostgreSQL connection string (the feed's server). */
  connectionString: string;
  /** The feed the queued articles are for; one queue per feed. */
  feed: string;
}

export interface EnqueueOptions {
  /** Articles per job. @default 64 */
  batchSize?: number;
}

export interface WorkOptions {
  /** Return once no job is waiting, instead of polling for more. @default false */
  untilEmpty?: boolean;
  /** Stops taking jobs (the job in hand is finished first). */
  signal?: AbortSignal;
  /** Wait between polls of an empty queue, ms. @default 500 */
  pollMs?: number;
  /** Called after each job with the number of articles it added. */
  onJob?: (added: number) => void;
}

export interface WorkResult {
  jobs: number;
  added: number;
  /** Jobs that failed (pg-boss retries them up to its retry limit). */
  failed: number;
}

interface IngestJob {
  articles: NormalizedArticle[];
}

type Boss = import('pg-boss');

export class IngestQueue {
  private constructor(
    private readonly boss: Boss,
    readonly name: string,
  ) {}

  static async connect(options: IngestQueueOptions): Promise<IngestQueue> {
    if (typeof options?.feed !== 'string' || !/^[\w.-]+$/.test(options.feed)) {
      throw new InvalidOptionsError('feed', 'a queued feed name may hold letters, digits, _, . and - only');
    }
    let PgBoss: new (options: { connectionString: string; max?: number }) => Boss;
    try {
      const module = (await import('pg-boss')) as unknown as { default?: typeof PgBoss } & typeof PgBoss;
      PgBoss = module.default ?? module;
    } catch (error) {
      throw new StoreError(`the ingest queue needs 'pg-boss', an optional peer dependency: run \`${PG_BOSS_INSTALL_COMMAND}\``, { cause: error });
    }
    const boss = new PgBoss({ connectionString: options.connectionString, max: 2 });
    boss.on('error', () => undefined);
    try {
      await boss.start();
      const name = `samestory-ingest-${options.feed}`;
      if (!(await boss.getQueue(name))) await boss.createQueue(name);
      return new IngestQueue(boss, name);
    } catch (error) {
      await boss.stop({ graceful: false, close: true }).catch(() => undefined);
      throw new StoreError(`cannot start the ingest queue: ${(error as Error).message}`, { cause: error });
    }
  }

  /**
   * Validates the articles (a bad one enqueues nothing of its batch) and enqueues them in
   * jobs of `batchSize`. Returns the number of articles enqueued.
   */
  async enqueue(articles: Iterable<Article> | AsyncIterable<Article>, options: EnqueueOptions = {}): Promise<number> {
    const size = options.batchSize ?? 64;
    let batch: unknown[] = [];
    let sent = 0;
    const flush = async () => {
      const normalized = normalizeArticles(batch);
      batch = [];
      await this.boss.send(this.name, { articles: normalized } satisfies IngestJob);
      sent += normalized.length;
    };
    for await (const article of articles as AsyncIterable<Article>) {
      batch.push(article);
      if (batch.length >= size) await flush();
    }
    if (batch.length > 0) await flush();
    return sent;
  }

  /** Jobs waiting to be taken. */
  waiting(): Promise<number> {
    return this.boss.getQueueSize(this.name);
  }

  /** Takes jobs and adds their articles to `feed` until stopped (or the queue is empty). */
  async work(feed: PostgresFeed, options: WorkOptions = {}): Promise<WorkResult> {
    const result: WorkResult = { jobs: 0, added: 0, failed: 0 };
    while (!options.signal?.aborted) {
      const [job] = await this.boss.fetch<IngestJob>(this.name, { batchSize: 1 });
      if (!job) {
        if (options.untilEmpty) break;
        await pause(options.pollMs ?? 500, options.signal);
        continue;
      }
      try {
        const { added } = await feed.add(job.data.articles, { skipDuplicates: true });
        await this.boss.complete(this.name, job.id);
        result.jobs++;
        result.added += added.length;
        options.onJob?.(added.length);
      } catch (error) {
        result.failed++;
        await this.boss.fail(this.name, job.id, { message: (error as Error).message });
      }
    }
    return result;
  }

  async close(): Promise<void> {
    await this.boss.stop({ graceful: true, close: true, wait: true });
  }
}

function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    }, { once: true });
  });
}
