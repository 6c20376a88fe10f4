// The Article type, validation at the API boundary, and removal of common scrape noise
// (ads, "read also" links, repeated headlines) before anything is embedded.

import { DuplicateIdError, InvalidArticleError, InvalidOptionsError, SamestoryError } from './errors.js';
import { htmlToText } from './html-text.js';

/** One news article as callers hand it to samestory. */
export interface Article {
  /** Unique, non-empty id (the CLI uses the file's base name). */
  id: string;
  /** Body text. Must contain at least one letter or digit after clean-up. */
  text: string;
  /** Headline; when absent, nothing is guessed from the text. */
  title?: string;
  /** ISO 639-1 code (e.g. 'pl', 'de'); detected from the text when absent. */
  lang?: string;
  /** Publication time; with it, articles further apart than the time window never share a story. */
  publishedAt?: Date | string | number;
  url?: string;
  source?: string;
}

/** An article after validation: trimmed strings, parsed time, cleaned text. */
export interface NormalizedArticle {
  id: string;
  text: string;
  title?: string;
  lang?: string;
  /** Epoch milliseconds. */
  publishedAt?: number;
  url?: string;
  source?: string;
}

/**
 * Characters of `text` read at most (UTF-16 code units, cut at a character boundary); the
 * rest is ignored. A news story is decided in its first pages (200,000 characters is about
 * 30,000 words, a long magazine piece), and the bound keeps clean-up, language detection and
 * embedding time per article bounded whatever a feed sends (a 10 MB page costs what a
 * 200 KB one does).
 */
export const MAX_TEXT_CHARS = 200_000;
/** Characters of `title` read at most: a headline is a line, longer ones are bodies pasted in the wrong field. */
export const MAX_TITLE_CHARS = 2_000;
/**
 * Longest accepted id. Ids are kept verbatim (callers look articles up by them), so one that
 * is too long is rejected rather than cut; 2,048 leaves room for URLs used as ids.
 */
export const MAX_ID_CHARS = 2_048;

export interface NormalizeOptions {
  /**
   * Characters of an article's text read at most; longer texts are truncated.
   * @default MAX_TEXT_CHARS (200000)
   */
  maxTextChars?: number;
}

const LANG_PATTERN = /^[a-z]{2,3}(-[A-Za-z0-9]+)*$/;
// Lone UTF-16 surrogates (from broken decoders or string slicing) are not characters: they
// become U+FFFD in text, and make an id invalid.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const LONE_SURROGATE_TEST = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
// Control characters in an id would corrupt terminal output and are never intended.
const ID_CONTROL = /[\u0000-\u001F\u007F-\u009F]/;
// The range a Date can hold: ±100,000,000 days around 1970 (years -271821 to 275760).
const MAX_TIME_MS = 8.64e15;

// The fields of an input, each read once: getters or proxies that throw (or answer
// differently on every read) cannot break validation half-way.
interface RawFields {
  id: unknown;
  text: unknown;
  title: unknown;
  lang: unknown;
  publishedAt: unknown;
  url: unknown;
  source: unknown;
}

function readFields(input: unknown): RawFields {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new InvalidArticleError(`an article must be an object with 'id' and 'text', got ${input === null ? 'null' : Array.isArray(input) ? 'an array' : typeof input}`);
  }
  const raw = input as Record<string, unknown>;
  return { id: raw.id, text: raw.text, title: raw.title, lang: raw.lang, publishedAt: raw.publishedAt, url: raw.url, source: raw.source };
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value;
}

function optionalString(value: unknown, field: string, id: string | undefined): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') {
    throw new InvalidArticleError(`field '${field}' must be a string, got ${typeName(value)}`, id);
  }
  return value;
}

function checkId(value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new InvalidArticleError(
      `field 'id' must be a non-empty string, got ${typeof value === 'string' ? 'a blank string' : typeName(value)}`,
      typeof value === 'string' ? value : undefined,
    );
  }
  if (value.length > MAX_ID_CHARS) {
    throw new InvalidArticleError(`field 'id' is ${value.length} characters long, at most ${MAX_ID_CHARS} are allowed`, `${value.slice(0, 40)}…`);
  }
  if (ID_CONTROL.test(value) || LONE_SURROGATE_TEST.test(value)) {
    throw new InvalidArticleError(`field 'id' holds control characters or broken UTF-16 (lone surrogates): ${JSON.stringify(value.slice(0, 80))}`, value);
  }
  return value;
}

