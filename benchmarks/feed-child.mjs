// One configuration of `npm run bench:feed`'s simulated feed, in a process of its own and on
// the built package (dist/, what users import), so that neither the other configuration's
// garbage nor the TypeScript loader counts in its memory. Plain JavaScript for the same
// reason. Reads the feed (one JSON line per hour: {day, hour, articles}) as a stream and
// prints {memory, seconds} as JSON.
//
//   node --expose-gc benchmarks/feed-child.mjs FEED.jsonl WINDOW_DAYS

import { createReadStream, existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const MiB = 2 ** 20;
const [feedFile, windowArg] = process.argv.slice(2);
const gc = globalThis.gc;
if (!feedFile || !windowArg || !gc) {
  process.stderr.write('usage: node --expose-gc benchmarks/feed-child.mjs FEED.jsonl WINDOW_DAYS\n');
  process.exit(2);
}
const dist = fileURLToPath(new URL('../dist/index.js', import.meta.url));
if (!existsSync(dist)) {
  process.stderr.write('bench:feed measures the built package: run `npm run build` first\n');
  process.exit(2);
}
const { StoryDetector } = await import(dist);

const activeWindowDays = Number(windowArg);
const archiveDir = await mkdtemp(join(tmpdir(), 'samestory-feed-'));
try {
  const detector = await StoryDetector.create({ activeWindowDays, ...(Number.isFinite(activeWindowDays) ? { archiveDir } : {}) });
  const memory = [];
  const started = performance.now();
  let archived = 0;
  for await (const line of createInterface({ input: createReadStream(feedFile), crlfDelay: Infinity })) {
    const { day, hour, articles } = JSON.parse(line);
    const { changes } = await detector.add(articles);
    archived += changes.filter((c) => c.type === 'archived').length;
    if (hour !== 23) continue;
    gc();
    const usage = process.memoryUsage();
    memory.push({
      day: day + 1,
      active: detector.size,
      archived,
      rssMiB: Math.round(usage.rss / MiB),
      heapMiB: Math.round(usage.heapUsed / MiB),
      // `external` includes the ArrayBuffers (typed arrays' memory).
      externalMiB: Math.round(usage.external / MiB),
    });
    process.stderr.write(`  window ${activeWindowDays} d, day ${day + 1}: ${detector.size} active, rss ${memory.at(-1).rssMiB} MiB\n`);
  }
  process.stdout.write(JSON.stringify({ memory, seconds: Math.round((performance.now() - started) / 100) / 10 }) + '\n');
} finally {
  await rm(archiveDir, { recursive: true, force: true });
}
