// `npm run bench:feed`: the detector as a live feed, measured two ways in one run.
//
// 1. OG2021 in order of publication, one article per add() call, against the same
//    articles added in one call (the batch the evaluation measures): B-cubed F1 of each
//    against the gold stories and of one against the other, and the latency of one add().
// 2. A simulated 30-day feed of generated articles, in hourly batches, with the default
//    7-day active window and a file archive, next to the same feed with no window (the
//    baseline): memory at the end of every day. The windowed feed runs a second time with
//    glibc's mmap threshold fixed (ALLOCATOR_SETTING below), the setting README recommends
//    for long-running feeds, so its effect is measured in the same run.
//
//   npm run bench:feed                       both parts; writes benchmarks/results/feed.{json,md}
//   npm run bench:feed -- --json             the same, as JSON on stdout
//   npm run bench:feed -- --days 10 --per-day 500 --skip-og   a quicker run
//
// The feed runs on the built package (`npm run build` first), each configuration in a child
// process (feed-child.mjs) under node --expose-gc, so memory is measured after a forced
// garbage collection and without the TypeScript loader.

import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

import { StoryDetector, defaultEmbedder, type Embedder } from '../src/index.js';
import { loadOgFeed } from './lib/og2021-batches.js';
import { bcubed } from './lib/metrics.js';
import { environment, log, markdownTable, secondsSince, textTable, writeText } from './lib/report.js';
import { generatedFeed } from './lib/generated-feed.js';

const { values: args } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    days: { type: 'string', default: '30' },
    'per-day': { type: 'string', default: '1000' },
    'skip-og': { type: 'boolean', default: false },
    'skip-feed': { type: 'boolean', default: false },
    out: { type: 'string' },
  },
});

const here = fileURLToPath(new URL('.', import.meta.url));
const MiB = 2 ** 20;

interface Scores {
  f1: number;
  precision: number;
  recall: number;
}

interface LiveRun {
  /** recluster() called after every this many adds (0: never). */
  reclusterEvery: number;
  vsGold: Scores;
  vsBatch: Scores;
  seconds: number;
  addLatencyMs: { p50: number; p95: number; p99: number; max: number };
  changes: Record<string, number>;
}

interface OgResult {
  articles: number;
  batch: Scores & { seconds: number };
  live: LiveRun[];
}

const RECLUSTER_EVERY = 1_000;

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

function labelsOf(detector: StoryDetector, ids: readonly string[]): number[] {
  const storyOf = new Map<string, number>();
  detector.clusters().forEach((story, s) => story.articleIds.forEach((id) => storyOf.set(id, s)));
  return ids.map((id) => storyOf.get(id)!);
}

async function og(embedder: Embedder): Promise<OgResult> {
  const { articles, gold } = await loadOgFeed();
  const ids = articles.map((a) => a.id);

  log(`og2021: ${articles.length} articles in one add() …`);
  let t = performance.now();
  const batch = await StoryDetector.create({ embedder });
  await batch.add(articles);
  const batchLabels = labelsOf(batch, ids);
  const batchSeconds = secondsSince(t);

  const round = (x: number) => Math.round(x * 1000) / 1000;
  const scores = (s: Scores): Scores => ({ f1: round(s.f1), precision: round(s.precision), recall: round(s.recall) });
  const live: LiveRun[] = [];
  for (const reclusterEvery of [0, RECLUSTER_EVERY]) {
    const what = reclusterEvery ? `, recluster() every ${reclusterEvery}` : '';
    log(`og2021: the same articles one add() each, in order of publication${what} …`);
    t = performance.now();
    const detector = await StoryDetector.create({ embedder });
    const latencies: number[] = [];
    const changes: Record<string, number> = {};
    for (let i = 0; i < articles.length; i++) {
      const s = performance.now();
      const result = await detector.add([articles[i]!]);
      latencies.push(performance.now() - s);
      for (const change of result.changes) changes[change.type] = (changes[change.type] ?? 0) + 1;
      if (reclusterEvery && (i + 1) % reclusterEvery === 0) {
        for (const change of await detector.recluster()) changes[change.type] = (changes[change.type] ?? 0) + 1;
      }
      if ((i + 1) % 2000 === 0) log(`  ${i + 1} / ${articles.length}`);
    }
    const labels = labelsOf(detector, ids);
    const seconds = secondsSince(t);
    latencies.sort((a, b) => a - b);
    live.push({
      reclusterEvery,
      vsGold: scores(bcubed(labels, gold)),
      vsBatch: scores(bcubed(labels, batchLabels)),
      seconds: round(seconds),
      addLatencyMs: {
        p50: round(percentile(latencies, 0.5)),
        p95: round(percentile(latencies, 0.95)),
        p99: round(percentile(latencies, 0.99)),
        max: round(latencies[latencies.length - 1]!),
      },
      changes,
    });
  }
  return { articles: articles.length, batch: { ...scores(bcubed(batchLabels, gold)), seconds: round(batchSeconds) }, live };
}

