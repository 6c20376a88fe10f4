// The shared feed on PostgreSQL + pgvector, measured (npm run bench:postgres):
// 1. OG2021 in date order, in batches of 64, written by 1, 2 and 3 processes at once
//    (interleaved shares): throughput, B-cubed F1 against the gold stories and against the
//    one-process run, every article in exactly one story; the in-process detector on the
//    same batches for reference.
// 2. Writers killed with SIGKILL at random points (100 trials by default).
// 3. SQL candidate search against the in-process exact index on the same vectors: recall@10
//    and latency, exact scan and pgvector HNSW.
// 4. A simulated 30-day feed (the generated articles of bench:feed, 1,000 a day in hourly
//    batches, one writer, the default 7-day window): at the end of each day the article
//    rows, partitions and bytes on disk, with the id and archive tables beside them.
// 5. With --simulated-embed-ms <ms>: the first 2,560 articles again with 1-3 writers whose
//    embedding also waits <ms> per article (a model on a GPU or behind a service), to show
//    the scaling when embedding dominates.
// Needs SAMESTORY_TEST_DATABASE_URL (a server where the user may CREATE DATABASE; .ci/postgres.sh
// starts one). Options: --trials <n> (kill trials, default 100; trials go on until that many
// writers were really killed, some finishing first), --skip-kill, --skip-search,
// --skip-month, --days <n> and --per-day <n> (the simulated feed, default 30 and 1000).
// Exits 1 when a multi-process run puts an article in no or two stories or its B-cubed F1
// is more than 0.01 from the one-process run's.
// Writes benchmarks/results/postgres-feed.{json,md}.

import { spawn, type ChildProcess } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { ExactIndex } from '../src/ann/exact-index.js';
import { SparseIndex } from '../src/ann/sparse-index.js';
import { StoryDetector } from '../src/detector.js';
import { defaultEmbedder } from '../src/embed/create-embedder.js';
import { PostgresFeed } from '../src/store/postgres/postgres-feed.js';
import { sparseFromText } from '../src/store/postgres/vector-text.js';
import type { Article } from '../src/article.js';
import type { StoryCluster } from '../src/cluster/story-cluster.js';
import { runKillTrials, type KillTrialReport } from './lib/feed-kill-trials.js';
import { bcubed } from './lib/metrics.js';
import { generatedFeed } from './lib/generated-feed.js';
import { batchesOf, loadOgFeed } from './lib/og2021-batches.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const TSX = join(here, '../node_modules/.bin/tsx');
const WORKER = join(here, 'lib/feed-ingest-worker.ts');
const BATCH_SIZE = 64;

const argv = process.argv.slice(2);
const numberOption = (name: string, fallback: number) => (argv.includes(name) ? Number(argv[argv.indexOf(name) + 1]) : fallback);
const trials = numberOption('--trials', 100);
const monthDays = numberOption('--days', 30);
const monthPerDay = numberOption('--per-day', 1000);
const log = (line: string) => process.stderr.write(`${line}\n`);
const round = (x: number, digits = 3) => Math.round(x * 10 ** digits) / 10 ** digits;

const serverUrl = process.env.SAMESTORY_TEST_DATABASE_URL;
if (!serverUrl) {
  log('bench:postgres needs SAMESTORY_TEST_DATABASE_URL (a PostgreSQL 15 server with pgvector): source .ci/postgres.sh && samestory_pg_start');
  process.exit(2);
}

