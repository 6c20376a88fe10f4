// Turns one article into weighted language-independent features: concepts (English pivot
// words) for common words, folded names, places and numbers. Surface forms are kept only for
// names and words the lexicon does not know, so two texts in one language do not look alike
// merely for sharing that language's everyday vocabulary.

import { foldSurface, nameKey, normaliseWord } from './fold.js';
import type { Gazetteer } from './gazetteer.js';
import type { Lexicon, WordEntry, WordTable } from './lexicon.js';
import { normaliseNumber } from './numbers.js';
import { tokenise, type Token } from './tokenise.js';

export type FeatureKind = 'concept' | 'name' | 'place' | 'number' | 'token';

export interface Feature {
  kind: FeatureKind;
  /** Human-readable label for explanations. */
  label: string;
  /** Accumulated weight before hashing. */
  weight: number;
}

/** Weights and switches of feature extraction, measured on the evaluation data (see README). */
export interface FeatureSettings {
  /** Information content (-ln p) below which a word is a function word and ignored. */
  stopInformationContent: number;
  /** Information content given to words missing from the frequency list. */
  unknownInformationContent: number;
  /** Subtracted from a word's information content to get its weight (floored at 0). */
  informationFloor: number;
  /** Multiplier of name (capitalised, or unknown to the lexicon) features. */
  nameWeight: number;
  placeWeight: number;
  numberWeight: number;
  /** Multiplier of unknown lowercase words kept as folded surface tokens. */
  tokenWeight: number;
  /** Multiplier of every feature of the title. */
  titleWeight: number;
  /** Letters of a folded name kept as its key (strips case endings). */
  nameKeyLength: number;
  /** Apply log(1 + x) to accumulated weights, so repetition counts less than variety. */
  sublinear: boolean;
  /** Without `sublinear`: accumulated weights are raised to this power (1 = linear). */
  weightPower: number;
  /** Concepts used per word, strongest first: rare senses add noise that only same-language pairs share. */
  maxConceptsPerWord: number;
  /** Characters of the body text used: the lead carries the story, the rest mostly the topic. */
  maxTextChars: number;
  /** Share (0..1) of the language's mean direction removed from each vector ('centering'). */
  centering: number;
}

export const DEFAULT_FEATURE_SETTINGS: FeatureSettings = {
  stopInformationContent: 6,
  unknownInformationContent: 14,
  informationFloor: 4,
  nameWeight: 1,
  placeWeight: 1,
  numberWeight: 0.7,
  tokenWeight: 0.5,
  titleWeight: 2,
  nameKeyLength: 5,
  sublinear: true,
  weightPower: 1,
  maxConceptsPerWord: 6,
  centering: 0,
  maxTextChars: 800,
};

/** Languages that capitalise every noun: there a capital says little about names. */
const CAPITALISES_NOUNS = new Set(['de', 'lb']);
/** Word lookups remembered per language (bounded, so a long run does not grow without end). */
const CACHE_LIMIT = 200_000;
/** Shortest stem the fallback may trim an unknown word to. */
const MIN_STEM = 4;
const MAX_TRIM = 4;

const NO_ENTRY: WordEntry = { informationContent: Number.NaN, conceptIds: new Uint32Array(0), conceptWeights: new Float32Array(0) };

/** Looks words of one language up, with inflection and compound fallbacks and a cache. */
export class WordLookup {
  private readonly cache = new Map<string, WordEntry>();

  constructor(
    private readonly table: WordTable | undefined,
    private readonly lang: string,
  ) {}

  /** The word as the table has it, without inflection or compound fallbacks (for names). */
  exact(word: string): WordEntry {
    const key = `=${word}`;
    const cached = this.cache.get(key);
    if (cached) return cached;
    const entry = this.table?.get(word) ?? NO_ENTRY;
    if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
    this.cache.set(key, entry);
    return entry;
  }

