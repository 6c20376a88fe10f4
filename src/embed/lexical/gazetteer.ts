// Finds place names (countries, regions, cities) in tokenised text and maps them to one id
// across languages: Korei Północnej / Nordkoreas / North Korea → geo:KP. lexicon/places.tsv
// lists base forms only; inflected forms match when the text word starts with the place
// word minus its final vowels and adds at most a short ending (Brukseli → bruksel·a). What the
// form adds is reported, so that the caller can tell case endings from other words that only
// begin like a place (Marchetti is not Marche, Pandemie not Pando).

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { LexiconError } from '../../errors.js';
import { foldSurface } from './fold.js';

export interface PlaceMatch {
  placeId: string;
  /** Index of the first token of the match and the number of tokens it spans. */
  start: number;
  length: number;
  /** What the first word adds to the place word's key (folded; '' when it is the key itself). */
  ending: string;
}

interface PlaceName {
  /** Key of the first word. */
  key: string;
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
/**
 * Case endings, possessives and demonym suffixes an inflected place form may add to a trimmed
 * place word (folded): Polish, German, transliterated Russian; Japanese, Italian.
 */
const CASE_ENDING =
  /^(?:[aeiouy]?(?:|s|a|e|i|o|u|y|ie|ii|iu|ia|io|ja|je|ji|ju|ya|yu|em|om|ow|ov|ev|ej|ei|oi|oy|ey|ym|im|ach|ami|akh|ego|emu|ich|ych|iem|es|en|ns|ens|er|ern|ner|an|ian|ean|ese|ish|isch|sch|ais|ien|ano|ana|ska|ski|sko|kie|ki|kiej|kiem|ze|zie|dzie|cie)|zech|esen|aner|anie)$/;

/** True for what a case ending, possessive or demonym suffix adds (see PlaceMatch.ending). */
export function isCaseEnding(ending: string): boolean {
  return CASE_ENDING.test(ending);
}

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

/** Folded forms of words (bounded; place matching folds the same capitalised words again and again). */
const foldCache = new Map<string, string>();
const CACHE_LIMIT = 100_000;

function folded(word: string): string {
  let result = foldCache.get(word);
  if (result === undefined) {
    result = foldSurface(word);
    if (foldCache.size >= CACHE_LIMIT) foldCache.clear();
    foldCache.set(word, result);
  }
  return result;
}

/** The names a text's language may use, and the candidates of each first word seen so far. */
interface IndexSet {
  indexes: Map<string, PlaceName[]>[];
  /** raw first word → names it may start, in the order they are tried. */
  candidates: Map<string, PlaceName[]>;
}

const NO_NAMES: PlaceName[] = [];

export class Gazetteer {
  /** lang → first-word key → names starting with it (built on first use of a language). */
  private readonly byLang = new Map<string, Map<string, PlaceName[]>>();
  private readonly indexSets = new Map<string, IndexSet>();
  private labelMap: Map<string, string> | undefined;

  /**
   * `source` yields the names of one language when it is first needed, `labelSource` the
   * labels when the first one is asked for: a process that only sees Polish and German
   * never parses the Japanese names.
   */
  constructor(
    private readonly source: (lang: string) => Iterable<IndexedPlaceName> = () => [],
    private readonly labelSource: () => Iterable<[string, string]> = () => [],
    private readonly sourceLanguages: () => Iterable<string> = () => [],
  ) {}

  /** From the lines of lexicon/places.tsv (surface, placeId, lang). */
  static fromPlaces(lines: Iterable<string>): Gazetteer {
    const names: IndexedPlaceName[] = [];
    const labels = new Map<string, string>();
    // Labels prefer English, then forms shared by many languages, then the first seen.
    const labelLang = new Map<string, string>();
    for (const line of lines) {
      const name = indexPlaceLine(line);
      if (!name) continue;
      names.push(name);
      const known = labelLang.get(name.placeId);
      if (known === undefined || labelRank(name.lang) > labelRank(known)) {
        labels.set(name.placeId, line.split('\t')[0]!);
        labelLang.set(name.placeId, name.lang);
      }
    }
    return Gazetteer.fromIndex(names, labels);
  }

  /** From precomputed names and labels (lexicon/places.index.tsv.gz), with no folding at load. */
  static fromIndex(names: Iterable<IndexedPlaceName>, labels: Iterable<[string, string]>): Gazetteer {
    const byLang = new Map<string, IndexedPlaceName[]>();
    for (const name of names) {
      const list = byLang.get(name.lang);
      if (list) list.push(name);
      else byLang.set(name.lang, [name]);
    }
    const labelList = [...labels];
    return new Gazetteer(
      (lang) => byLang.get(lang) ?? [],
      () => labelList,
      () => byLang.keys(),
    );
  }