function parseTime(value: unknown, id: string): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  let ms: number;
  if (value instanceof Date) ms = value.getTime();
  else if (typeof value === 'number') ms = value;
  else if (typeof value === 'string') ms = Date.parse(value);
  else throw new InvalidArticleError(`field 'publishedAt' must be a Date, ISO string or epoch ms, got ${typeName(value)}`, id);
  if (!Number.isFinite(ms) || Math.abs(ms) > MAX_TIME_MS) {
    const shown = typeof value === 'string' ? JSON.stringify(value.slice(0, 80)) : String(value);
    throw new InvalidArticleError(`field 'publishedAt' is not a valid date (years -271821 to 275760): ${shown}`, id);
  }
  return ms;
}

/** The first `max` code units of `text`, never ending in half a surrogate pair. */
function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  const code = text.charCodeAt(max - 1);
  return text.slice(0, code >= 0xd800 && code <= 0xdbff ? max - 1 : max);
}

/** Plain, well-formed text: markup stripped, lone surrogates replaced by U+FFFD. */
function plainText(text: string): string {
  return htmlToText(text).replace(LONE_SURROGATE, '\uFFFD');
}

/**
 * Checks one article's fields and returns a normalised copy with cleaned text.
 * Throws InvalidArticleError for anything a caller must fix.
 *
 * Odd input that can be read is accepted: texts beyond `maxTextChars` are truncated, HTML
 * markup is turned into text (scripts and styles dropped, entities decoded), control
 * characters are removed and lone surrogates become U+FFFD. An article needs a letter or
 * digit in its text or title (a headline alone is enough).
 */
export function normalizeArticle(input: unknown, options: NormalizeOptions = {}): NormalizedArticle {
  const maxTextChars = options.maxTextChars ?? MAX_TEXT_CHARS;
  if (!Number.isInteger(maxTextChars) || maxTextChars < 1) {
    throw new InvalidOptionsError('maxTextChars', `must be a positive integer, got ${maxTextChars}`);
  }
  try {
    return normalizeFields(readFields(input), maxTextChars);
  } catch (error) {
    if (error instanceof SamestoryError) throw error;
    // Hostile objects (revoked proxies, Dates whose methods throw) fail in places no check
    // can foresee; the caller still gets a typed error.
    throw new InvalidArticleError(`the article could not be read: ${describeError(error)}`, undefined, { cause: error });
  }
}

function describeError(error: unknown): string {
  try {
    return error instanceof Error ? error.message : String(error);
  } catch {
    return 'unknown error';
  }
}

function normalizeFields(raw: RawFields, maxTextChars: number): NormalizedArticle {
  const id = checkId(raw.id);
  if (typeof raw.text !== 'string') {
    throw new InvalidArticleError(`field 'text' must be a string, got ${raw.text === undefined ? 'nothing' : typeName(raw.text)}`, id);
  }
  const title = optionalString(raw.title, 'title', id);
  const lang = optionalString(raw.lang, 'lang', id)?.trim().toLowerCase();
  if (lang !== undefined && lang !== '' && !LANG_PATTERN.test(lang)) {
    throw new InvalidArticleError(`field 'lang' must be an ISO 639 code such as 'pl', got ${JSON.stringify(lang.slice(0, 40))}`, id);
  }
  const publishedAt = parseTime(raw.publishedAt, id);
  const url = optionalString(raw.url, 'url', id);
  const source = optionalString(raw.source, 'source', id);
  const cleanTitle = title === undefined ? undefined : cleanLine(plainText(truncate(title, MAX_TITLE_CHARS)));
  const text = cleanArticleText(plainText(truncate(raw.text, maxTextChars)), cleanTitle);
  if (!/[\p{L}\p{N}]/u.test(text) && !(cleanTitle && /[\p{L}\p{N}]/u.test(cleanTitle))) {
    throw new InvalidArticleError(`article '${id}' has no text: it is empty or only whitespace, punctuation, symbols or markup`, id);
  }
  const article: NormalizedArticle = { id, text };
  if (cleanTitle) article.title = cleanTitle;
  if (lang) article.lang = lang.split('-')[0];
  if (publishedAt !== undefined) article.publishedAt = publishedAt;
  if (url) article.url = url;
  if (source) article.source = source;
  return article;
}