  lookup(word: string): WordEntry {
    const cached = this.cache.get(word);
    if (cached) return cached;
    const entry = this.resolve(word);
    if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
    this.cache.set(word, entry);
    return entry;
  }

  private resolve(word: string): WordEntry {
    const table = this.table;
    if (!table) return NO_ENTRY;
    const direct = table.get(word);
    if (direct && direct.conceptIds.length > 0) return direct;
    const trimmed = this.trimmed(word);
    if (trimmed) return direct ? { ...trimmed, informationContent: direct.informationContent } : trimmed;
    if (CAPITALISES_NOUNS.has(this.lang)) {
      const compound = this.compound(word);
      if (compound) return direct ? { ...compound, informationContent: direct.informationContent } : compound;
    }
    return direct ?? NO_ENTRY;
  }

  /** Unknown inflected form: the longest known stem or form it starts with (Korei → ~kore). */
  private trimmed(word: string): WordEntry | undefined {
    const table = this.table!;
    for (let cut = 0; cut <= MAX_TRIM && word.length - cut >= MIN_STEM; cut++) {
      const prefix = word.slice(0, word.length - cut);
      const stemEntry = table.get(`~${prefix}`);
      if (stemEntry && stemEntry.conceptIds.length > 0) return { ...stemEntry, informationContent: Number.NaN };
      if (cut > 0) {
        const form = table.get(prefix);
        if (form && form.conceptIds.length > 0) return { ...form, informationContent: Number.NaN };
      }
    }
    return undefined;
  }

  /** German compounds: head and modifier both known (Atomprogramm → atom + programm). */
  private compound(word: string): WordEntry | undefined {
    if (word.length < 8) return undefined;
    for (let split = 3; split <= word.length - 4; split++) {
      const head = this.table!.get(word.slice(split)) ?? this.trimmed(word.slice(split));
      if (!head || head.conceptIds.length === 0) continue;
      const modifierText = word.slice(0, split);
      let modifier = this.table!.get(modifierText);
      if ((!modifier || modifier.conceptIds.length === 0) && /(?:s|n|es|en)$/.test(modifierText)) {
        modifier = this.table!.get(modifierText.replace(/(?:es|en|s|n)$/, ''));
      }
      if ((!modifier || modifier.conceptIds.length === 0) && modifierText.length >= MIN_STEM) modifier = this.trimmed(modifierText);
      if (!modifier || modifier.conceptIds.length === 0) continue;
      const ids = new Uint32Array(head.conceptIds.length + modifier.conceptIds.length);
      const weights = new Float32Array(ids.length);
      ids.set(head.conceptIds);
      ids.set(modifier.conceptIds, head.conceptIds.length);
      for (let i = 0; i < head.conceptWeights.length; i++) weights[i] = head.conceptWeights[i]! * 0.5;
      for (let i = 0; i < modifier.conceptWeights.length; i++) weights[head.conceptIds.length + i] = modifier.conceptWeights[i]! * 0.5;
      return { informationContent: Number.NaN, conceptIds: ids, conceptWeights: weights };
    }
    return undefined;
  }
}

export interface ExtractContext {
  lexicon: Lexicon;
  gazetteer: Gazetteer;
  settings: FeatureSettings;
  lookupFor(lang: string | undefined): WordLookup;
}

function addFeature(features: Map<string, Feature>, key: string, kind: FeatureKind, label: string, weight: number): void {
  if (!(weight > 0)) return;
  const known = features.get(key);
  if (known) known.weight += weight;
  else features.set(key, { kind, label, weight });
}

/** Adds a word's strongest concepts (table order is strongest first), renormalised to sum 1. */
export function addConcepts(features: Map<string, Feature>, entry: WordEntry, weight: number, limit: number, lexicon: Lexicon): void {
  const n = Math.min(limit, entry.conceptIds.length);
  let sum = 0;
  for (let c = 0; c < n; c++) sum += entry.conceptWeights[c]!;
  if (!(sum > 0)) return;
  for (let c = 0; c < n; c++) {
    const id = entry.conceptIds[c]!;
    addFeature(features, `c:${id}`, 'concept', lexicon.conceptLabels[id] ?? String(id), (weight * entry.conceptWeights[c]!) / sum);
  }
}

