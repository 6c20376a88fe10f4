// Reads articles from files and folders for the CLI: .txt/.md (first non-empty line is the
// title), .json (one article or an array), .jsonl (one article per line).

import { createReadStream } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { splitTitleAndBody, type Article } from '../article.js';
import { InputError } from '../errors.js';

export const ARTICLE_EXTENSIONS = new Set(['.txt', '.md', '.json', '.jsonl']);

export interface ReadWarning {
  path: string;
  message: string;
}

export interface ReadOptions {
  /** Called for each file skipped inside a folder (binary, unknown extension). */
  onWarning?: (warning: ReadWarning) => void;
}

/** Streams articles from the given paths; folders are walked recursively in name order. */
export async function* readArticles(paths: readonly string[], options: ReadOptions = {}): AsyncGenerator<Article> {
  for (const path of paths) {
    let info;
    try {
      info = await stat(path);
    } catch (error) {
      throw new InputError(path, 'no such file or folder', { cause: error });
    }
    if (info.isDirectory()) yield* readFolder(path, options);
    else yield* readFile_(path, true, options);
  }
}

async function* readFolder(dir: string, options: ReadOptions): AsyncGenerator<Article> {
  const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.name.startsWith('.')) continue;
    if (entry.isDirectory()) yield* readFolder(path, options);
    else if (entry.isFile()) {
      if (!ARTICLE_EXTENSIONS.has(extname(entry.name).toLowerCase())) continue;
      yield* readFile_(path, false, options);
    }
  }
}

async function* readFile_(path: string, named: boolean, options: ReadOptions): AsyncGenerator<Article> {
  const extension = extname(path).toLowerCase();
  if (extension === '.jsonl') {
    yield* readJsonLines(path);
    return;
  }
  const bytes = await readFile(path).catch((error: unknown) => {
    throw new InputError(path, 'cannot be read', { cause: error });
  });
  if (bytes.includes(0)) {
    if (named) throw new InputError(path, 'is a binary file, not an article');
    options.onWarning?.({ path, message: 'skipped: binary file' });
    return;
  }
  const content = new TextDecoder('utf-8').decode(bytes);
  if (extension === '.json') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(content);
    } catch (error) {
      throw new InputError(path, `is not valid JSON: ${(error as Error).message}`, { cause: error });
    }
    const items = Array.isArray(parsed) ? parsed : [parsed];
    // A folder of articles often holds other JSON too (labels, metadata): skip what has
    // neither a text nor a title, but reject it when the user named the file.
    if (!named && !items.some(looksLikeArticle)) {
      options.onWarning?.({ path, message: 'skipped: JSON without article fields (text or title)' });
      return;
    }
    for (const [i, item] of items.entries()) yield withDefaults(item, Array.isArray(parsed) ? `${basename(path)}#${i}` : basename(path));
    return;
  }
  const { title, text } = splitTitleAndBody(content);
  const article: Article = { id: basename(path), text };
  if (title) article.title = title;
  yield article;
}

async function* readJsonLines(path: string): AsyncGenerator<Article> {
  const stream = createReadStream(path, { encoding: 'utf8' });
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  let lineNumber = 0;
  try {
    for await (const line of lines) {
      lineNumber++;
      if (line.trim() === '') continue;
      let parsed: unknown;
      try {
        parsed = JSON.parse(line);
      } catch (error) {
        throw new InputError(path, `line ${lineNumber} is not valid JSON: ${(error as Error).message}`, { cause: error });
      }
      yield withDefaults(parsed, `${basename(path)}:${lineNumber}`);
    }
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError(path, 'cannot be read', { cause: error });
  } finally {
    lines.close();
    stream.destroy();
  }
}

// JSON records may lack an id (the file position stands in) or a body (a title alone is an
// article too, as in headline feeds); everything else is validated by the detector.
function withDefaults(item: unknown, fallbackId: string): Article {
  if (typeof item !== 'object' || item === null || Array.isArray(item)) return item as Article;
  const record = { ...(item as Record<string, unknown>) };
  if (record.id === undefined) record.id = fallbackId;
  else if (typeof record.id === 'number') record.id = String(record.id);
  if (record.text === undefined && typeof record.title === 'string') record.text = '';
  if (record.publishedAt === undefined && typeof record.date === 'string') record.publishedAt = record.date;
  return record as unknown as Article;
}

function looksLikeArticle(item: unknown): boolean {
  if (typeof item !== 'object' || item === null) return false;
  const record = item as Record<string, unknown>;
  return typeof record.text === 'string' || typeof record.title === 'string';
}
