// Open Multilingual Wordnet tables (plWordNet, Wiktionary and CLDR wordnets) linked to
// Princeton WordNet 3.0 synsets, whose English lemmas serve as pivot words.

import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { SHARED_LEXICAL } from './sources.js';

/** synset id ('00002098-a') → English lemmas, from Debian's wordnet-base data files. */
export function englishSynsets(): Map<string, string[]> {
  const synsets = new Map<string, string[]>();
  for (const file of ['data.noun', 'data.verb', 'data.adj', 'data.adv']) {
    const path = resolve('/usr/share/wordnet', file);
    if (!existsSync(path)) throw new Error(`${path} not found: install the Debian package wordnet-base`);
    for (const line of readFileSync(path, 'utf8').split('\n')) {
      if (line.startsWith(' ') || line.length === 0) continue;
      const fields = line.split(' ');
      const offset = fields[0];
      const type = fields[2] === 's' ? 'a' : fields[2];
      const count = Number.parseInt(fields[3] ?? '0', 16);
      const words: string[] = [];
      for (let i = 0; i < count; i++) {
        const word = fields[4 + i * 2];
        if (word) words.push(word.replace(/\(.*\)$/, '').replace(/_/g, ' ').toLowerCase());
      }
      synsets.set(`${offset}-${type}`, words);
    }
  }
  return synsets;
}

/** lemma (lowercased) → synset ids, from one OMW `.tab` file in ../shared/lexical/omw. */
export function readOmw(file: string): Map<string, string[]> {
  const path = resolve(SHARED_LEXICAL, 'omw', file);
  const lemmas = new Map<string, string[]>();
  if (!existsSync(path)) return lemmas;
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (line.startsWith('#')) continue;
    const [synset, kind, lemma] = line.split('\t');
    if (!synset || !lemma || !kind?.endsWith(':lemma')) continue;
    const key = lemma.normalize('NFC').toLowerCase();
    const list = lemmas.get(key);
    if (!list) lemmas.set(key, [synset]);
    else if (!list.includes(synset)) list.push(synset);
  }
  return lemmas;
}
