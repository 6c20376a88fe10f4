// The command line of a shared feed: `ingest` from several processes at once, `stories`
// in the shape of `cluster --json`, and `ingest --queue` with `work`.

import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { firstArticles, laterArticles } from '../persist/story-articles.js';
import { freshDatabase } from '../support/postgres-test-database.js';
import { samestory } from '../support/run-cli.js';

type Report = { clusters: Array<{ articles: Array<{ id: string }> }> };
const groups = (report: Report) => report.clusters.map((c) => c.articles.map((a) => a.id).sort()).sort();

let dir: string;
let url: string;
const all = [...firstArticles, ...laterArticles];
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'samestory-feed-cli-'));
  const lines = (articles: typeof all) => articles.map((a) => JSON.stringify(a)).join('\n') + '\n';
  await writeFile(join(dir, 'all.jsonl'), lines(all));
  await writeFile(join(dir, 'even.jsonl'), lines(all.filter((_, i) => i % 2 === 0)));
  await writeFile(join(dir, 'odd.jsonl'), lines(all.filter((_, i) => i % 2 === 1)));
  url = await freshDatabase();
});

describe('samestory ingest and stories', () => {
  it('prints the stories of a feed in the shape and grouping of cluster --json', async () => {
    const ingest = await samestory('ingest', join(dir, 'all.jsonl'), '--db', url, '--feed', 'one', '--quiet');
    expect(ingest.code).toBe(0);
    const stories = await samestory('stories', '--db', url, '--feed', 'one', '--json');
    const cluster = await samestory('cluster', join(dir, 'all.jsonl'), '--json', '--quiet');
    expect(stories.code).toBe(0);
    expect(groups(JSON.parse(stories.stdout) as Report)).toEqual(groups(JSON.parse(cluster.stdout) as Report));
  });

  it('takes two ingests at once into one feed, each article in one story, and skips ids already there', async () => {
    const [even, odd] = await Promise.all([
      samestory('ingest', join(dir, 'even.jsonl'), '--db', url, '--feed', 'two', '--quiet'),
      samestory('ingest', join(dir, 'odd.jsonl'), '--db', url, '--feed', 'two', '--quiet'),
    ]);
    expect([even.code, odd.code]).toEqual([0, 0]);
    const again = await samestory('ingest', join(dir, 'all.jsonl'), '--db', url, '--feed', 'two', '--json');
    expect(JSON.parse(again.stdout)).toMatchObject({ added: 0, alreadyInFeed: all.length });
    const stories = JSON.parse((await samestory('stories', '--db', url, '--feed', 'two', '--json')).stdout) as Report;
    expect(stories.clusters.flatMap((c) => c.articles.map((a) => a.id)).sort()).toEqual(all.map((a) => a.id).sort());
  });

  it('enqueues with --queue and adds through work', async () => {
    const enqueue = await samestory('ingest', join(dir, 'all.jsonl'), '--db', url, '--feed', 'queued', '--queue', '--json');
    expect(JSON.parse(enqueue.stdout)).toMatchObject({ enqueued: all.length });
    const work = await samestory('work', '--db', url, '--feed', 'queued', '--until-empty', '--quiet');
    expect(work.code).toBe(0);
    const stories = JSON.parse((await samestory('stories', '--db', url, '--feed', 'queued', '--json')).stdout) as Report;
    expect(stories.clusters.flatMap((c) => c.articles.map((a) => a.id)).sort()).toEqual(all.map((a) => a.id).sort());
  });

  it('says which option is missing', async () => {
    const result = await samestory('stories', '--feed', 'x');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("option '--db' is required");
  });
});