async function freshDatabase(name: string): Promise<string> {
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${name}`);
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(serverUrl!);
  url.pathname = `/${name}`;
  return url.toString();
}

function labelsOf(stories: StoryCluster[], ids: string[]): { labels: number[]; exactlyOnce: boolean } {
  const storyOf = new Map<string, number>();
  let twice = 0;
  stories.forEach((story, s) =>
    story.articleIds.forEach((id) => {
      if (storyOf.has(id)) twice++;
      storyOf.set(id, s);
    }),
  );
  const missing = ids.filter((id) => !storyOf.has(id)).length;
  return { labels: ids.map((id) => storyOf.get(id) ?? -1), exactlyOnce: twice === 0 && missing === 0 && storyOf.size === ids.length };
}

interface WriterRun {
  processes: number;
  seconds: number;
  articlesPerSecond: number;
  perProcessSeconds: number[];
  f1VsGold: number;
  precision: number;
  recall: number;
  f1VsOneProcess: number | null;
  exactlyOneStory: boolean;
  stories: number;
}

async function writers(
  n: number,
  feedUrl: string,
  ids: string[],
  gold: Array<string | number>,
  oneProcess?: number[],
  simulated?: { articles: number; embedMs: number },
): Promise<{ run: WriterRun; labels: number[] }> {
  const children: ChildProcess[] = [];
  const ready: Promise<void>[] = [];
  const done: Promise<number>[] = [];
  for (let w = 0; w < n; w++) {
    const extra = simulated ? [String(simulated.articles), String(simulated.embedMs)] : [];
    const child = spawn(TSX, [WORKER, feedUrl, 'og2021', String(w), String(n), String(BATCH_SIZE), ...extra], { stdio: ['pipe', 'pipe', 'inherit'] });
    children.push(child);
    let out = '';
    child.stdout!.setEncoding('utf8');
    ready.push(new Promise((resolve) => child.stdout!.on('data', (c: string) => ((out += c), out.includes('ready\n') && resolve()))));
    done.push(
      new Promise((resolve, reject) =>
        child.on('close', (code) => {
          const m = /done ([\d.]+)/.exec(out);
          if (code === 0 && m) resolve(Number(m[1]));
          else reject(new Error(`writer ${w} exited with ${code}`));
        }),
      ),
    );
  }
  await Promise.all(ready);
  const start = performance.now();
  for (const child of children) child.stdin!.write('go\n');
  const perProcess = await Promise.all(done);
  const seconds = (performance.now() - start) / 1000;
  const reader = await PostgresFeed.connect({ connectionString: feedUrl, feed: 'og2021' });
  const stories = await reader.clusters();
  await reader.close();
  const { labels, exactlyOnce } = labelsOf(stories, ids);
  const score = bcubed(labels, gold);
  return {
    labels,
    run: {
      processes: n,
      seconds: round(seconds, 2),
      articlesPerSecond: round(ids.length / seconds, 1),
      perProcessSeconds: perProcess.map((s) => round(s, 2)),
      f1VsGold: round(score.f1),
      precision: round(score.precision),
      recall: round(score.recall),
      f1VsOneProcess: oneProcess ? round(bcubed(labels, oneProcess).f1) : null,
      exactlyOneStory: exactlyOnce,
      stories: stories.length,
    },
  };
}

interface SearchRow {
  method: string;
  recallAt10: number;
  p50Ms: number;
  p95Ms: number;
}

async function search(articles: Article[]): Promise<{ activeArticles: number; queries: number; hnswBuildSeconds: number; rows: SearchRow[] }> {
  const embedder = await defaultEmbedder();
  // Every OG2021 article active (no window), so the search runs over the whole collection.
  const feedUrl = await freshDatabase('samestory_bench_search');
  const writer = await PostgresFeed.connect({ connectionString: feedUrl, feed: 'og2021', embedder, activeWindowDays: Infinity });
  for (const batch of batchesOf(articles, BATCH_SIZE)) await writer.add(batch);
  await writer.close();
  const client = new pg.Client({ connectionString: feedUrl });
  await client.connect();
  const { rows } = await client.query<{ id: string; v: string }>(
    "SELECT id, sparse_embedding::text AS v FROM samestory_articles WHERE feed = 'og2021' AND archived_seq IS NULL AND decided_seq IS NOT NULL",
  );
  const vectors = rows.map((r) => sparseFromText(r.v));
  const exact = new ExactIndex(embedder.dimension);
  exact.addMany(rows.map((r, i) => ({ id: r.id, vector: vectors[i]! })));
  // What the detector itself searches with for sparse vectors (exact too).
  const sparse = new SparseIndex(embedder.dimension);
  sparse.addMany(rows.map((r, i) => ({ id: r.id, vector: vectors[i]! })));
  const feed = await PostgresFeed.connect({ connectionString: feedUrl, feed: 'og2021', embedder });
  const queries = Array.from({ length: Math.min(200, rows.length) }, (_, k) => Math.floor((k * rows.length) / Math.min(200, rows.length)));
  const truth = queries.map((q) => new Set(exact.search(vectors[q]!, 10).map((n) => n.id)));
  const measure = async (method: string, find: (q: number) => Promise<string[]>): Promise<SearchRow> => {
    // One pass to warm caches (and pgvector's index pages), then the measured one.
    for (const q of queries.slice(0, 20)) await find(q);
    const times: number[] = [];
    let hits = 0;
    for (let k = 0; k < queries.length; k++) {
      const t = performance.now();
      const found = await find(queries[k]!);
      times.push(performance.now() - t);
      hits += found.filter((id) => truth[k]!.has(id)).length;
    }
    times.sort((a, b) => a - b);
    return { method, recallAt10: round(hits / (10 * queries.length)), p50Ms: round(times[Math.floor(times.length / 2)]!, 2), p95Ms: round(times[Math.floor(times.length * 0.95)]!, 2) };
  };
  const out: SearchRow[] = [];
  out.push(await measure('in-process exact index (ExactIndex)', async (q) => exact.search(vectors[q]!, 10).map((n) => n.id)));
  out.push(await measure('in-process sparse index (SparseIndex, exact; the detector uses it)', async (q) => sparse.search(vectors[q]!, 10).map((n) => n.id)));
  out.push(await measure('SQL exact scan (ORDER BY <#>)', async (q) => (await feed.search(vectors[q]!, 10)).map((m) => m.id)));
  log(`search: building the HNSW index over ${rows.length} active articles …`);
  const t = performance.now();
  await feed.createSearchIndex();
  const hnswBuildSeconds = round((performance.now() - t) / 1000, 1);
  await client.query('ANALYZE samestory_articles');
  for (const ef of [40, 100, 200]) {
    out.push(await measure(`SQL pgvector HNSW, ef_search ${ef}`, async (q) => (await feed.search(vectors[q]!, 10, { efSearch: ef })).map((m) => m.id)));
  }
  const plan = await client.query(
    `EXPLAIN SELECT id FROM samestory_articles WHERE feed = 'og2021' AND dimension = 4096 AND decided_seq IS NOT NULL AND archived_seq IS NULL
     ORDER BY (sparse_embedding::sparsevec(4096)) <#> '{1:1}/4096'::sparsevec(4096) LIMIT 10`,
  );
  log(`search plan with the index: ${plan.rows.map((r) => r['QUERY PLAN']).join(' / ').slice(0, 400)}`);
  await feed.close();
  await client.end();
  return { activeArticles: rows.length, queries: queries.length, hnswBuildSeconds, rows: out };
}

