import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cliBin as bin, samestory, tsxBin as tsx } from '../support/run-cli.js';

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

  it('explains cohesion under the listing', async () => {
    const { stdout } = await samestory('cluster', dir);
    expect(stdout).toContain("cohesion = mean similarity of every pair of a story's articles");
  });

  it('shows the id of an article that has no title instead of an empty column', async () => {
    const feedDir = await mkdtemp(join(tmpdir(), 'samestory-untitled-'));
    await writeFile(join(feedDir, 'feed.jsonl'), JSON.stringify({ id: 'wire-17', text: 'The Oder rose by two metres overnight in Wrocław.' }));
    const { code, stdout } = await samestory('cluster', feedDir);
    expect(code).toBe(0);
    expect(stdout).toMatch(/wire-17 +\w+ +\* +\(no title\) wire-17/);
  });

  it('writes the HTML report with --html, JSON still on stdout and nothing on stderr with --quiet', async () => {
    const out = join(await mkdtemp(join(tmpdir(), 'samestory-html-')), 'report.html');
    const { code, stdout, stderr } = await samestory('cluster', dir, '--html', out, '--json', '--quiet');
    expect(code).toBe(0);
    expect(stderr).toBe('');
    const report = JSON.parse(stdout);
    const html = await readFile(out, 'utf8');
    expect(html.match(/<details class="story"/g)).toHaveLength(report.clusters.length);
    for (const cluster of report.clusters) expect(html).toContain(`data-story-id="${cluster.id}"`);
    expect(html).toContain('Flood closes bridges in Wrocław');
    // Written through a temporary file renamed over the target: nothing else is left behind.
    expect(await readdir(dirname(out))).toEqual(['report.html']);
  });

  it('fails with OUTPUT_UNWRITABLE (exit 1) when the report folder does not exist', async () => {
    const { code, stderr } = await samestory('cluster', dir, '--html', join(dir, 'missing', 'report.html'));
    expect(code).toBe(1);
    expect(stderr).toMatch(/missing\/report\.html: cannot write: .*\[OUTPUT_UNWRITABLE\]/);
  });

  it('fails with a typed error and exit code 1 for a missing folder', async () => {
    const { code, stderr } = await samestory('cluster', join(dir, 'missing'));
    expect(code).toBe(1);
    expect(stderr).toMatch(/no such file or folder \[INPUT_UNREADABLE\]/);
  });

  it('rejects a threshold that is not a number as a usage error (exit 2)', async () => {
    const { code, stderr } = await samestory('cluster', dir, '--threshold', 'high');
    expect(code).toBe(2);
    expect(stderr).toContain("option '--threshold': must be a number, got 'high'");
  });

  it('reports a value the library rejects under the flag as typed, with exit 2', async () => {
    const { code, stderr } = await samestory('cluster', dir, '--threshold=5');
    expect(code).toBe(2);
    expect(stderr).toContain("samestory cluster: option '--threshold': must be a number in [-1, 1], got 5");
    expect(stderr).not.toContain('similarityThreshold');
  });

  it('rejects an unknown option with exit 2 and a closed quote', async () => {
    const { code, stderr } = await samestory('cluster', dir, '--thresold', '0.3');
    expect(code).toBe(2);
    expect(stderr).toBe("samestory cluster: unknown option '--thresold'; see 'samestory cluster --help'\n");
  });

  it('accepts a negative threshold', async () => {
    const { code, stdout } = await samestory('cluster', dir, '--json', '--threshold', '-0.5');
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect(report.threshold).toBe(-0.5);
    expect(report.clusters).toHaveLength(1); // everything joins at a negative threshold
  });

  it('explains a missing transformers model: the fetch-model command, --allow-remote and the API option', async () => {
    const { code, stderr } = await samestory('cluster', dir, '--embedder', 'transformers', '--model', 'Xenova/not-here', '--models-dir', dir);
    expect(code).toBe(1);
    expect(stderr).toMatch(/\[MODEL_NOT_FOUND\]/);
    expect(stderr).toContain(`npx samestory fetch-model Xenova/not-here --dtype q8 --models-dir ${dir}`);
    expect(stderr).toContain('--allow-remote on the command line, allowRemoteModels: true in the API');
    expect(stderr).not.toContain('npm run');
  });

  it('ends quietly with status 0 when the reader closes the pipe early', async () => {
    // JSON far larger than a pipe's buffer, so writes continue after the reader has gone.
    const feedDir = await mkdtemp(join(tmpdir(), 'samestory-pipe-'));
    const lines = Array.from({ length: 1_500 }, (_, i) => JSON.stringify({ id: `a${i}`, lang: 'en', title: `Story ${i} on topic ${i % 37}`, text: `Body ${i}` }));
    await writeFile(join(feedDir, 'feed.jsonl'), lines.join('\n'));
    const child = spawn(tsx, [bin, 'cluster', feedDir, '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    // Like `| head -c 100`: read the first chunk, then close the pipe.
    child.stdout.once('data', () => child.stdout.destroy());
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).toBe('');
    expect(code).toBe(0);
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
    const report = JSON.parse(stdout);
    expect(report.articles).toBe(2);
    expect(report.skipped).toEqual({ total: 3, byReason: { 'duplicate-id': 1, 'invalid-article': 1, 'invalid-json': 1 } });
    expect(stderr).toMatch(/feed\.jsonl:2: skipped: not valid JSON/);
    expect(stderr).toMatch(/feed\.jsonl:3: skipped: field 'text' must be a string, got number \[INVALID_ARTICLE\]/);
    expect(stderr).toMatch(/feed\.jsonl:4: skipped: id 'a' is already used by an earlier article \[DUPLICATE_ID\]/);
    expect(stderr).toContain('samestory: skipped 3 inputs: 1 article whose id was used before, 1 invalid article, 1 record that is not valid JSON\n');
  });

  it('lists only the first repeated ids, then sums them up in one line', async () => {
    const feedDir = await mkdtemp(join(tmpdir(), 'samestory-dups-'));
    const lines = Array.from({ length: 40 }, () => JSON.stringify({ id: 'same', title: 'Flood closes bridges in Wrocław' }));
    await writeFile(join(feedDir, 'feed.jsonl'), lines.join('\n'));
    const { code, stderr } = await samestory('cluster', feedDir);
    expect(code).toBe(0);
    expect(stderr.match(/\[DUPLICATE_ID\]/g)).toHaveLength(10);
    expect(stderr).toContain('samestory: skipped 39 inputs: 39 articles whose ids were used before\n');
  });

  it('keeps the one-line count of skipped input with --quiet', async () => {
    const feedDir = await mkdtemp(join(tmpdir(), 'samestory-quiet-'));
    await writeFile(join(feedDir, 'feed.jsonl'), ['{"id":"a","title":"Flood in Wrocław"}', '{broken'].join('\n'));
    const { code, stderr } = await samestory('cluster', feedDir, '--quiet');
    expect(code).toBe(0);
    expect(stderr).toBe('samestory: skipped 1 input: 1 record that is not valid JSON\n');
  });

  it('exits 1 when a folder holds no article files', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'samestory-empty-'));
    const { code, stdout, stderr } = await samestory('cluster', empty, '--json');
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/no article found \(looked for \.txt, \.md, \.json and \.jsonl files\) \[INPUT_UNREADABLE\]/);
  });

  it('exits 1 when every record was skipped, after saying why', async () => {
    const feedDir = await mkdtemp(join(tmpdir(), 'samestory-allbad-'));
    await writeFile(join(feedDir, 'feed.jsonl'), ['{broken', '{"id": "x", "text": 42}'].join('\n'));
    const { code, stderr } = await samestory('cluster', feedDir);
    expect(code).toBe(1);
    expect(stderr).toContain('samestory: skipped 2 inputs: 1 invalid article, 1 record that is not valid JSON\n');
    expect(stderr).toMatch(/no article could be read \[INPUT_UNREADABLE\]/);
  });

  it('shows usage on stderr with exit 2 when no command is given', async () => {
    const { code, stdout, stderr } = await samestory();
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain('Usage:');
  });

  it('shows usage for an unknown command', async () => {
    const { code, stderr } = await samestory('frobnicate');
    expect(code).toBe(2);
    expect(stderr).toContain('Usage:');
  });
});

