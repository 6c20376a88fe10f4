// Maps the words of each language to language-independent concepts: English pivot words,
// identified by their English Snowball stem. Polish is the hub because WikDict has pol-X
// dictionaries for every language we want (X-eng is mostly GPL): a German word reaches
// English through its Polish translations and, where OMW has it, through WordNet synsets.

import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { stem } from './stemmer.js';
import type { DictEntry } from './dictd.js';

/** English pivot word → weight; weights of one word sum to 1 after `normalise`. */
export type Distribution = Map<string, number>;

/** Concepts kept per word: more is mostly noise from rare senses. */
export const MAX_CONCEPTS_PER_WORD = 6;
/** Weight of WordNet-derived translations relative to the dictionary's. */
const WORDNET_WEIGHT = 0.5;
/** Weight of translations read backwards from a dictionary of the other direction. */
const REVERSE_WEIGHT = 0.5;

const ENGLISH_STOPWORDS = new Set(
  'a an the of to in on at for by with from as or and be is are was were been being it its this that these those someone something somebody one sth sb oneself into out up down off over about'.split(
    ' ',
  ),
);

/** Every English word seen per concept, so the concept can be labelled with a real word. */
export const conceptWords = new Map<string, Set<string>>();

/**
 * Irregular English forms (said → say, went → go, children → child) from WordNet's exception
 * lists, which Snowball stemming cannot reach. Verb and noun lists only (adj.exc maps number →
 * numb); forms whose irregular reading is rarely the news sense keep their own concept.
 */
const AMBIGUOUS_IRREGULAR = new Set(['left', 'found', 'saw', 'bore', 'media', 'data', 'ground', 'lay', 'rose', 'fell', 'wound', 'felt', 'lives', 'leaves', 'axes', 'bases', 'us', 'lied', 'sped', 'stove', 'hung', 'ate']);
const NO_IRREGULARS = new Map<string, string>();
let irregular: Map<string, string> | undefined;
let irregularEnabled = false;

/** Turns the irregular-form lemmas on or off (off by default; see build-lexicon.ts). */
export function useIrregularEnglish(enabled: boolean): void {
  irregularEnabled = enabled;
}

function irregularForms(): Map<string, string> {
  if (!irregularEnabled) return NO_IRREGULARS;
  if (irregular) return irregular;
  irregular = new Map();
  for (const file of ['verb.exc', 'noun.exc']) {
    const path = resolve('/usr/share/wordnet', file);
    if (!existsSync(path)) throw new Error(`${path} not found: install the Debian package wordnet-base`);
    for (const line of readFileSync(path, 'utf8').split('\n')) {
      const [form, lemma] = line.split(' ');
      if (!form || !lemma || form.includes('_') || lemma.includes('_') || AMBIGUOUS_IRREGULAR.has(form) || irregular.has(form)) continue;
      irregular.set(form, lemma);
    }
  }
  return irregular;
}

/** The English concept of a word: the Snowball stem of its lemma. */
export function englishConcept(word: string): string {
  const concept = stem('en', irregularForms().get(word) ?? word);
  let words = conceptWords.get(concept);
  if (!words) conceptWords.set(concept, (words = new Set()));
  words.add(word);
  return concept;
}