interface MonthDay {
  day: number;
  /** Article rows in the feed's partitions (active and archived-but-not-yet-dropped). */
  articleRows: number;
  activeArticles: number;
  partitions: number;
  /** Partitions with their indexes and TOAST. */
  articleMiB: number;
  /** One row per id ever added: ids stay unique across days, so this table keeps growing. */
  idRows: number;
  idMiB: number;
  /** The archive: stories that left the window, kept on purpose. */
  archivedStories: number;
  archiveMiB: number;
  databaseMiB: number;
}

const MiB = 2 ** 20;

/** Part 4: the generated month through one PostgresFeed with the default window. */
async function month(days: number, perDay: number): Promise<{ days: number; perDay: number; seconds: number; byDay: MonthDay[] }> {
  const url = await freshDatabase('samestory_bench_month');
  const feed = await PostgresFeed.connect({ connectionString: url, feed: 'month', embedder: await defaultEmbedder() });
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const byDay: MonthDay[] = [];
  const started = performance.now();
  try {
    for (const { day, hour, articles } of generatedFeed(days, perDay, 5)) {
      if (articles.length > 0) await feed.add(articles);
      if (hour !== 23) continue;
      const { rows } = await client.query<Record<string, string>>(`
        SELECT
          (SELECT count(*) FROM samestory_articles WHERE feed = 'month') AS article_rows,
          (SELECT count(*) FROM samestory_articles WHERE feed = 'month' AND archived_seq IS NULL) AS active,
          (SELECT count(*) FROM pg_inherits WHERE inhparent = 'samestory_articles'::regclass) AS partitions,
          (SELECT coalesce(sum(pg_total_relation_size(inhrelid)), 0) FROM pg_inherits WHERE inhparent = 'samestory_articles'::regclass) AS article_bytes,
          (SELECT count(*) FROM samestory_article_ids) AS id_rows,
          pg_total_relation_size('samestory_article_ids') AS id_bytes,
          (SELECT count(*) FROM samestory_archive) AS archived,
          pg_total_relation_size('samestory_archive') AS archive_bytes,
          pg_database_size(current_database()) AS database_bytes`);
      const r = rows[0]!;
      const mib = (bytes: string) => round(Number(bytes) / MiB, 1);
      byDay.push({
        day: day + 1,
        articleRows: Number(r.article_rows),
        activeArticles: Number(r.active),
        partitions: Number(r.partitions),
        articleMiB: mib(r.article_bytes!),
        idRows: Number(r.id_rows),
        idMiB: mib(r.id_bytes!),
        archivedStories: Number(r.archived),
        archiveMiB: mib(r.archive_bytes!),
        databaseMiB: mib(r.database_bytes!),
      });
      log(`  day ${day + 1}: ${JSON.stringify(byDay.at(-1))}`);
    }
  } finally {
    await client.end();
    await feed.close();
  }
  return { days, perDay, seconds: round((performance.now() - started) / 1000, 1), byDay };
}

