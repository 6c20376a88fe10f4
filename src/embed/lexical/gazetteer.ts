// Finds place names (countries, regions, cities) in tokenised text and maps them to one id
// across languages: Korei Północnej / Nordkoreas / North Korea → geo:KP. lexicon/places.tsv
// lists base forms only; inflected forms match when the text word starts with the place
// word minus its final vowels and adds at most a short ending (Brukseli → bruksel·a).

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
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

/** One place name with its match keys, as lexicon/places.index.tsv.gz stores it. */
export interface IndexedPlaceName {
  lang: string;
  placeId: string;
  exact: boolean;
  keys: string[];
}

/** Match keys of a places.tsv line (surface, placeId, lang), or undefined for a malformed line. */
export function indexPlaceLine(line: string): IndexedPlaceName | undefined {
  if (line.length === 0 || line.startsWith('#')) return undefined;
  const [surface, placeId, lang] = line.split('\t');
  if (!surface || !placeId || !lang) return undefined;
  const words = surface.split(' ').filter((w) => w.length > 0);
  const keys = words.map(placeWordKey);
  if (keys.length === 0 || keys.some((k) => k.length === 0)) return undefined;
  const exact = foldSurface(words[0]!).replace(/[aeiouy]$/, '').length < MIN_INFLECTABLE;
  return { lang, placeId, exact, keys };
}

export class Gazetteer {
  /** lang → first-word key → names starting with it. */
  private readonly byLang = new Map<string, Map<string, PlaceName[]>>();
  /** placeId → a label (English name where known). */
  readonly labels = new Map<string, string>();

  /** From the lines of lexicon/places.tsv (surface, placeId, lang). */
  static fromPlaces(lines: Iterable<string>): Gazetteer {
    const gazetteer = new Gazetteer();
    // Labels prefer English, then forms shared by many languages, then the first seen.
    const labelRank = (lang: string): number => (lang === 'en' ? 2 : lang === '*' ? 1 : 0);
    const labelLang = new Map<string, string>();
    for (const line of lines) {
      const name = indexPlaceLine(line);
      if (!name) continue;
      gazetteer.add(name);
      const known = labelLang.get(name.placeId);
      if (known === undefined || labelRank(name.lang) > labelRank(known)) {
        gazetteer.labels.set(name.placeId, line.split('\t')[0]!);
        labelLang.set(name.placeId, name.lang);
      }
    }
    gazetteer.sort();
    return gazetteer;
  }

  /** From precomputed names and labels (lexicon/places.index.tsv.gz), with no folding at load. */
  static fromIndex(names: Iterable<IndexedPlaceName>, labels: Iterable<[string, string]>): Gazetteer {
    const gazetteer = new Gazetteer();
    for (const name of names) gazetteer.add(name);
    for (const [placeId, label] of labels) gazetteer.labels.set(placeId, label);
    gazetteer.sort();
    return gazetteer;
  }

  private add(name: IndexedPlaceName): void {
    let index = this.byLang.get(name.lang);
    if (!index) this.byLang.set(name.lang, (index = new Map()));
    const first = name.keys[0]!;
    const rest = name.keys.slice(1);
    const list = index.get(first);
    if (list) list.push({ rest, exact: name.exact, placeId: name.placeId });
    else index.set(first, [{ rest, exact: name.exact, placeId: name.placeId }]);
  }

  private sort(): void {
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
    // Folding is lazy: most words are never looked at (only capitalised ones start a place).
    const folded = new Proxy([] as string[], {
      get: (cache, property) => {
        if (typeof property !== 'string' || !/^\d+$/.test(property)) return Reflect.get(cache, property);
        const i = Number(property);
        if (i >= words.length) return undefined;
        return (cache[i] ??= foldSurface(words[i]!));
      },
    });
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

/**
 * The gazetteer of a lexicon folder: the prebuilt index (places.index.tsv.gz, written by
 * `npm run build:lexicon`) when present, else places.tsv itself (slower: folds every name),
 * else an empty one. Index lines: `lang<TAB>placeId<TAB>exact(0|1)<TAB>key key …`, and
 * `@<TAB>placeId<TAB>label` for labels.
 */
export function loadGazetteer(dir: string): Gazetteer {
  const indexPath = join(dir, 'places.index.tsv.gz');
  const path = join(dir, 'places.tsv');
  try {
    if (existsSync(indexPath)) {
      const names: IndexedPlaceName[] = [];
      const labels: [string, string][] = [];
      for (const line of gunzipSync(readFileSync(indexPath)).toString('utf8').split('\n')) {
        const [lang, placeId, exact, keys] = line.split('\t');
        if (!lang || !placeId || exact === undefined) continue;
        if (lang === '@') labels.push([placeId, exact]);
        else if (keys) names.push({ lang, placeId, exact: exact === '1', keys: keys.split(' ') });
      }
      return Gazetteer.fromIndex(names, labels);
    }
    if (!existsSync(path)) return new Gazetteer();
    return Gazetteer.fromPlaces(readFileSync(path, 'utf8').split('\n'));
  } catch (cause) {
    throw new LexiconError(`${existsSync(indexPath) ? indexPath : path} is unreadable; rebuild with \`npm run build:lexicon\``, { cause });
  }
}

/** Writes the prebuilt index of places.tsv lines (used by the build script). */
export function encodePlaceIndex(lines: Iterable<string>): string {
  const out: string[] = [];
  const labelRank = (lang: string): number => (lang === 'en' ? 2 : lang === '*' ? 1 : 0);
  const labels = new Map<string, { lang: string; label: string }>();
  const seen = new Set<string>();
  for (const line of lines) {
    const name = indexPlaceLine(line);
    if (!name) continue;
    const key = `${name.lang}\t${name.placeId}\t${name.keys.join(' ')}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(`${name.lang}\t${name.placeId}\t${name.exact ? 1 : 0}\t${name.keys.join(' ')}`);
    const known = labels.get(name.placeId);
    if (!known || labelRank(name.lang) > labelRank(known.lang)) labels.set(name.placeId, { lang: name.lang, label: line.split('\t')[0]! });
  }
  for (const [placeId, { label }] of labels) out.push(`@\t${placeId}\t${label}`);
  return out.join('\n') + '\n';
}