interface DayMemory {
  day: number;
  active: number;
  archived: number;
  rssMiB: number;
  heapMiB: number;
  externalMiB: number;
}

const embedder = await defaultEmbedder();

/**
 * glibc raises its mmap threshold each time a large mmapped block is freed (up to 32 MiB),
 * after which big typed arrays come from the heap and stay resident once freed, and its four
 * thread arenas keep what V8's helper threads freed. Fixing the threshold at its default
 * (128 KiB) keeps large buffers in mmap, returned to the system when freed, and with it the
 * trim threshold (measured at day 30 of this feed, one run each: defaults 266 MiB, this 235,
 * MALLOC_TRIM_THRESHOLD_=131072 247, MALLOC_ARENA_MAX=2 267).
 */
const ALLOCATOR_SETTING = { MALLOC_MMAP_THRESHOLD_: '131072' };
const ALLOCATOR_SETTING_TEXT = Object.entries(ALLOCATOR_SETTING)
  .map(([name, value]) => `${name}=${value}`)
  .join(' ');

/** Writes the generated feed as one JSON line per hour, for the feed children to stream. */
function writeFeed(file: string, days: number, perDay: number): void {
  const lines: string[] = [];
  for (const hour of generatedFeed(days, perDay, 5)) lines.push(JSON.stringify(hour));
  writeFileSync(file, lines.join('\n') + '\n');
}

/**
 * Each feed runs in a process of its own on the built package (see feed-child.mjs), so one
 * run's garbage cannot count against the other and the TypeScript loader counts in neither.
 */
function feedInChild(feedFile: string, activeWindowDays: number, env: Record<string, string> = {}): { memory: DayMemory[]; seconds: number } {
  const child = fileURLToPath(new URL('./feed-child.mjs', import.meta.url));
  const out = execFileSync(process.execPath, ['--expose-gc', child, feedFile, String(activeWindowDays)], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 64 * MiB,
  });
  return JSON.parse(out.toString('utf8')) as { memory: DayMemory[]; seconds: number };
}

const results: Record<string, unknown> = { environment: environment(), embedder: embedder.id };
let markdown = `# Live feed benchmark\n\n`;
let text = '';

