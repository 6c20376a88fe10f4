// The Article type, validation at the API boundary, and removal of common scrape noise
// (ads, "read also" links, repeated headlines) before anything is embedded.

import { DuplicateIdError, InvalidArticleError } from './errors.js';

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

/** Texts larger than this are truncated: a news story is decided in its first pages. */
export const MAX_TEXT_CHARS = 200_000;

const LANG_PATTERN = /^[a-z]{2,3}(-[A-Za-z0-9]+)*$/;

function optionalString(value: unknown, field: string, id: string | undefined): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') {
    throw new InvalidArticleError(`field '${field}' must be a string, got ${typeof value}`, id);
  }
  return value;
}

function parseTime(value: unknown, id: string): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  let ms: number;
  if (value instanceof Date) ms = value.getTime();
  else if (typeof value === 'number') ms = value;
  else if (typeof value === 'string') ms = Date.parse(value);
  else throw new InvalidArticleError(`field 'publishedAt' must be a Date, ISO string or epoch ms`, id);
  if (!Number.isFinite(ms)) {
    throw new InvalidArticleError(`field 'publishedAt' is not a valid date: ${String(value)}`, id);
  }
  return ms;
}

/**
 * Checks one article's fields and returns a normalised copy with cleaned text.
 * Throws InvalidArticleError for anything a caller must fix.
 */
export function normalizeArticle(input: unknown): NormalizedArticle {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new InvalidArticleError(`an article must be an object with 'id' and 'text', got ${input === null ? 'null' : typeof input}`);
  }
  const raw = input as Record<string, unknown>;
  if (typeof raw.id !== 'string' || raw.id.trim() === '') {
    throw new InvalidArticleError(`field 'id' must be a non-empty string`, typeof raw.id === 'string' ? raw.id : undefined);
  }
  const id = raw.id;
  if (typeof raw.text !== 'string') {
    throw new InvalidArticleError(`field 'text' must be a string, got ${raw.text === undefined ? 'nothing' : typeof raw.text}`, id);
  }
  const title = optionalString(raw.title, 'title', id);
  const lang = optionalString(raw.lang, 'lang', id)?.trim().toLowerCase();
  if (lang !== undefined && lang !== '' && !LANG_PATTERN.test(lang)) {
    throw new InvalidArticleError(`field 'lang' must be an ISO 639 code such as 'pl', got '${lang}'`, id);
  }
  const cleanTitle = title === undefined ? undefined : cleanLine(title);
  const text = cleanArticleText(raw.text.slice(0, MAX_TEXT_CHARS), cleanTitle);
  if (!/[\p{L}\p{N}]/u.test(text) && !(cleanTitle && /[\p{L}\p{N}]/u.test(cleanTitle))) {
    throw new InvalidArticleError(`article '${id}' has no text: it is empty or only whitespace/punctuation`, id);
  }
  const article: NormalizedArticle = { id, text };
  if (cleanTitle) article.title = cleanTitle;
  if (lang) article.lang = lang.split('-')[0];
  const publishedAt = parseTime(raw.publishedAt, id);
  if (publishedAt !== undefined) article.publishedAt = publishedAt;
  const url = optionalString(raw.url, 'url', id);
  if (url) article.url = url;
  const source = optionalString(raw.source, 'source', id);
  if (source) article.source = source;
  return article;
}

/** Validates a batch and rejects ids repeated inside it or already in `known`. */
export function normalizeArticles(inputs: readonly unknown[], known?: { has(id: string): boolean }): NormalizedArticle[] {
  const seen = new Set<string>();
  return inputs.map((input) => {
    const article = normalizeArticle(input);
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
  return line.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g, '').replace(/\s+/g, ' ').trim();
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