/**
 * Throws InvalidArticleError unless `value` is what StoryDetector.add takes: an array, an
 * iterable or an async iterable of articles. A lone article object (a common slip) and a
 * string (iterable, but of characters) are named in the message.
 */
export function checkArticleCollection(value: unknown): asserts value is Iterable<unknown> | AsyncIterable<unknown> {
  if (typeof value === 'string') throw new InvalidArticleError(`add() takes an array or (async) iterable of articles, got a string`);
  if ((typeof value === 'object' && value !== null) || typeof value === 'function') {
    if (Symbol.iterator in value || Symbol.asyncIterator in value) return;
    const hint = 'id' in value || 'text' in value ? `: to add one article, pass [article]` : '';
    throw new InvalidArticleError(`add() takes an array or (async) iterable of articles, got ${typeName(value)}${hint}`);
  }
  throw new InvalidArticleError(`add() takes an array or (async) iterable of articles, got ${typeName(value)}`);
}

/** Validates a batch and rejects ids repeated inside it or already in `known`. */
export function normalizeArticles(
  inputs: readonly unknown[],
  known?: { has(id: string): boolean },
  options: NormalizeOptions = {},
): NormalizedArticle[] {
  const seen = new Set<string>();
  return inputs.map((input) => {
    const article = normalizeArticle(input, options);
    if (seen.has(article.id) || known?.has(article.id)) throw new DuplicateIdError(article.id);
    seen.add(article.id);
    return article;
  });
}

// Lines that are navigation, advertising or cross-links rather than reporting. Matched on a
// whole line (after trimming), case-insensitively, in the languages samestory knows best.
const NOISE_LINE = new RegExp(
  '^(?:' +
    [
      'werbung(?: schließen)?',
      'anzeige',
      'advertisement',
      'publicité',
      'publicidad',
      'pubblicità',
      'reklama',
      'czytaj (?:też|także|również|więcej)(?!\\p{L}).*',
      'zobacz (?:też|także|również)(?!\\p{L}).*',
      'lesen sie (?:auch|mehr)(?!\\p{L}).*',
      'mehr zum thema(?!\\p{L}).*',
      'read (?:more|also)(?!\\p{L}).*',
      'see also(?!\\p{L}).*',
      'lire aussi(?!\\p{L}).*',
      'leer también(?!\\p{L}).*',
      'leia também(?!\\p{L}).*',
      'share(?: this)?(?: article)?',
      'teilen',
      'udostępnij',
      '[-–—_*•·|]+',
    ].join('|') +
    ')[:.!]?$',
  'iu',
);

function cleanLine(line: string): string {
  return line.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g, '').replace(/\s+/g, ' ').trim();
}

/**
 * Removes scrape noise: advertising and "read also" lines, separator lines, and repeats of
 * the headline (scrapers often emit it two or three times). Keeps paragraph order.
 */
export function cleanArticleText(text: string, title?: string): string {
  const normalizedTitle = title ? cleanLine(title).toLowerCase() : undefined;
  const out: string[] = [];
  const seenShortLines = new Set<string>();
  for (const rawLine of text.replace(/\r\n?/g, '\n').split('\n')) {
    const line = cleanLine(rawLine);
    if (line === '' || NOISE_LINE.test(line)) continue;
    const key = line.toLowerCase();
    if (key === normalizedTitle) continue;
    // A short line seen before is a repeated headline or caption, not new reporting.
    if (line.length <= 200) {
      if (seenShortLines.has(key)) continue;
      seenShortLines.add(key);
    }
    out.push(line);
  }
  return out.join('\n');
}

/** Splits a plain-text file into title (first non-empty line) and body. */
export function splitTitleAndBody(content: string): { title?: string; text: string } {
  const lines = content.replace(/\r\n?/g, '\n').split('\n');
  const first = lines.findIndex((line) => line.trim() !== '');
  if (first < 0) return { text: '' };
  return { title: lines[first]!.trim(), text: lines.slice(first + 1).join('\n') };
}
