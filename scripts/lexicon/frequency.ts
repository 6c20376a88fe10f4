// Word frequencies (OpenSubtitles 2018 via hermitdave/FrequencyWords): the vocabulary of
// common forms per language and their information content, -ln p(form), used as IDF priors.

import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { SHARED_LEXICAL } from './sources.js';

export interface FrequencyList {
  /** Lowercased NFC form → count. */
  counts: Map<string, number>;
  total: number;
}

export function readFrequencyList(lang: string): FrequencyList | undefined {
  const path = resolve(SHARED_LEXICAL, 'frequencywords', `${lang}_50k.txt`);
  if (!existsSync(path)) return undefined;
  const counts = new Map<string, number>();
  let total = 0;
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const space = line.lastIndexOf(' ');
    if (space <= 0) continue;
    const form = line.slice(0, space).normalize('NFC').toLowerCase();
    const count = Number(line.slice(space + 1));
    if (!Number.isFinite(count) || !/^\p{L}[\p{L}\p{M}'-]*$/u.test(form)) continue;
    counts.set(form, (counts.get(form) ?? 0) + count);
    total += count;
  }
  return { counts, total };
}
