// Loads the invented example articles of examples/articles/ (first line = headline) and their
// ground truth, from wherever the example is started: paths hang off this file, not the cwd.

import { readdirSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Article } from 'samestory';

/** examples/articles/, found relative to this file so any working directory works. */
export const ARTICLES_DIR = join(__dirname, '..', 'articles');

/** The repository root (examples/..): models/ lives there. */
export const REPO_ROOT = join(__dirname, '..', '..');

export interface ExpectedStory {
  id: string;
  event: string;
  articles: string[];
}

interface ExpectedFile {
  stories: ExpectedStory[];
  publishedAt: Record<string, string>;
}

function readExpected(): ExpectedFile {
  return JSON.parse(readFileSync(join(__dirname, '..', 'expected-stories.json'), 'utf8')) as ExpectedFile;
}

/** The intended stories (ground truth) of examples/articles/. */
export function expectedStories(): ExpectedStory[] {
  return readExpected().stories;
}

/** Turns a `<title>\n<body>` text into an Article with the file name as id. */
export function articleFromText(id: string, content: string): Article {
  const [title = '', ...body] = content.trim().split('\n');
  return { id, title: title.trim(), text: body.join('\n').trim() };
}

/**
 * All example articles in file-name order. With `withDates`, each gets the `publishedAt`
 * recorded in expected-stories.json, so explanations can show time gaps.
 */
export function loadExampleArticles(options: { withDates?: boolean } = {}): Article[] {
  const dates = options.withDates ? readExpected().publishedAt : {};
  return readdirSync(ARTICLES_DIR)
    .filter((name) => name.endsWith('.txt'))
    .sort()
    .map((name) => {
      const article = articleFromText(name, readFileSync(join(ARTICLES_DIR, name), 'utf8'));
      const publishedAt = dates[name];
      return publishedAt ? { ...article, publishedAt } : article;
    });
}

/** Reads the example articles one by one, as a stream from a feed or a database would arrive. */
export async function* streamExampleArticles(names: readonly string[]): AsyncGenerator<Article> {
  for (const name of names) {
    yield articleFromText(name, await readFile(join(ARTICLES_DIR, name), 'utf8'));
  }
}
