// Finds place names (countries, regions, cities) in tokenised text and maps them to one id
// across languages: Korei Północnej / Nordkoreas / North Korea → geo:KP. lexicon/places.tsv
// lists base forms only; inflected forms match when the text word starts with the place
// word minus its final vowels and adds at most a short ending (Brukseli → bruksel·a).

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LexiconError } from '../../errors.js';
import { foldSurface } from './fold.js';

export interface PlaceMatch {
  placeId: string;
  /** Index of the first token of the match and the number of tokens it spans. */
  start: number;
  length: number;
}

interface PlaceName {
  /** Keys of the words after the first (see `placeWordKey`). */
  rest: string[];
  /** The first word is too short to match inflected forms safely: it must match exactly. */
  exact: boolean;
  placeId: string;
}

/** Longest ending an inflected form may add to the trimmed place word (Pjongjangu: +u). */
const MAX_ENDING = 4;
/** Trimmed words shorter than this match only exactly (Mali must not match Malo). */
const MIN_INFLECTABLE = 4;

/** A place word without its final vowels: the part every inflected form starts with. */
export function placeWordKey(word: string): string {
  const folded = foldSurface(word);
  const trimmed = folded.replace(/[aeiouy]$/, '');
  return trimmed.length >= MIN_INFLECTABLE ? trimmed : folded;
}

export class Gazetteer {
  /** lang → first-word key → names starting with it. */
  private readonly byLang = new Map<string, Map<string, PlaceName[]>>();
  /** placeId → a label (English name where known). */
  readonly labels = new Map<string, string>();

  constructor(lines: Iterable<string>) {
    const labelLang = new Map<string, string>();
    for (const line of lines) {
      if (line.length === 0 || line.startsWith('#')) continue;
      const [surface, placeId, lang] = line.split('\t');
      if (!surface || !placeId || !lang) continue;
      const words = surface.split(' ').filter((w) => w.length > 0);
      const keys = words.map(placeWordKey);
      if (keys.some((k) => k.length === 0)) continue;
      const exact = foldSurface(words[0]!).replace(/[aeiouy]$/, '').length < MIN_INFLECTABLE;
      let index = this.byLang.get(lang);
      if (!index) this.byLang.set(lang, (index = new Map()));
      const list = index.get(keys[0]!) ?? [];
      if (!list.some((n) => n.placeId === placeId && n.rest.join(' ') === keys.slice(1).join(' '))) list.push({ rest: keys.slice(1), exact, placeId });
      index.set(keys[0]!, list);
      if (!labelLang.has(placeId) || (lang === 'en' && labelLang.get(placeId) !== 'en')) {
        this.labels.set(placeId, surface);
        labelLang.set(placeId, lang);
      }
    }
    for (const list of this.byLang.values()) for (const names of list.values()) names.sort((a, b) => b.rest.length - a.rest.length);
  }

  get size(): number {
    let n = 0;
    for (const index of this.byLang.values()) for (const names of index.values()) n += names.length;
    return n;
  }

  /**
   * Places in a sequence of words, longest match first, using the names of `lang`, those
   * shared by many languages (lang `*`) and English ones (common in every language's news).
   * `capitalised[i]` tells whether word i starts with a capital: a place starts with one.
   */
  match(words: readonly string[], capitalised: readonly boolean[], lang: string | undefined): PlaceMatch[] {
    const indexes = [lang ? this.byLang.get(lang) : undefined, this.byLang.get('*'), lang === 'en' ? undefined : this.byLang.get('en')].filter(
      (x): x is Map<string, PlaceName[]> => x !== undefined,
    );
    const matches: PlaceMatch[] = [];
    if (indexes.length === 0) return matches;
    const folded = words.map(foldSurface);
    for (let i = 0; i < words.length; i++) {
      if (!capitalised[i]) continue;
      const found = this.matchAt(folded, i, indexes);
      if (found) {
        matches.push(found);
        i += found.length - 1;
      }
    }
    return matches;
  }

  private matchAt(folded: string[], start: number, indexes: Map<string, PlaceName[]>[]): PlaceMatch | undefined {
    const first = folded[start]!;
    let best: PlaceMatch | undefined;
    for (let cut = 0; cut <= MAX_ENDING && first.length - cut >= 2; cut++) {
      const key = first.slice(0, first.length - cut);
      for (const index of indexes) {
        const names = index.get(key);
        if (!names) continue;
        for (const name of names) {
          if (name.exact && cut > 0) continue;
          if (best && best.length >= name.rest.length + 1) continue;
          if (wordsMatch(folded, start + 1, name.rest)) best = { placeId: name.placeId, start, length: name.rest.length + 1 };
        }
      }
    }
    return best;
  }
}

function wordMatches(word: string | undefined, key: string): boolean {
  return word !== undefined && word.startsWith(key) && word.length - key.length <= MAX_ENDING;
}

function wordsMatch(folded: string[], from: number, keys: string[]): boolean {
  for (let j = 0; j < keys.length; j++) if (!wordMatches(folded[from + j], keys[j]!)) return false;
  return true;
}

/** lexicon/places.tsv as a Gazetteer; an empty one when the file is absent. */
export function loadGazetteer(dir: string): Gazetteer {
  const path = join(dir, 'places.tsv');
  if (!existsSync(path)) return new Gazetteer([]);
  try {
    return new Gazetteer(readFileSync(path, 'utf8').split('\n'));
  } catch (cause) {
    throw new LexiconError(`${path} is unreadable; rebuild with \`npm run build:lexicon\``, { cause });
  }
}