  /** The index of one language's names, built the first time it is asked for. */
  private indexOf(lang: string): Map<string, PlaceName[]> | undefined {
    let index = this.byLang.get(lang);
    if (index === undefined) {
      index = new Map();
      for (const name of this.source(lang)) {
        const first = name.keys[0]!;
        const entry: PlaceName = { key: first, rest: name.keys.slice(1), exact: name.exact, placeId: name.placeId };
        const list = index.get(first);
        if (list) list.push(entry);
        else index.set(first, [entry]);
      }
      for (const names of index.values()) names.sort((a, b) => b.rest.length - a.rest.length);
      this.byLang.set(lang, index);
    }
    return index.size > 0 ? index : undefined;
  }

  /** A label for a place id (English name where known), or undefined. */
  labelOf(placeId: string): string | undefined {
    return this.labels.get(placeId);
  }

  /** placeId → a label (English name where known); parsed on first use. */
  get labels(): Map<string, string> {
    this.labelMap ??= new Map(this.labelSource());
    return this.labelMap;
  }

  /** Number of names in all languages (parses every language; for diagnostics). */
  get size(): number {
    let n = 0;
    for (const lang of this.sourceLanguages()) for (const names of this.indexOf(lang)?.values() ?? []) n += names.length;
    return n;
  }

  private indexSetFor(lang: string | undefined): IndexSet {
    const key = lang ?? '';
    let set = this.indexSets.get(key);
    if (!set) {
      const indexes = [lang ? this.indexOf(lang) : undefined, this.indexOf('*'), lang === 'en' ? undefined : this.indexOf('en')].filter(
        (x): x is Map<string, PlaceName[]> => x !== undefined,
      );
      set = { indexes, candidates: new Map() };
      this.indexSets.set(key, set);
    }
    return set;
  }

  /** Names a word may start, in the order `match` tries them (cached per raw word). */
  private candidatesOf(set: IndexSet, word: string): PlaceName[] {
    let names = set.candidates.get(word);
    if (names !== undefined) return names;
    const first = folded(word);
    for (let cut = 0; cut <= MAX_ENDING && first.length - cut >= 2; cut++) {
      const key = first.slice(0, first.length - cut);
      const before = names?.length ?? 0;
      for (const index of set.indexes) {
        for (const name of index.get(key) ?? NO_NAMES) {
          if (name.exact && cut > 0) continue;
          (names ??= []).push(name);
        }
      }
      // A country's name shared with a town means the country (France: not Franca, Brazil).
      if (names && names.length - before > 1) {
        const found = names.splice(before).sort((a, b) => placeRank(a.placeId) - placeRank(b.placeId));
        names.push(...found);
      }
    }
    names ??= NO_NAMES;
    if (set.candidates.size >= CACHE_LIMIT) set.candidates.clear();
    set.candidates.set(word, names);
    return names;
  }

