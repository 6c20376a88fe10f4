// Reads WikDict bilingual dictionaries in dictd format (Debian's dict-freedict-* packages):
// a `.index` of headword/offset/length and a dictzip'd body, which plain gunzip reads.

import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

/** One headword with its translations, grouped by sense (first sense first). */
export interface DictEntry {
  headword: string;
  /** Part of speech as WikDict writes it ('n', 'v', 'adj', 'pn', ...), '' when absent. */
  pos: string;
  senses: string[][];
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

function decodeNumber(text: string): number {
  let n = 0;
  for (const ch of text) n = n * 64 + BASE64.indexOf(ch);
  return n;
}

/**
 * WikDict entries alternate "translation line" / "definition line" per sense, e.g.
 *   rząd /ʒɔ̃nt/ <n>
 *   1. order 2.
 *   (biologia) w systematyce: ...
 *    3.
 *   (matematyka) ...
 *   2. government, administration
 *   ...
 * Sense numbers in the translation lines are stripped; a line that is only a number
 * stands for a sense without a translation.
 */
export function parseEntry(body: string): DictEntry | undefined {
  const lines = body.split('\n').filter((line) => line.length > 0);
  const head = lines[0];
  if (head === undefined) return undefined;
  const headMatch = /^(.*?)(?:\s+\/[^/]*\/)?(?:\s+<([^>]*)>)?\s*$/.exec(head);
  const headword = (headMatch?.[1] ?? head).trim();
  const pos = (headMatch?.[2] ?? '').split(',')[0]?.trim() ?? '';
  const senses: string[][] = [];
  for (let i = 1; i < lines.length; i += 2) {
    const line = (lines[i] ?? '').replace(/^\s*\d+\.\s*/, '').replace(/\s+\d+\.\s*$/, '').trim();
    if (line.length === 0 || line.startsWith('(')) continue;
    const translations = line
      .split(/,\s*/)
      .map((t) => t.trim())
      .filter((t) => t.length > 0 && t.split(' ').length <= 4);
    if (translations.length > 0) senses.push(translations);
  }
  return senses.length > 0 ? { headword, pos, senses } : undefined;
}

/** All entries of one dictd dictionary (skipping the 00-database-* meta entries). */
export function readDictd(indexPath: string, dictPath: string): DictEntry[] {
  const index = readFileSync(indexPath, 'utf8').split('\n');
  const body = gunzipSync(readFileSync(dictPath));
  const seen = new Set<string>();
  const entries: DictEntry[] = [];
  for (const line of index) {
    const [word, offset, length] = line.split('\t');
    if (!word || !offset || !length || word.startsWith('00-database') || word.startsWith('00database')) continue;
    const key = `${offset}:${length}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const start = decodeNumber(offset);
    const entry = parseEntry(body.subarray(start, start + decodeNumber(length)).toString('utf8'));
    if (entry) entries.push(entry);
  }
  return entries;
}
