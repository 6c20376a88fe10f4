import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readArticles, type ReadWarning } from '../../src/cli/read-articles.js';
import { InputError } from '../../src/errors.js';

let dir: string;

async function collect(paths: string[], warnings: ReadWarning[] = []) {
  const out = [];
  for await (const article of readArticles(paths, { onWarning: (w) => warnings.push(w) })) out.push(article);
  return out;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'samestory-read-'));
  await writeFile(join(dir, 'b-story.txt'), '\nHeadline of B\nFirst paragraph.\nSecond.\n');
  await writeFile(join(dir, 'a-story.md'), 'Headline of A\n\nBody of A.');
  await writeFile(join(dir, 'feed.jsonl'), '{"id":"j1","title":"Only a title","date":"2021-07-24"}\n\n{"id":7,"text":"Body","lang":"de"}\n');
  await writeFile(join(dir, 'many.json'), JSON.stringify([{ id: 'x1', text: 'one' }, { text: 'two' }]));
  await writeFile(join(dir, 'LABELS.json'), JSON.stringify({ clusters: [] }));
  await writeFile(join(dir, 'image.txt'), Buffer.from([0x89, 0x50, 0x00, 0x01]));
  await writeFile(join(dir, 'notes.csv'), 'not,an,article');
  await mkdir(join(dir, 'nested'));
  await writeFile(join(dir, 'nested', 'c.txt'), 'Headline of C\nBody of C.');
});

describe('readArticles', () => {
  it('reads a folder recursively in name order, with file names as ids', async () => {
    const warnings: ReadWarning[] = [];
    const articles = await collect([dir], warnings);
    expect(articles.map((a) => a.id)).toEqual(['a-story.md', 'b-story.txt', 'j1', '7', 'x1', 'many.json#1', 'c.txt']);
    expect(articles[1]).toEqual({ id: 'b-story.txt', title: 'Headline of B', text: 'First paragraph.\nSecond.\n' });
  });

  it('treats a JSONL record with only a title as an article and maps date to publishedAt', async () => {
    const [first] = await collect([join(dir, 'feed.jsonl')]);
    expect(first).toMatchObject({ id: 'j1', title: 'Only a title', text: '', publishedAt: '2021-07-24' });
  });

  it('skips binary files and non-article JSON inside a folder with a warning', async () => {
    const warnings: ReadWarning[] = [];
    await collect([dir], warnings);
    expect(warnings.map((w) => w.message)).toEqual([
      'skipped: JSON without article fields (text or title)',
      'skipped: binary file, not an article',
    ]);
  });

  it('rejects a binary file named on its own', async () => {
    await expect(collect([join(dir, 'image.txt')])).rejects.toThrow(InputError);
  });

  it('skips a broken JSONL record with a warning that names its line', async () => {
    const path = join(dir, 'broken.jsonl');
    await writeFile(path, '{"id":"ok","text":"fine"}\n{"id": oops}\n{"id":"ok2","text":"also fine"}\n');
    const warnings: ReadWarning[] = [];
    const articles = await collect([path], warnings);
    expect(articles.map((a) => a.id)).toEqual(['ok', 'ok2']);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.path).toBe(`${path}:2`);
    expect(warnings[0]!.message).toMatch(/^skipped: not valid JSON/);
  });

  it('with skipInvalid, skips invalid records and repeated ids with a warning each', async () => {
    const path = join(dir, 'mixed.jsonl');
    await writeFile(path, '{"id":"m1","text":"fine"}\n{"id":"m2","text":""}\n{"id":"m1","text":"again"}\n{"id":"m3","text":5}\n');
    const warnings: ReadWarning[] = [];
    const out = [];
    for await (const article of readArticles([path], { skipInvalid: true, onWarning: (w) => warnings.push(w) })) out.push(article);
    expect(out.map((a) => a.id)).toEqual(['m1']);
    expect(warnings.map((w) => [w.path.slice(path.length), w.message.match(/\[(\w+)\]$/)?.[1]])).toEqual([
      [':2', 'INVALID_ARTICLE'],
      [':3', 'DUPLICATE_ID'],
      [':4', 'INVALID_ARTICLE'],
    ]);
  });

  it('reports a missing path as an input error', async () => {
    await expect(collect([join(dir, 'nope')])).rejects.toThrow(InputError);
  });
});