async function main(): Promise<void> {
  const { articles, gold } = await loadOgFeed();
  const ids = articles.map((a) => a.id);
  log(`og2021: ${articles.length} articles in ${Math.ceil(articles.length / BATCH_SIZE)} batches of ${BATCH_SIZE}, date order`);

  log('in-process detector, same batches …');
  let t = performance.now();
  const local = await StoryDetector.create();
  for (const batch of batchesOf(articles, BATCH_SIZE)) await local.add(batch);
  const localSeconds = (performance.now() - t) / 1000;
  const localLabels = labelsOf(local.clusters(), ids).labels;
  const localScore = bcubed(localLabels, gold);

  const runs: WriterRun[] = [];
  let oneProcess: number[] | undefined;
  for (const n of (process.env.BENCH_WRITERS ?? '1,2,3').split(',').filter(Boolean).map(Number)) {
    log(`${n} writer process(es) …`);
    const url = await freshDatabase(`samestory_bench_p${n}`);
    const { run, labels } = await writers(n, url, ids, gold, oneProcess);
    if (n === 1) oneProcess = labels;
    runs.push(run);
    log(`  ${JSON.stringify(run)}`);
  }

  let kill: KillTrialReport | undefined;
  if (!argv.includes('--skip-kill')) {
    log(`${trials} kill trials …`);
    t = performance.now();
    kill = await runKillTrials({ url: await freshDatabase('samestory_bench_kill'), feed: 'kill', trials, minKilled: trials });
    log(`  ${JSON.stringify({ ...kill, seconds: round((performance.now() - t) / 1000, 1) })}`);
  }

  const searchResult = argv.includes('--skip-search') ? undefined : await search(articles);
  if (searchResult) log(`  ${JSON.stringify(searchResult)}`);

  let monthResult: Awaited<ReturnType<typeof month>> | undefined;
  if (!argv.includes('--skip-month')) {
    log(`simulated feed: ${monthDays} days x ${monthPerDay} articles, one writer, 7-day window …`);
    monthResult = await month(monthDays, monthPerDay);
  }

  let simulated: { embedMs: number; articles: number; runs: WriterRun[] } | undefined;
  if (argv.includes('--simulated-embed-ms')) {
    const embedMs = Number(argv[argv.indexOf('--simulated-embed-ms') + 1]);
    const count = 2560;
    simulated = { embedMs, articles: count, runs: [] };
    let first: number[] | undefined;
    for (const n of [1, 2, 3]) {
      log(`${n} writer process(es), embedding + ${embedMs} ms per article, first ${count} articles …`);
      const url = await freshDatabase(`samestory_bench_slow_p${n}`);
      const { run, labels } = await writers(n, url, ids.slice(0, count), gold.slice(0, count), first, { articles: count, embedMs });
      first ??= labels;
      simulated.runs.push(run);
      log(`  ${JSON.stringify(run)}`);
    }
  }

  const result = {
    date: new Date().toISOString(),
    machine: `${(await import('node:os')).cpus().length} cores, PostgreSQL 15 + pgvector 0.8.0 on the same machine (fsync off, throwaway cluster)`,
    articles: articles.length,
    batchSize: BATCH_SIZE,
    inProcess: { seconds: round(localSeconds, 2), articlesPerSecond: round(articles.length / localSeconds, 1), f1VsGold: round(localScore.f1), f1VsOneProcess: oneProcess ? round(bcubed(localLabels, oneProcess).f1) : null },
    writers: runs,
    kill: kill && { ...kill, lost: kill.lost.length, inTwoStories: kill.inTwoStories.length, withoutStory: kill.withoutStory.length },
    search: searchResult,
    month: monthResult,
    simulated,
  };
  await writeFile(join(here, 'results/postgres-feed.json'), JSON.stringify(result, null, 2) + '\n');
  await writeFile(join(here, 'results/postgres-feed.md'), markdown(result));
  process.stdout.write(markdown(result));
  const one = runs.find((w) => w.processes === 1);
  const bad = [...runs, ...(simulated?.runs ?? [])].filter((w) => !w.exactlyOneStory);
  const far = one ? runs.filter((w) => Math.abs(w.f1VsGold - one.f1VsGold) > 0.01) : [];
  if (bad.length + far.length > 0 || (kill && kill.lost.length + kill.inTwoStories.length + kill.withoutStory.length + kill.readerDisagrees > 0)) {
    log(`FAIL: ${JSON.stringify({ notExactlyOnce: bad.map((w) => w.processes), f1MoreThan001Away: far.map((w) => w.processes), kill: kill && { lost: kill.lost, inTwoStories: kill.inTwoStories } })}`);
    process.exitCode = 1;
  }
}

