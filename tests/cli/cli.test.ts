import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const bin = join(import.meta.dirname, '../../src/cli/bin.ts');
const tsx = join(import.meta.dirname, '../../node_modules/.bin/tsx');

async function samestory(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(tsx, [bin, ...args], { env: { ...process.env, FORCE_COLOR: '0' } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'samestory-cli-'));
  await writeFile(join(dir, 'flood-en.txt'), 'Flood closes bridges in Wrocław\nThe Oder rose by two metres overnight and the city closed three bridges. Mayor Anna Nowak said 120 homes were evacuated.');
  await writeFile(join(dir, 'flood-pl.txt'), 'Powódź zamyka mosty we Wrocławiu\nOdra podniosła się w nocy o dwa metry, a miasto zamknęło trzy mosty. Prezydent Anna Nowak powiedziała, że ewakuowano 120 domów.');
  await writeFile(join(dir, 'football-de.txt'), 'Deutschland gewinnt gegen Spanien\nDie Nationalmannschaft gewann das Freundschaftsspiel in München mit 2:1. Das Siegtor fiel in der 89. Minute.');
});

describe('samestory calibrate', () => {
  it('reports precision and recall per threshold and suggests one', async () => {
    const pairs = join(await mkdtemp(join(tmpdir(), 'samestory-pairs-')), 'pairs.jsonl');
    const line = (a: string, b: string, same: boolean) =>
      JSON.stringify({ lang1: 'en', title1: a, text1: '', lang2: 'pl', title2: b, text2: '', same_story: same });
    await writeFile(
      pairs,
      [
        line('Flood closes bridges in Wrocław', 'Powódź zamyka mosty we Wrocławiu', true),
        line('Germany beats Spain 2:1 in Munich', 'Niemcy pokonały Hiszpanię 2:1 w Monachium', true),
        line('Flood closes bridges in Wrocław', 'Niemcy pokonały Hiszpanię 2:1 w Monachium', false),
        line('Germany beats Spain 2:1 in Munich', 'Powódź zamyka mosty we Wrocławiu', false),
      ].join('\n'),
    );
    const { code, stdout } = await samestory('calibrate', pairs, '--json');
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect(report.pairs).toBe(4);
    expect(report.positives).toBe(2);
    expect(Object.keys(report.byLanguagePair)).toEqual(['en-pl']);
    // The two same-story pairs score above the two others, so some threshold separates them.
    expect(report.suggestion.point.f1).toBe(1);
  });
});

describe('samestory cluster', () => {
  it('prints the stories as JSON with the embedder and members', async () => {
    const { code, stdout } = await samestory('cluster', dir, '--json');
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect(report.embedder.id).toMatch(/^lexical/);
    expect(report.embedder.dimension).toBeGreaterThan(0);
    const ids = report.clusters.map((c: { articles: { id: string }[] }) => c.articles.map((a) => a.id).sort());
    expect(ids).toContainEqual(['flood-en.txt', 'flood-pl.txt']);
    expect(ids).toContainEqual(['football-de.txt']);
    const flood = report.clusters.find((c: { articles: unknown[] }) => c.articles.length === 2);
    expect(flood.languages).toEqual(['en', 'pl']);
    expect(flood.cohesion).toBeGreaterThan(0);
  });

  it('prints a readable listing without --json', async () => {
    const { code, stdout } = await samestory('cluster', dir);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^2 stories from 3 articles/);
    expect(stdout).toContain('Story 1 · 2 articles · en, pl');
  });

  it('fails with a typed error and exit code 1 for a missing folder', async () => {
    const { code, stderr } = await samestory('cluster', join(dir, 'missing'));
    expect(code).toBe(1);
    expect(stderr).toMatch(/no such file or folder \[INPUT_UNREADABLE\]/);
  });

  it('rejects a threshold that is not a number', async () => {
    const { code, stderr } = await samestory('cluster', dir, '--threshold', 'high');
    expect(code).toBe(1);
    expect(stderr).toContain("option 'threshold': must be a number");
  });

  it('explains a missing transformers model and how to get it', async () => {
    const { code, stderr } = await samestory('cluster', dir, '--embedder', 'transformers', '--model', 'Xenova/not-here', '--models-dir', dir);
    expect(code).toBe(1);
    expect(stderr).toMatch(/\[MODEL_NOT_FOUND\]/);
    expect(stderr).toContain('fetch-model');
  });

  it('embeds nothing again on a second run with the same --cache-dir', async () => {
    const cacheDir = join(await mkdtemp(join(tmpdir(), 'samestory-cache-')), 'vectors');
    const first = await samestory('cluster', dir, '--json', '--cache-dir', cacheDir);
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout).cache).toEqual({ dir: cacheDir, hits: 0, misses: 3 });
    const second = await samestory('cluster', dir, '--json', '--cache-dir', cacheDir);
    expect(second.code).toBe(0);
    const report = JSON.parse(second.stdout);
    expect(report.cache).toEqual({ dir: cacheDir, hits: 3, misses: 0 });
    expect(second.stderr).toContain('3 reused, 0 embedded');
    // Same vectors, same stories.
    expect(report.clusters).toEqual(JSON.parse(first.stdout).clusters);
  });

  it('rejects a --cache-dir that cannot be a folder with a typed error', async () => {
    const file = join(dir, 'flood-en.txt');
    const { code, stderr } = await samestory('cluster', dir, '--cache-dir', join(file, 'sub'));
    expect(code).toBe(1);
    expect(stderr).toMatch(/option 'cache-dir'.*\[INVALID_OPTIONS\]/);
  });

  it('skips invalid articles and repeated ids with a warning and clusters the rest', async () => {
    const feedDir = await mkdtemp(join(tmpdir(), 'samestory-feed-'));
    await writeFile(
      join(feedDir, 'feed.jsonl'),
      [
        JSON.stringify({ id: 'a', title: 'Flood closes bridges in Wrocław', text: 'The Oder rose by two metres.' }),
        '{"id": "torn", "text": "cut off by a cra',
        JSON.stringify({ id: 'b', text: 42 }),
        JSON.stringify({ id: 'a', text: 'A second article with the id of the first.' }),
        JSON.stringify({ id: 'c', title: 'Powódź zamyka mosty we Wrocławiu', text: 'Odra podniosła się o dwa metry.' }),
      ].join('\n'),
    );
    const { code, stdout, stderr } = await samestory('cluster', feedDir, '--json');
    expect(code).toBe(0);
    expect(JSON.parse(stdout).articles).toBe(2);
    expect(stderr).toMatch(/feed\.jsonl:2: skipped: not valid JSON/);
    expect(stderr).toMatch(/feed\.jsonl:3: skipped: field 'text' must be a string, got number \[INVALID_ARTICLE\]/);
    expect(stderr).toMatch(/feed\.jsonl:4: skipped: id 'a' is already used by an earlier article \[DUPLICATE_ID\]/);
  });

  it('shows usage for an unknown command', async () => {
    const { code, stderr } = await samestory('frobnicate');
    expect(code).toBe(2);
    expect(stderr).toContain('Usage:');
  });
});
