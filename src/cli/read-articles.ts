// Reads articles from files and folders for the CLI: .txt/.md (first non-empty line is the
// title), .json (one article or an array), .jsonl (one article per line).
//
// Text is decoded as UTF-8, with invalid bytes replaced by U+FFFD and a leading BOM dropped.
// Inside a folder, anything that is not an article (binary files, unreadable files, JSON
// without article fields) is skipped with a warning; a file named on the command line must
// be readable. With `skipInvalid`, records that fail validation or repeat an id are skipped
// with a warning too, so one bad record in a feed does not cost the run.

import { createReadStream } from 'node:fs';
import { open, readdir, readFile, stat } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { normalizeArticle, splitTitleAndBody, type Article } from '../article.js';
import { InputError, isSamestoryError } from '../errors.js';

export const ARTICLE_EXTENSIONS = new Set(['.txt', '.md', '.json', '.jsonl']);

/** Bytes looked at to tell a binary file from text. */
const SNIFF_BYTES = 64 * 1024;

/** Why a file or record was skipped. */
export type SkipReason = 'binary-file' | 'unreadable-file' | 'invalid-json' | 'not-article-json' | 'invalid-article' | 'duplicate-id';

export interface ReadWarning {
  /** The file, with `:line` for a JSONL record. */
  path: string;
  message: string;
  reason: SkipReason;
}

export interface ReadOptions {
  /** Called for each file or record skipped (binary, unreadable, broken JSON, invalid record): every one, never summed up. */
  onWarning?: (warning: ReadWarning) => void;
  /**
   * Check every record as StoryDetector.add would, and skip (with a warning) those that fail
   * or repeat an id seen earlier in this read, instead of passing them on.
   * @default false
   */
  skipInvalid?: boolean;
}

interface ReadContext {
  warn: (path: string, reason: SkipReason, message: string) => void;
  skipInvalid: boolean;
  seenIds: Set<string>;
}

/** Streams articles from the given paths; folders are walked recursively in name order. */
export async function* readArticles(paths: readonly string[], options: ReadOptions = {}): AsyncGenerator<Article> {
  const context: ReadContext = {
    warn: (path, reason, message) => options.onWarning?.({ path, message, reason }),
    skipInvalid: options.skipInvalid ?? false,
    seenIds: new Set(),
  };
  for (const path of paths) {
    let info;
    try {
      info = await stat(path);
    } catch (error) {
      throw new InputError(path, 'no such file or folder', { cause: error });
    }
    if (info.isDirectory()) yield* readFolder(path, context);
    // Reading a FIFO or a device would block or never end.
    else if (!info.isFile()) throw new InputError(path, 'is not a regular file or folder');
    else yield* readFile_(path, true, context);
  }
}

async function* readFolder(dir: string, context: ReadContext): AsyncGenerator<Article> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    throw new InputError(dir, `folder cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`, { cause: error });
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.name.startsWith('.')) continue;
    if (entry.isDirectory()) yield* readFolder(path, context);
    else if (entry.isFile()) {
      if (!ARTICLE_EXTENSIONS.has(extname(entry.name).toLowerCase())) continue;
      yield* readFile_(path, false, context);
    }
  }
}

/** A file is binary when it holds NUL bytes, or when a quarter of its start is not text. */
export function looksBinary(bytes: Uint8Array): boolean {
  const sample = bytes.subarray(0, SNIFF_BYTES);
  if (sample.includes(0)) return true;
  const text = new TextDecoder('utf-8').decode(sample);
  let odd = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 0xfffd || (code < 32 && code !== 9 && code !== 10 && code !== 12 && code !== 13)) odd++;
  }
  return odd > 0.25 * text.length;
}

// A binary or unreadable file: an error when the user named it, a warning inside a folder.
function reject(path: string, named: boolean, context: ReadContext, reason: SkipReason, message: string, cause?: unknown): void {
  if (named) throw new InputError(path, message, cause === undefined ? undefined : { cause });
  context.warn(path, reason, `skipped: ${message}`);
}