  /**
   * Places in a sequence of words, longest match first, using the names of `lang`, those
   * shared by many languages (lang `*`) and English ones (common in every language's news).
   * `capitalised[i]` tells whether word i starts with a capital: a place starts with one.
   */
  match(words: readonly string[], capitalised: readonly boolean[], lang: string | undefined): PlaceMatch[] {
    const set = this.indexSetFor(lang);
    const matches: PlaceMatch[] = [];
    if (set.indexes.length === 0) return matches;
    for (let i = 0; i < words.length; i++) {
      if (!capitalised[i]) continue;
      const names = this.candidatesOf(set, words[i]!);
      if (names.length === 0) continue;
      let best: PlaceMatch | undefined;
      for (const name of names) {
        if (best && best.length >= name.rest.length + 1) continue;
        if (wordsMatch(words, i + 1, name.rest)) best = { placeId: name.placeId, start: i, length: name.rest.length + 1, ending: folded(words[i]!).slice(name.key.length) };
      }
      if (best) {
        matches.push(best);
        i += best.length - 1;
      }
    }
    return matches;
  }
}

/** Countries and continents first, then organisations and sites, then regions and towns. */
function placeRank(placeId: string): number {
  return /^geo:(?:[A-Z]{2}|\d{3})$/.test(placeId) ? 0 : placeId.startsWith('geo:org:') || placeId.startsWith('geo:site:') ? 1 : 2;
}

function labelRank(lang: string): number {
  return lang === 'en' ? 2 : lang === '*' ? 1 : 0;
}

function wordMatches(word: string | undefined, key: string): boolean {
  if (word === undefined) return false;
  const f = folded(word);
  return f.startsWith(key) && f.length - key.length <= MAX_ENDING;
}

function wordsMatch(words: readonly string[], from: number, keys: string[]): boolean {
  for (let j = 0; j < keys.length; j++) if (!wordMatches(words[from + j], keys[j]!)) return false;
  return true;
}

/** Name of the prebuilt index in a lexicon folder (written by `npm run build:lexicon`). */
export const PLACE_INDEX_FILE = 'places.index.bin';
const INDEX_MAGIC = 'SSPX';

/**
 * The gazetteer of a lexicon folder: the prebuilt index (places.index.bin) when present, else
 * places.tsv itself (slower: folds every name), else an empty one.
 */
export function loadGazetteer(dir: string): Gazetteer {
  const indexPath = join(dir, PLACE_INDEX_FILE);
  const path = join(dir, 'places.tsv');
  try {
    if (existsSync(indexPath)) return indexedGazetteer(readFileSync(indexPath));
    if (!existsSync(path)) return new Gazetteer();
    return Gazetteer.fromPlaces(readFileSync(path, 'utf8').split('\n'));
  } catch (cause) {
    throw new LexiconError(`${existsSync(indexPath) ? indexPath : path} is unreadable; rebuild with \`npm run build:lexicon\``, { cause });
  }
}

/**
 * Index format: 'SSPX', u32 (little-endian) length of a JSON header `{lang: [offset, length]}`,
 * the header, then one gzip member per language (offsets from the end of the header). A
 * language's lines are `placeId<TAB>exact(0|1)<TAB>key key …`; the labels' (lang `@`) are
 * `placeId<TAB>label`. Loading reads the header only; a language is unzipped and parsed the
 * first time a text of that language is matched, so a process that sees Polish and German
 * never touches the Japanese names.
 */
function indexedGazetteer(bytes: Uint8Array): Gazetteer {
  if (bytes.length < 8 || String.fromCharCode(...bytes.subarray(0, 4)) !== INDEX_MAGIC) throw new Error('not a samestory place index');
  const headerLength = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(4, true);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength))) as Record<string, [number, number]>;
  const base = 8 + headerLength;
  const linesOf = (lang: string): string[] => {
    const range = header[lang];
    if (!range) return [];
    const text = gunzipSync(bytes.subarray(base + range[0], base + range[0] + range[1])).toString('utf8');
    return text.length === 0 ? [] : text.split('\n');
  };
  return new Gazetteer(
    (lang) => {
      const names: IndexedPlaceName[] = [];
      if (lang === '@') return names;
      for (const line of linesOf(lang)) {
        const a = line.indexOf('\t');
        const b = line.indexOf('\t', a + 1);
        if (a <= 0 || b < 0) continue;
        names.push({ lang, placeId: line.slice(0, a), exact: line.charCodeAt(a + 1) === 49, keys: line.slice(b + 1).split(' ') });
      }
      return names;
    },
    () => {
      const labels: [string, string][] = [];
      for (const line of linesOf('@')) {
        const a = line.indexOf('\t');
        if (a > 0) labels.push([line.slice(0, a), line.slice(a + 1)]);
      }
      return labels;
    },
    () => Object.keys(header).filter((lang) => lang !== '@'),
  );
}

/**
 * Writes the prebuilt index of places.tsv lines (used by the build script; format above).
 * `englishScore` ranks candidate labels of equal language rank: many English names sit in the
 * shared `*` rows beside other languages' (brussels / bruksel), and explanations should show
 * the English one.
 */
export function encodePlaceIndex(lines: Iterable<string>, englishScore: (surface: string) => number = () => 0): Uint8Array {
  const byLang = new Map<string, string[]>();
  const labels = new Map<string, { rank: number; score: number; label: string }>();
  const seen = new Set<string>();
  for (const line of lines) {
    const name = indexPlaceLine(line);
    if (!name) continue;
    // Every line is a label candidate, even one whose match keys repeat an earlier line's.
    const label = line.split('\t')[0]!;
    const rank = labelRank(name.lang);
    const score = rank > 0 ? englishScore(label) : 0;
    const known = labels.get(name.placeId);
    if (!known || rank > known.rank || (rank === known.rank && score > known.score)) {
      labels.set(name.placeId, { rank, score, label });
    }
    const key = `${name.lang}\t${name.placeId}\t${name.keys.join(' ')}`;
    if (seen.has(key)) continue;
    seen.add(key);
    let list = byLang.get(name.lang);
    if (!list) byLang.set(name.lang, (list = []));
    list.push(`${name.placeId}\t${name.exact ? 1 : 0}\t${name.keys.join(' ')}`);
  }
  byLang.set('@', [...labels].map(([placeId, { label }]) => `${placeId}\t${label}`));
  const header: Record<string, [number, number]> = {};
  const members: Uint8Array[] = [];
  let offset = 0;
  for (const lang of [...byLang.keys()].sort()) {
    const member = gzipSync(byLang.get(lang)!.join('\n'), { level: 9 });
    header[lang] = [offset, member.length];
    members.push(member);
    offset += member.length;
  }
  const headerBytes = new TextEncoder().encode(JSON.stringify(header));
  const prefix = new Uint8Array(8);
  prefix.set(new TextEncoder().encode(INDEX_MAGIC));
  new DataView(prefix.buffer).setUint32(4, headerBytes.length, true);
  return Buffer.concat([prefix, headerBytes, ...members]);
}