/** Splits a translation phrase into content words, sharing `weight` between them. */
function addEnglishPhrase(target: Distribution, phrase: string, weight: number): void {
  const words = phrase
    .toLowerCase()
    .split(/[^\p{L}\p{N}'-]+/u)
    .filter((w) => w.length > 1 && !ENGLISH_STOPWORDS.has(w));
  for (const word of words) add(target, word, weight / words.length);
}

export function add(target: Distribution, key: string, weight: number): void {
  target.set(key, (target.get(key) ?? 0) + weight);
}

export function addScaled(target: Distribution, source: Distribution, scale: number): void {
  for (const [key, weight] of source) add(target, key, weight * scale);
}

/** Normalises to sum 1 and keeps the strongest `MAX_CONCEPTS_PER_WORD` (ties by key, for determinism). */
export function normalise(dist: Distribution, limit = MAX_CONCEPTS_PER_WORD): Distribution {
  const sorted = [...dist].filter(([, w]) => w > 0).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  const kept = sorted.slice(0, limit);
  const sum = kept.reduce((s, [, w]) => s + w, 0);
  return new Map(kept.map(([k, w]) => [k, w / sum]));
}

/** Weight of a sense by rank: the first sense is the common meaning. */
function senseWeight(index: number): number {
  return 1 / (index + 1);
}

/** Dictionary entries into headword → distribution over its translations (not normalised). */
export function forwardTranslations(entries: DictEntry[]): Map<string, Distribution> {
  const result = new Map<string, Distribution>();
  for (const entry of entries) {
    const key = entry.headword.normalize('NFC').toLowerCase();
    let dist = result.get(key);
    if (!dist) result.set(key, (dist = new Map()));
    entry.senses.forEach((sense, index) => {
      for (const translation of sense) add(dist, translation.normalize('NFC').toLowerCase(), senseWeight(index) / sense.length);
    });
  }
  return result;
}

/** A pol-X dictionary read backwards: X word → Polish headwords. */
export function reverseTranslations(entries: DictEntry[]): Map<string, Distribution> {
  const result = new Map<string, Distribution>();
  for (const entry of entries) {
    const headword = entry.headword.normalize('NFC').toLowerCase();
    entry.senses.forEach((sense, index) => {
      for (const translation of sense) {
        const key = translation.normalize('NFC').toLowerCase();
        let dist = result.get(key);
        if (!dist) result.set(key, (dist = new Map()));
        add(dist, headword, senseWeight(index) * REVERSE_WEIGHT);
      }
    });
  }
  return result;
}

export function mergeInto(target: Map<string, Distribution>, source: Map<string, Distribution>): void {
  for (const [key, dist] of source) {
    const known = target.get(key);
    if (known) addScaled(known, dist, 1);
    else target.set(key, new Map(dist));
  }
}

/** Adds WordNet evidence: lemma → synsets → English lemmas of each synset. */
export function addWordnet(
  target: Map<string, Distribution>,
  lemmaSynsets: Map<string, string[]>,
  synsetWords: Map<string, string[]>,
): void {
  for (const [lemma, synsets] of lemmaSynsets) {
    let dist = target.get(lemma);
    if (!dist) target.set(lemma, (dist = new Map()));
    for (const synset of synsets) {
      const words = synsetWords.get(synset);
      if (!words || words.length === 0) continue;
      for (const word of words) add(dist, word, WORDNET_WEIGHT / synsets.length / words.length);
    }
  }
}

/** English phrases → concepts (English stems), normalised. */
export function toConcepts(englishDist: Distribution): Distribution {
  const words: Distribution = new Map();
  for (const [phrase, weight] of englishDist) addEnglishPhrase(words, phrase, weight);
  const concepts: Distribution = new Map();
  for (const [word, weight] of words) add(concepts, englishConcept(word), weight);
  return normalise(concepts);
}

/**
 * Concepts of a word given as its Polish translations: each Polish phrase is looked up
 * whole, else word by word (WikDict translations are lemmas).
 */
export function viaPolish(polishDist: Distribution, polishConcepts: Map<string, Distribution>): Distribution {
  const result: Distribution = new Map();
  for (const [phrase, weight] of polishDist) {
    const whole = polishConcepts.get(phrase);
    if (whole) {
      addScaled(result, whole, weight);
      continue;
    }
    const words = phrase.split(/\s+/).filter((w) => polishConcepts.has(w));
    for (const word of words) addScaled(result, polishConcepts.get(word)!, weight / words.length);
  }
  return result.size > 0 ? normalise(result) : result;
}