async function* readFile_(path: string, named: boolean, context: ReadContext): AsyncGenerator<Article> {
  const extension = extname(path).toLowerCase();
  if (extension === '.jsonl') {
    yield* readJsonLines(path, named, context);
    return;
  }
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    reject(path, named, context, 'unreadable-file', `cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`, error);
    return;
  }
  if (looksBinary(bytes)) {
    reject(path, named, context, 'binary-file', 'binary file, not an article');
    return;
  }
  const content = new TextDecoder('utf-8').decode(bytes);
  if (extension === '.json') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(content);
    } catch (error) {
      reject(path, named, context, 'invalid-json', `is not valid JSON: ${(error as Error).message}`, error);
      return;
    }
    const items = Array.isArray(parsed) ? parsed : [parsed];
    // A folder of articles often holds other JSON too (labels, metadata): skip what has
    // neither a text nor a title, but reject it when the user named the file.
    if (!named && !items.some(looksLikeArticle)) {
      context.warn(path, 'not-article-json', 'skipped: JSON without article fields (text or title)');
      return;
    }
    for (const [i, item] of items.entries()) {
      const article = checked(withDefaults(item, Array.isArray(parsed) ? `${basename(path)}#${i}` : basename(path)), Array.isArray(parsed) ? `${path}#${i}` : path, context);
      if (article) yield article;
    }
    return;
  }
  const { title, text } = splitTitleAndBody(content);
  const article: Article = { id: basename(path), text };
  if (title) article.title = title;
  const valid = checked(article, path, context);
  if (valid) yield valid;
}

async function* readJsonLines(path: string, named: boolean, context: ReadContext): AsyncGenerator<Article> {
  let head: Uint8Array;
  try {
    head = await readHead(path);
  } catch (error) {
    reject(path, named, context, 'unreadable-file', `cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`, error);
    return;
  }
  if (looksBinary(head)) {
    reject(path, named, context, 'binary-file', 'binary file, not JSON lines');
    return;
  }
  const stream = createReadStream(path, { encoding: 'utf8' });
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  let lineNumber = 0;
  try {
    for await (const rawLine of lines) {
      lineNumber++;
      const line = lineNumber === 1 && rawLine.charCodeAt(0) === 0xfeff ? rawLine.slice(1) : rawLine;
      if (line.trim() === '') continue;
      let parsed: unknown;
      try {
        parsed = JSON.parse(line);
      } catch (error) {
        // A feed torn by a crash, or one bad record, must not cost the good ones.
        context.warn(`${path}:${lineNumber}`, 'invalid-json', `skipped: not valid JSON (${(error as Error).message.slice(0, 120)})`);
        continue;
      }
      const article = checked(withDefaults(parsed, `${basename(path)}:${lineNumber}`), `${path}:${lineNumber}`, context);
      if (article) yield article;
    }
  } catch (error) {
    if (isSamestoryError(error)) throw error;
    throw new InputError(path, `cannot be read after line ${lineNumber}: ${(error as Error).message}`, { cause: error });
  } finally {
    lines.close();
    stream.destroy();
  }
}

async function readHead(path: string): Promise<Uint8Array> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(SNIFF_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, SNIFF_BYTES, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

// With skipInvalid: the record as it is when StoryDetector would take it, else undefined
// after a warning. The record is passed on raw, not normalised: the detector normalises it
// again (clean-up is cheap next to embedding) and normalising twice is not always a no-op
// (a decoded '&lt;p&gt;' would become a tag).
function checked(article: Article, where: string, context: ReadContext): Article | undefined {
  if (!context.skipInvalid) return article;
  let id: string;
  try {
    id = normalizeArticle(article).id;
  } catch (error) {
    if (!isSamestoryError(error)) throw error;
    context.warn(where, 'invalid-article', `skipped: ${error.message} [${error.code}]`);
    return undefined;
  }
  if (context.seenIds.has(id)) {
    context.warn(where, 'duplicate-id', `skipped: id '${id}' is already used by an earlier article [DUPLICATE_ID]`);
    return undefined;
  }
  context.seenIds.add(id);
  return article;
}

// JSON records may lack an id (the file position stands in) or a body (a title alone is an
// article too, as in headline feeds); everything else is validated by the detector.
function withDefaults(item: unknown, fallbackId: string): Article {
  if (typeof item !== 'object' || item === null || Array.isArray(item)) return item as Article;
  const record = { ...(item as Record<string, unknown>) };
  if (record.id === undefined || record.id === null) record.id = fallbackId;
  else if (typeof record.id === 'number' && Number.isFinite(record.id)) record.id = String(record.id);
  if ((record.text === undefined || record.text === null) && typeof record.title === 'string') record.text = '';
  if (record.publishedAt === undefined && typeof record.date === 'string') record.publishedAt = record.date;
  return record as unknown as Article;
}

function looksLikeArticle(item: unknown): boolean {
  if (typeof item !== 'object' || item === null) return false;
  const record = item as Record<string, unknown>;
  return typeof record.text === 'string' || typeof record.title === 'string';
}