if (!args['skip-og']) {
  const r = await og(embedder);
  results.og2021 = r;
  const rows = [
    ['all in one add() (batch)', r.batch.f1, r.batch.precision, r.batch.recall, null, null, null, r.batch.seconds],
    ...r.live.map((run) => [
      run.reclusterEvery ? `one add() per article, recluster() every ${run.reclusterEvery}` : 'one add() per article',
      run.vsGold.f1,
      run.vsGold.precision,
      run.vsGold.recall,
      run.vsBatch.f1,
      run.vsBatch.precision,
      run.vsBatch.recall,
      run.seconds,
    ]),
  ];
  const headers = ['OG2021 titles, dates used, publication order', 'B³ F1 vs gold', 'P', 'R', 'B³ F1 vs batch', 'P', 'R', 'seconds'];
  const latency = r.live
    .map(
      (run) =>
        `${run.reclusterEvery ? `with recluster() every ${run.reclusterEvery}` : 'plain'}: add() latency p50 ${run.addLatencyMs.p50} ms, p95 ${run.addLatencyMs.p95} ms, p99 ${run.addLatencyMs.p99} ms, max ${run.addLatencyMs.max} ms; changes ${JSON.stringify(run.changes)}`,
    )
    .join('\n\n');
  markdown += `## OG2021 one article at a time vs all at once (${r.articles} articles)\n\n${markdownTable(headers, rows)}\n\n${latency}\n\n`;
  text += `${textTable(headers, rows)}\n${latency}\n\n`;
}

if (!args['skip-feed']) {
  const days = Number(args.days);
  const perDay = Number(args['per-day']);
  const feedDir = await mkdtemp(join(tmpdir(), 'samestory-feed-data-'));
  const feedFile = join(feedDir, 'feed.jsonl');
  let windowed: { memory: DayMemory[]; seconds: number };
  let unbounded: { memory: DayMemory[]; seconds: number };
  let tuned: { memory: DayMemory[]; seconds: number };
  try {
    writeFeed(feedFile, days, perDay);
    log(`simulated feed: ${days} days x ${perDay} articles, 7-day window + file archive …`);
    windowed = feedInChild(feedFile, 7);
    log(`simulated feed: the same with no window (baseline) …`);
    unbounded = feedInChild(feedFile, Infinity);
    log(`simulated feed: 7-day window again with ${ALLOCATOR_SETTING_TEXT} …`);
    tuned = feedInChild(feedFile, 7, ALLOCATOR_SETTING);
  } finally {
    await rm(feedDir, { recursive: true, force: true });
  }
  results.feed = { days, perDay, windowed, unbounded, windowedWithAllocatorSetting: { env: ALLOCATOR_SETTING, ...tuned } };
  const headers = ['day', 'active (7-d window)', 'rss MiB', 'heap MiB', 'external MiB', 'active (no window)', 'rss MiB', 'heap MiB', 'external MiB', 'rss ratio', `7-d window, ${ALLOCATOR_SETTING_TEXT}: rss MiB`];
  const rows = windowed.memory
    .filter((m) => m.day % 5 === 0 || m.day === 1 || m.day === 7 || m.day === days)
    .map((m) => {
      const u = unbounded.memory[m.day - 1]!;
      const t = tuned.memory[m.day - 1]!;
      return [m.day, m.active, m.rssMiB, m.heapMiB, m.externalMiB, u.active, u.rssMiB, u.heapMiB, u.externalMiB, Math.round((m.rssMiB / u.rssMiB) * 100) / 100, t.rssMiB];
    });
  const note = `${days} days x ${perDay} generated articles (en/de/pl words from the frequency lists, stories of 1-15 articles within a day), added in hourly batches, each configuration in a fresh process running the built package (dist/); memory after a forced GC at the end of each day. Windowed run ${windowed.seconds} s, baseline ${unbounded.seconds} s, windowed with ${ALLOCATOR_SETTING_TEXT} ${tuned.seconds} s.`;
  markdown += `## Simulated ${days}-day feed: memory with the 7-day active window vs none\n\n${note}\n\n${markdownTable(headers, rows)}\n`;
  text += `${note}\n${textTable(headers, rows)}\n`;
}

await embedder.dispose?.();
if (args.json) process.stdout.write(JSON.stringify(results, null, 2) + '\n');
else process.stdout.write(text);
await writeText(args.out ?? join(here, 'results', 'feed.md'), markdown + `\nEnvironment: ${JSON.stringify(results.environment)}\n`);
await writeText(join(here, 'results', 'feed.json'), JSON.stringify(results, null, 2));
