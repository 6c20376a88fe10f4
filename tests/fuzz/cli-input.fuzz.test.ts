// Fuzzing the CLI's file input (issue 6): the reader with hostile files and seeded byte
// mutations of valid ones, and `samestory cluster` end to end on a folder of everything odd.

import { execFile, execFileSync } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { readArticles, type ReadWarning } from '../../src/cli/read-articles.js';
import { InputError } from '../../src/errors.js';
import { hostileFiles, mutatedFiles, VALID_JSONL } from './file-cases.js';
import { runFileFuzz } from './file-fuzz.js';
import { FUZZ_CONFIG } from './fuzz-config.js';

const FILE_FUZZ = { seed: FUZZ_CONFIG.fileSeed, mutations: FUZZ_CONFIG.fileMutations };

const run = promisify(execFile);
const bin = join(import.meta.dirname, '../../src/cli/bin.ts');
const tsx = join(import.meta.dirname, '../../node_modules/.bin/tsx');

async function samestory(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(tsx, [bin, ...args], { env: { ...process.env, FORCE_COLOR: '0' }, maxBuffer: 64 * 1024 * 1024, timeout: 50_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

async function collect(path: string): Promise<{ ids: string[]; warnings: ReadWarning[] }> {
  const warnings: ReadWarning[] = [];
  const ids: string[] = [];
  for await (const article of readArticles([path], { skipInvalid: true, onWarning: (w) => warnings.push(w) })) ids.push(article.id);
  return { ids, warnings };
}

describe('the CLI reader under hostile files', () => {
  it('reads, skips with a warning or rejects with InputError every case of issue 6', async () => {
    const tally = await runFileFuzz('CLI reader: issue 6 cases', hostileFiles());
    console.log(tally.describe());
    expect(tally.failures).toEqual([]);
  });

  it(`does the same for ${FILE_FUZZ.mutations} seeded byte mutations of valid files`, async () => {
    const tally = await runFileFuzz('CLI reader: byte mutations', mutatedFiles(FILE_FUZZ.seed, FILE_FUZZ.mutations));
    console.log(tally.describe());
    expect(tally.failures).toEqual([]);
    expect(tally.outcomes.get('accepted')).toBeGreaterThan(20);
    expect(tally.counts.get('warning: broken JSON')).toBeGreaterThan(20);
  });

  it('reads a 20 MB JSONL line and the record after it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'samestory-huge-'));
    const path = join(dir, 'huge.jsonl');
    await writeFile(path, JSON.stringify({ id: 'huge', text: 'word '.repeat(4 * 1024 * 1024) }) + '\n{"id":"after","text":"ok"}\n');
    expect(await collect(path)).toEqual({ ids: ['huge', 'after'], warnings: [] });
  });

  it('drops a BOM at the start of a JSONL file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'samestory-bom-'));
    const path = join(dir, 'bom.jsonl');
    await writeFile(path, '\ufeff' + VALID_JSONL);
    const { ids, warnings } = await collect(path);
    expect(warnings).toEqual([]);
    expect(ids[0]).toBe('pl-flood');
  });

  it('rejects a named binary file and a named FIFO instead of reading them', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'samestory-special-'));
    await writeFile(join(dir, 'image.jsonl'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0x0d]));
    await expect(collect(join(dir, 'image.jsonl'))).rejects.toThrow(InputError);
    execFileSync('mkfifo', [join(dir, 'pipe.txt')]);
    // Reading a FIFO with no writer would block forever.
    await expect(collect(join(dir, 'pipe.txt'))).rejects.toThrow(/not a regular file/);
  });

  it('reports every broken line, each with its line number (the CLI caps what it prints)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'samestory-many-'));
    const path = join(dir, 'broken.jsonl');
    await writeFile(path, Array.from({ length: 500 }, (_, i) => `{"id": "r${i}", broken`).join('\n'));
    const { ids, warnings } = await collect(path);
    expect(ids).toEqual([]);
    expect(warnings).toHaveLength(500);
    expect(new Set(warnings.map((w) => w.reason))).toEqual(new Set(['invalid-json']));
    expect(warnings.at(-1)!.path).toBe(`${path}:500`);
  });
});

describe('samestory cluster on a folder of odd files', () => {
  it('clusters the readable articles, warns about the rest and exits 0', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'samestory-odd-'));
    for (const fileCase of hostileFiles()) {
      for (const file of fileCase.files) {
        // One folder for all: flat names, and no 20 MB files to keep the run short.
        if (file.name.includes('/') || file.content.length > 1024 * 1024) continue;
        await writeFile(join(dir, file.name), file.content);
      }
    }
    const { code, stdout, stderr } = await samestory('cluster', dir, '--json');
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect(report.articles).toBeGreaterThan(10);
    expect(stderr).toMatch(/image\.txt: skipped: binary file/);
    expect(stderr).toMatch(/types\.jsonl:1: skipped: field 'text' must be a string, got number \[INVALID_ARTICLE\]/);
    expect(stderr).toMatch(/dups\.jsonl:2: skipped: id 'x' is already used by an earlier article \[DUPLICATE_ID\]/);
    expect(stderr).not.toMatch(/unexpected error/);
  });

  it('exits 1 with INPUT_UNREADABLE for a named binary file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'samestory-bin-'));
    await writeFile(join(dir, 'image.txt'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0x0d]));
    const { code, stderr } = await samestory('cluster', join(dir, 'image.txt'));
    expect(code).toBe(1);
    expect(stderr).toMatch(/binary file, not an article \[INPUT_UNREADABLE\]/);
  });
});