function markdown(r: {
  date: string;
  machine: string;
  articles: number;
  batchSize: number;
  inProcess: { seconds: number; articlesPerSecond: number; f1VsGold: number; f1VsOneProcess: number | null };
  writers: WriterRun[];
  kill: (Omit<KillTrialReport, 'lost' | 'inTwoStories' | 'withoutStory'> & { lost: number; inTwoStories: number; withoutStory: number }) | undefined;
  search: { activeArticles: number; queries: number; hnswBuildSeconds: number; rows: SearchRow[] } | undefined;
  month: Awaited<ReturnType<typeof month>> | undefined;
  simulated: { embedMs: number; articles: number; runs: WriterRun[] } | undefined;
}): string {
  const lines = [
    `# Shared feed on PostgreSQL (npm run bench:postgres, ${r.date.slice(0, 10)})`,
    '',
    `${r.machine}. OG2021: ${r.articles} articles in date order, batches of ${r.batchSize}; writer n takes batches n, n + N, n + 2N, ….`,
    '',
    '| writers | seconds | articles/s | B³ F1 vs gold | P | R | B³ F1 vs 1 process | every article in one story | stories |',
    '|---|---|---|---|---|---|---|---|---|',
    `| in-process StoryDetector | ${r.inProcess.seconds} | ${r.inProcess.articlesPerSecond} | ${r.inProcess.f1VsGold} | | | ${r.inProcess.f1VsOneProcess ?? '–'} | | |`,
    ...r.writers.map((w) => `| ${w.processes} process${w.processes > 1 ? 'es' : ''} | ${w.seconds} | ${w.articlesPerSecond} | ${w.f1VsGold} | ${w.precision} | ${w.recall} | ${w.f1VsOneProcess ?? '–'} | ${w.exactlyOneStory ? 'yes' : 'NO'} | ${w.stories} |`),
    '',
  ];
  if (r.kill) {
    lines.push(
      `Kill trials: ${r.kill.trials} writers (${r.kill.killed} killed with SIGKILL at a random point — after acknowledging none of their 60 articles ${r.kill.killedAfterAcknowledging.none}, some ${r.kill.killedAfterAcknowledging.some}, all but before finishing ${r.kill.killedAfterAcknowledging.all} — and ${r.kill.finished} finished first); ${r.kill.acknowledged} articles acknowledged, ${r.kill.stored} stored; lost ${r.kill.lost}, in two stories ${r.kill.inTwoStories}, without a story ${r.kill.withoutStory}, reader disagreeing with the database ${r.kill.readerDisagrees}.`,
      '',
    );
  }
  if (r.search) {
    lines.push(
      `Candidate search over all ${r.search.activeArticles} OG2021 articles (one feed without an active window; sparsevec(4096) from the built-in embedder), ${r.search.queries} of them as queries, truth = the in-process exact index (ties at rank 10 count as misses); HNSW build ${r.search.hnswBuildSeconds} s (m 16, ef_construction 64).`,
      '',
      '| method | recall@10 | p50 ms | p95 ms |',
      '|---|---|---|---|',
      ...r.search.rows.map((s) => `| ${s.method} | ${s.recallAt10} | ${s.p50Ms} | ${s.p95Ms} |`),
      '',
    );
  }
  if (r.month) {
    lines.push(
      `Simulated feed: ${r.month.days} days x ${r.month.perDay} generated articles (the feed of bench:feed), hourly batches, one writer, the default 7-day window, ${r.month.seconds} s. At the end of each day: the article rows and their daily partitions (with indexes) are what the window bounds; the id table (one short row per id ever added, so ids stay unique across days) and the archive (stories that left the window, kept on purpose) grow with the feed.`,
      '',
      '| day | article rows | active | partitions | articles MiB | id rows | ids MiB | archived stories | archive MiB | database MiB |',
      '|---|---|---|---|---|---|---|---|---|---|',
      ...r.month.byDay.map((d) => `| ${d.day} | ${d.articleRows} | ${d.activeArticles} | ${d.partitions} | ${d.articleMiB} | ${d.idRows} | ${d.idMiB} | ${d.archivedStories} | ${d.archiveMiB} | ${d.databaseMiB} |`),
      '',
    );
  }
  if (r.simulated) {
    lines.push(
      `With a slow embedder (simulated: the built-in embedder plus a ${r.simulated.embedMs} ms wait per article, as for a model on a GPU or behind a service), first ${r.simulated.articles} articles:`,
      '',
      '| writers | seconds | articles/s | B³ F1 vs gold | B³ F1 vs 1 process | every article in one story |',
      '|---|---|---|---|---|---|',
      ...r.simulated.runs.map((w) => `| ${w.processes} | ${w.seconds} | ${w.articlesPerSecond} | ${w.f1VsGold} | ${w.f1VsOneProcess ?? '–'} | ${w.exactlyOneStory ? 'yes' : 'NO'} |`),
      '',
    );
  }
  return lines.join('\n');
}

await main();
