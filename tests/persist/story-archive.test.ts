import { appendFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StoryCluster } from '../../src/cluster/story-cluster.js';
import { FileStoryArchive, MemoryStoryArchive, type StoryArchive } from '../../src/persist/story-archive.js';

function story(id: string, articleIds: string[]): StoryCluster {
  return {
    id,
    articleIds,
    members: articleIds.map((a) => ({ id: a, similarityToRepresentative: 1 })),
    languages: ['pl'],
    representativeId: articleIds[0]!,
    cohesion: 1,
  };
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'samestory-archive-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe.each([
  ['MemoryStoryArchive', () => new MemoryStoryArchive()],
  ['FileStoryArchive', () => new FileStoryArchive(dir)],
] as Array<[string, () => StoryArchive]>)('%s', (_, make) => {
  it('finds archived stories by story id and by article id, in archiving order', () => {
    const archive = make();
    archive.add([story('s1', ['a', 'b'])]);
    archive.add([story('s2', ['c'])]);
    expect(archive.size).toBe(2);
    expect(archive.get('s2')?.articleIds).toEqual(['c']);
    expect(archive.findByArticle('b')?.id).toBe('s1');
    expect(archive.get('nope')).toBeUndefined();
    expect(archive.all().map((s) => s.id)).toEqual(['s1', 's2']);
  });
});

describe('FileStoryArchive', () => {
  it('reopens with what earlier runs archived', () => {
    new FileStoryArchive(dir).add([story('s1', ['a']), story('s2', ['b'])]);
    const reopened = new FileStoryArchive(dir);
    expect(reopened.size).toBe(2);
    expect(reopened.findByArticle('b')?.id).toBe('s2');
  });

  it('skips a line torn by a crash and cuts it before the next append', async () => {
    const archive = new FileStoryArchive(dir);
    archive.add([story('s1', ['a'])]);
    await appendFile(archive.file, '0123456789abcdef {"id":"s2","articleIds":["b"'); // no newline: torn
    const reopened = new FileStoryArchive(dir);
    expect(reopened.all().map((s) => s.id)).toEqual(['s1']);
    reopened.add([story('s3', ['c'])]);
    expect(new FileStoryArchive(dir).all().map((s) => s.id)).toEqual(['s1', 's3']);
    expect((await readFile(archive.file, 'utf8')).split('\n').filter(Boolean)).toHaveLength(2);
  });

  it('ignores a damaged line and keeps the intact ones around it', async () => {
    const archive = new FileStoryArchive(dir);
    archive.add([story('s1', ['a']), story('s2', ['b']), story('s3', ['c'])]);
    const lines = (await readFile(archive.file, 'utf8')).split('\n');
    lines[1] = lines[1]!.replace('"b"', '"x"'); // checksum no longer matches
    await writeFile(archive.file, lines.join('\n'));
    expect(new FileStoryArchive(dir).all().map((s) => s.id)).toEqual(['s1', 's3']);
  });
});
