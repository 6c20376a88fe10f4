// Where stories go when they leave the active window of a live detector: no vectors, no
// index entries, just the StoryCluster records, still answerable by story id or article id.
//
// In memory by default. With a folder, each archived story is one line of an append-only
// JSONL file with its own checksum, fsynced per batch, and nothing stays in memory: a
// feed that runs for months keeps a bounded heap. A line torn by a crash is recognised by
// its checksum and skipped; the torn tail is cut before the next append so later lines
// stay readable.

import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, truncateSync, writeSync } from 'node:fs';
import path from 'node:path';
import type { StoryCluster } from '../cluster/story-cluster.js';
import { BundleError } from '../errors.js';
import { sha256Of } from './durable-files.js';

export interface StoryArchive {
  /** Number of archived stories. */
  readonly size: number;
  /** Adds stories that left the active window. */
  add(stories: readonly StoryCluster[]): void;
  /** The archived story with this id. */
  get(storyId: string): StoryCluster | undefined;
  /** The archived story that holds this article. */
  findByArticle(articleId: string): StoryCluster | undefined;
  /** Every archived story, in the order they were archived. */
  all(): StoryCluster[];
}

/** Keeps archived stories in memory (compact: no vectors). */
export class MemoryStoryArchive implements StoryArchive {
  private readonly stories: StoryCluster[] = [];
  private readonly byId = new Map<string, StoryCluster>();

  constructor(initial: readonly StoryCluster[] = []) {
    this.add(initial);
  }

  get size(): number {
    return this.stories.length;
  }

  add(stories: readonly StoryCluster[]): void {
    for (const story of stories) {
      this.stories.push(story);
      this.byId.set(story.id, story);
    }
  }

  get(storyId: string): StoryCluster | undefined {
    return this.byId.get(storyId);
  }

  findByArticle(articleId: string): StoryCluster | undefined {
    return this.stories.find((story) => story.articleIds.includes(articleId));
  }

  all(): StoryCluster[] {
    return this.stories.slice();
  }
}

export const ARCHIVE_FILE = 'archived-stories.jsonl';
const CHECK_LENGTH = 16;

/**
 * Appends archived stories to `<dir>/archived-stories.jsonl`; lookups read the file
 * (O(archive size): archives are written often and read rarely).
 */
export class FileStoryArchive implements StoryArchive {
  readonly file: string;
  private count = 0;
  // Bytes up to the last complete line; anything after it is torn and cut before appending.
  private validBytes = 0;

  constructor(dir: string) {
    mkdirSync(dir, { recursive: true });
    this.file = path.join(dir, ARCHIVE_FILE);
    const { stories, validBytes } = this.read();
    this.count = stories.length;
    this.validBytes = validBytes;
  }

  get size(): number {
    return this.count;
  }

  add(stories: readonly StoryCluster[]): void {
    if (stories.length === 0) return;
    const text = stories.map(lineOf).join('');
    const fd = openSync(this.file, 'a+');
    try {
      // A previous crash may have left a torn line at the end: cut it first.
      truncateSync(this.file, this.validBytes);
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    this.count += stories.length;
    this.validBytes += Buffer.byteLength(text);
  }

  get(storyId: string): StoryCluster | undefined {
    return this.read().stories.find((story) => story.id === storyId);
  }

  findByArticle(articleId: string): StoryCluster | undefined {
    return this.read().stories.find((story) => story.articleIds.includes(articleId));
  }

  all(): StoryCluster[] {
    return this.read().stories;
  }

  private read(): { stories: StoryCluster[]; validBytes: number } {
    let bytes: Buffer;
    try {
      bytes = readFileSync(this.file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { stories: [], validBytes: 0 };
      throw new BundleError(this.file, `story archive cannot be read: ${String(error)}`, { cause: error });
    }
    const stories: StoryCluster[] = [];
    let start = 0;
    while (start < bytes.length) {
      const end = bytes.indexOf(0x0a, start);
      if (end < 0) break; // torn last line
      const line = bytes.subarray(start, end).toString('utf8');
      // A damaged complete line is skipped and left in place.
      const story = parseLine(line);
      if (story) stories.push(story);
      start = end + 1;
    }
    return { stories, validBytes: lastNewline(bytes) };
  }
}

function lineOf(story: StoryCluster): string {
  const json = JSON.stringify(story);
  return `${sha256Of(json).slice(0, CHECK_LENGTH)} ${json}\n`;
}

function parseLine(line: string): StoryCluster | undefined {
  const space = line.indexOf(' ');
  if (space !== CHECK_LENGTH) return undefined;
  const json = line.slice(space + 1);
  if (sha256Of(json).slice(0, CHECK_LENGTH) !== line.slice(0, space)) return undefined;
  try {
    const story = JSON.parse(json) as StoryCluster;
    return typeof story.id === 'string' && Array.isArray(story.articleIds) ? story : undefined;
  } catch {
    return undefined;
  }
}

// Bytes up to the last complete line: what appends keep (only a torn tail is cut).
function lastNewline(bytes: Buffer): number {
  const at = bytes.lastIndexOf(0x0a);
  return at < 0 ? 0 : at + 1;
}