function extractInto(features: Map<string, Feature>, text: string, lang: string | undefined, context: ExtractContext, scale: number): void {
  const { lexicon, gazetteer, settings } = context;
  const lookup = context.lookupFor(lang);
  const tokens: Token[] = tokenise(text);
  const wordIndexes: number[] = [];
  const words: string[] = [];
  const capitals: boolean[] = [];
  tokens.forEach((token, i) => {
    if (token.isNumber) return;
    wordIndexes.push(i);
    words.push(token.text);
    capitals.push(token.capitalised);
  });
  const inPlace = new Uint8Array(tokens.length);
  const weightOf = (ic: number): number => Math.max(0, (Number.isNaN(ic) ? settings.unknownInformationContent : ic) - settings.informationFloor);
  const nounsCapitalised = lang !== undefined && CAPITALISES_NOUNS.has(lang);
  for (const place of gazetteer.match(words, capitals, lang)) {
    for (let j = 0; j < place.length; j++) inPlace[wordIndexes[place.start + j]!] = 1;
    // A place is as telling as its name is rare: Ukraine in every other report, Thuringia not.
    const ic = lookup.exact(normaliseWord(words[place.start]!)).informationContent;
    addFeature(features, `p:${place.placeId}`, 'place', gazetteer.labels.get(place.placeId) ?? place.placeId, settings.placeWeight * scale * weightOf(ic));
  }

  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (inPlace[i]) continue;
    if (token.isNumber) {
      const number = normaliseNumber(token.text);
      if (number !== undefined) addFeature(features, `#:${number}`, 'number', number, settings.numberWeight * scale * 10);
      continue;
    }
    const key = normaliseWord(token.text);
    // A capital inside a sentence marks a name where only names are capitalised: look it up
    // as written, since trimming it to a stem would turn Blinkena into blini.
    const midSentenceCapital = token.capitalised && !token.sentenceStart && !nounsCapitalised;
    const entry = midSentenceCapital ? lookup.exact(key) : lookup.lookup(key);
    const ic = entry.informationContent;
    if (!Number.isNaN(ic) && ic < settings.stopInformationContent) continue;
    const weight = weightOf(ic) * scale;
    const hasConcepts = entry.conceptIds.length > 0;
    const looksLikeName = token.capitalised && (!hasConcepts || midSentenceCapital);
    if (looksLikeName) {
      const name = nameKey(token.text, settings.nameKeyLength);
      if (name.length >= 2) addFeature(features, `n:${name}`, 'name', foldSurface(token.text), weight * settings.nameWeight);
    }
    if (hasConcepts) {
      addConcepts(features, entry, weight, settings.maxConceptsPerWord, lexicon);
    } else if (!looksLikeName) {
      const surface = nameKey(token.text, settings.nameKeyLength);
      if (surface.length >= 3) addFeature(features, `n:${surface}`, 'token', foldSurface(token.text), weight * settings.tokenWeight);
    }
  }
}

/** Features of an article (title weighted by `titleWeight`), keyed by their hashing key. */
export function extractFeatures(text: string, title: string | undefined, lang: string | undefined, context: ExtractContext): Map<string, Feature> {
  const features = new Map<string, Feature>();
  if (title) extractInto(features, title, lang, context, context.settings.titleWeight);
  const { maxTextChars } = context.settings;
  extractInto(features, text.length > maxTextChars ? text.slice(0, maxTextChars) : text, lang, context, 1);
  const { sublinear, weightPower } = context.settings;
  if (sublinear) for (const feature of features.values()) feature.weight = Math.log1p(feature.weight);
  else if (weightPower !== 1) for (const feature of features.values()) feature.weight = Math.pow(feature.weight, weightPower);
  return features;
}