describe('samestory <command> --help', () => {
  it('prints the usage and options of every command and exits 0', async () => {
    for (const [command, option] of [['cluster', '--threshold <x>'], ['calibrate', '--min-precision <p>'], ['fetch-model', '--models-dir <dir>']] as const) {
      const { code, stdout } = await samestory(command, '--help');
      expect(code, command).toBe(0);
      expect(stdout).toContain(`Usage: samestory ${command} `);
      expect(stdout).toContain(option);
    }
  });

  it('prints the help of a command for -h, also after other arguments', async () => {
    const { code, stdout } = await samestory('cluster', 'some-folder', '-h');
    expect(code).toBe(0);
    expect(stdout).toContain('Usage: samestory cluster <paths...>');
  });
});

describe('samestory fetch-model', () => {
  it('asks for a model id with exit 2', async () => {
    const { code, stderr } = await samestory('fetch-model');
    expect(code).toBe(2);
    expect(stderr).toContain('samestory fetch-model: give one model id, e.g. Xenova/multilingual-e5-small');
  });

  it('rejects an unknown dtype with exit 2, naming --dtype', async () => {
    const { code, stderr } = await samestory('fetch-model', 'Xenova/multilingual-e5-small', '--dtype', 'fp16');
    expect(code).toBe(2);
    expect(stderr).toContain("option '--dtype': must be 'q8' or 'fp32', got 'fp16'");
  });

  it('downloads nothing when the model files are already in the folder', async () => {
    const models = join(import.meta.dirname, '../../models');
    const { code, stdout } = await samestory('fetch-model', 'tiny-random-bert', '--dtype', 'fp32', '--models-dir', models);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^already there: .*tiny-random-bert \(onnx\/model\.onnx, [\d.]+ MB\); nothing downloaded\n$/);
  });
});
