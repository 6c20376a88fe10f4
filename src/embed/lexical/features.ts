// Turns one article into weighted language-independent features: concepts (English pivot
// words) for common words, folded names, places and numbers. Surface forms are kept only for
// names and words the lexicon does not know, so two texts in one language do not look alike
// merely for sharing that language's everyday vocabulary.

import type { FeatureSink } from './accumulator.js';
import { foldSurface, nameKey, normaliseWord } from './fold.js';
import { isCaseEnding, type Gazetteer } from './gazetteer.js';
import type { Lexicon, WordEntry, WordTable } from './lexicon.js';
import { featureHash } from './hashing.js';
import { normaliseNumber } from './numbers.js';
import { stripTitleSource } from './title.js';
import { tokenise, type Token } from './tokenise.js';
import { TRAINED_FEATURE_SETTINGS } from './trained-settings.js';
import { WordEntryCache, WordFeatureCache, WordFeatureList } from './word-caches.js';

export type FeatureKind = 'concept' | 'name' | 'place' | 'number' | 'token';

export interface Feature {
  kind: FeatureKind;
  /** Human-readable label for explanations. */
  label: string;
  /** Accumulated weight before hashing. */
  weight: number;
}

/**
 * Weights and switches of feature extraction. The weights and information-content levels
 * come from `npm run train` (trained-settings.ts), which checks them on training data; the
 * switches were measured on the evaluation data (see README).
 */
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
  /**
   * Drop outlet names trailing a title ("… | Tiroler Tageszeitung Online"). Measured with the
   * other title settings on: OG2021 B-cubed F1 0.614 -> 0.619, SemEval de–pl MRR 0.695 -> 0.700.
   */
  stripTitleSources: boolean;
  /**
   * Share of a text's words (of 4+ letters) that, once capitalised, marks Title Case: its
   * capitals then say nothing about names, as in German. 0 turns the check off. OG2021
   * (English titles are often Title Case): B-cubed F1 0.600 -> 0.605 on its own.
   */
  titleCaseShare: number;
  /**
   * Multiplier of a folded-prefix feature added to every known word of a title in
   * `surfaceLanguages`, so that cognates meet where the dictionaries miss (olímpicos /
   * olympics, skate / skateboarding). Titles only: a headline has a handful of words, and one
   * dictionary miss loses much of its evidence; in body text concepts are plentiful and
   * surface forms mostly dilute pairs with Polish or German (examples: de–es 0.39 -> 0.36).
   * OG2021 B-cubed F1 0.604 -> 0.613 at 0.3; 0.6 scored 0.006 below 0.3.
   */
  titleSurfaceWeight: number;
  /** Languages whose titles get surface features for known words (see `titleSurfaceWeight`). */
  surfaceLanguages: readonly string[];
}

export const DEFAULT_FEATURE_SETTINGS: FeatureSettings = {
  // Weights and information-content settings from `npm run train` on the SemEval-2022
  // training pairs: it keeps the values swept on the evaluation sets for v3 unless a move
  // gains 0.005 in Pearson r there, and none did (benchmarks/README.md has the
  // cross-validated figures and the free fit, which lost on the evaluation sets).
  ...TRAINED_FEATURE_SETTINGS,
  nameKeyLength: 5,
  sublinear: true,
  weightPower: 1,
  maxConceptsPerWord: 6,
  centering: 0,
  maxTextChars: 800,
  stripTitleSources: true,
  titleCaseShare: 0.7,
  // Their concepts come through two dictionary hops (Romance languages, Russian) or they are
  // the pivot those share cognates with (English). Polish and German have direct
  // dictionaries and few shared cognates: there surface forms only added same-language
  // similarity (seeds: duplicate 0.417 -> 0.344 with them).
  surfaceLanguages: ['en', 'fr', 'es', 'it', 'pt', 'ru'],
};

/** Languages that capitalise every noun: there a capital says little about names. */
const CAPITALISES_NOUNS = new Set(['de', 'lb']);
/**
 * Languages whose capitalised words inside a sentence are looked up only as written. Polish
 * declines names, and trimming them to a stem reads Blinkena as blini (seeds margin 0.165
 * -> 0.135 with the fallback). Elsewhere a capitalised word the table lacks is more often a
 * headline's common word ("Jogos Olímpicos") and gets the inflection fallback too (OG2021
 * B-cubed F1 0.600 -> 0.604).
 */
const EXACT_CAPITALS = new Set(['pl']);
/**
 * Words remembered per cache and language (bounded, so a long run does not grow without end;
 * about 100 bytes a word in the pooled caches of word-caches.ts).
 */
const CACHE_LIMIT = 50_000;
/** Shortest stem the fallback may trim an unknown word to. */
const MIN_STEM = 4;
const MAX_TRIM = 4;

const NO_ENTRY: WordEntry = { informationContent: Number.NaN, conceptIds: new Uint32Array(0), conceptWeights: new Float32Array(0) };

/** Looks words of one language up, with inflection and compound fallbacks and a cache. */
export class WordLookup {
  private readonly cache = new WordEntryCache(CACHE_LIMIT);

  constructor(
    private readonly table: WordTable | undefined,
    private readonly lang: string,
  ) {}

  /** The word as the table has it, without inflection or compound fallbacks (for names). */
  exact(word: string): WordEntry {
    const key = `=${word}`;
    return this.cache.get(key) ?? this.cache.store(key, this.table?.get(word) ?? NO_ENTRY);
  }

  lookup(word: string): WordEntry {
    return this.cache.get(word) ?? this.cache.store(word, this.resolve(word));
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

/** Feature kinds as small numbers, so the hot path passes no strings (index into FEATURE_KINDS). */
export const KIND_CONCEPT = 0;
export const KIND_NAME = 1;
export const KIND_PLACE = 2;
export const KIND_NUMBER = 3;
export const KIND_TOKEN = 4;
/** Surface form of a known word, used in titles only (see FeatureSettings.titleSurfaceWeight); reported as a token. */
export const KIND_SURFACE = 5;
export const FEATURE_KINDS: readonly FeatureKind[] = ['concept', 'name', 'place', 'number', 'token', 'token'];

/** The title or the body of an article, tokenised, with the scale of its features. */
interface TextPart {
  tokens: Token[];
  scale: number;
  inTitle: boolean;
}

/** A place match as a range of tokens [start, end). */
interface TokenPlace {
  placeId: string;
  start: number;
  end: number;
  /** What the first word adds to the place word (see PlaceMatch.ending). */
  ending: string;
  /** The match is (part of) a person's name here: Mark of Mark Rutte, Marchetti (Marche). */
  personName?: boolean;
}

/** What `placesOf` finds in an article. */
interface ArticlePlaces {
  /** Accepted place matches of each part. */
  places: TokenPlace[][];
  /** Folded words the article uses as product names (Meridian of Meridian-3). */
  products: Set<string>;
}

/** Per-language state: word lookups and the features of every word seen (bounded caches). */
interface LanguageState {
  lang: string | undefined;
  lookup: WordLookup;
  nounsCapitalised: boolean;
  /** raw word → features, for words read as common words. */
  plain: WordFeatureCache;
  /** raw word → features, for capitalised words inside a sentence (read as names). */
  midCapital: WordFeatureCache;
  /** raw word → features, for words an article uses as product names (see FeatureExtractor.placesOf). */
  productNames: WordFeatureCache;
  /** Known words of titles also get a folded-prefix feature (see FeatureSettings.titleSurfaceWeight). */
  surfaceFeatures: boolean;
}

/**
 * Turns texts into features and feeds them to a sink. Everything per word (normalising,
 * lookups with fallbacks, hashing of feature keys) is done once per distinct word and
 * language and cached, so the steady state costs a tokeniser pass and Map lookups.
 */
export class FeatureExtractor {
  private readonly states = new Map<string, LanguageState>();
  /** Hash of `c:<id>` per concept id; 0 = not computed yet. */
  private readonly conceptHashes: Uint32Array;
  private readonly placeHashes = new Map<string, number>();
  private readonly numbers = new Map<string, { hash: number; label: string } | null>();
  /** Scratch for the features of a word not cached yet. */
  private readonly wordFeatures = new WordFeatureList();

  constructor(
    readonly lexicon: Lexicon,
    readonly gazetteer: Gazetteer,
    readonly settings: FeatureSettings,
  ) {
    this.conceptHashes = new Uint32Array(lexicon.meta.concepts);
  }

  /** Looks words of a language up (the same lookups the features use). */
  lookupFor(lang: string | undefined): WordLookup {
    return this.stateOf(lang).lookup;
  }

  private stateOf(lang: string | undefined): LanguageState {
    const key = lang ?? '';
    let state = this.states.get(key);
    if (!state) {
      state = {
        lang,
        lookup: new WordLookup(lang ? this.lexicon.words(lang) : undefined, key),
        nounsCapitalised: lang !== undefined && CAPITALISES_NOUNS.has(lang),
        plain: new WordFeatureCache(CACHE_LIMIT),
        midCapital: new WordFeatureCache(CACHE_LIMIT),
        productNames: new WordFeatureCache(CACHE_LIMIT),
        surfaceFeatures: this.settings.titleSurfaceWeight > 0 && lang !== undefined && this.settings.surfaceLanguages.includes(lang),
      };
      this.states.set(key, state);
    }
    return state;
  }

  private conceptHash(id: number): number {
    let hash = this.conceptHashes[id]!;
    if (hash === 0) {
      hash = featureHash(`c:${id}`);
      this.conceptHashes[id] = hash;
    }
    return hash;
  }

  private weightOf(ic: number): number {
    const { unknownInformationContent, informationFloor } = this.settings;
    return Math.max(0, (Number.isNaN(ic) ? unknownInformationContent : ic) - informationFloor);
  }

  /** Features of an article (title weighted by `titleWeight`), fed to `sink` as found. */
  extract(text: string, title: string | undefined, lang: string | undefined, sink: FeatureSink): void {
    const state = this.stateOf(lang);
    const parts = this.partsOf(text, title);
    const { places, products } = this.placesOf(parts, state);
    parts.forEach((part, k) => this.extractInto(part, state, sink, places[k]!, products));
  }

  /**
   * The places of an article as written: each gazetteer match that is a place where it stands,
   * with the words it covers (for explanations and for measuring the gazetteer's precision).
   */
  placeMentions(text: string, title: string | undefined, lang: string | undefined): { surface: string; placeId: string }[] {
    const parts = this.partsOf(text, title);
    return this.placesOf(parts, this.stateOf(lang)).places.flatMap((matches, k) =>
      matches.filter((match) => !match.personName).map((match) => ({
        surface: parts[k]!.tokens.slice(match.start, match.end).map((token) => token.text).join(' '),
        placeId: match.placeId,
      })),
    );
  }

  private partsOf(text: string, title: string | undefined): TextPart[] {
    const { settings } = this;
    const parts: TextPart[] = [];
    if (title) parts.push({ tokens: tokenise(settings.stripTitleSources ? stripTitleSource(title) : title), scale: settings.titleWeight, inTitle: true });
    parts.push({ tokens: tokenise(text.length > settings.maxTextChars ? text.slice(0, settings.maxTextChars) : text), scale: 1, inTitle: false });
    return parts;
  }

  private extractInto(
    part: TextPart,
    state: LanguageState,
    sink: FeatureSink,
    places: readonly TokenPlace[],
    products: ReadonlySet<string>,
  ): void {
    const { settings } = this;
    const { tokens, scale, inTitle } = part;
    const inPlace = this.addPlaces(tokens, places, state, scale, sink);
    const titleCase = !state.nounsCapitalised && isTitleCase(tokens, settings.titleCaseShare);
    for (let i = 0; i < tokens.length; i++) {
      if (inPlace?.[i]) continue;
      const token = tokens[i]!;
      if (token.isNumber) {
        const number = this.numberOf(token.text);
        if (number) sink.add(number.hash, settings.numberWeight * scale * 10, KIND_NUMBER, number.label);
        continue;
      }
      // A capital inside a sentence marks a name where only names are capitalised: look it up
      // as written, since trimming it to a stem would turn Blinkena into blini.
      const midCapital = token.capitalised && !token.sentenceStart && !state.nounsCapitalised && !titleCase;
      // A product name counts as a name only, not as the common word it also is (Meridian-3 is
      // no "meridian").
      const isProduct = products.size > 0 && token.capitalised && products.has(foldSurface(token.text));
      const cache = isProduct ? state.productNames : midCapital ? state.midCapital : state.plain;
      let word = cache.find(token.text);
      if (word < 0) {
        const list = this.wordFeatures;
        list.clear();
        if (isProduct) this.resolveName(token, state, list);
        else this.resolveWord(token, midCapital, state, list);
        word = cache.store(token.text, list);
      }
      const { hashes, weights, kinds, refs } = cache;
      for (let k = cache.start(word), end = cache.end(word); k < end; k++) {
        if (kinds[k] === KIND_SURFACE && !inTitle) continue;
        sink.add(hashes[k]!, weights[k]! * scale, kinds[k]!, refs[k]!);
      }
    }
  }

  /**
   * The gazetteer's matches in each part of an article, each marked where it is no place. A
   * gazetteer knows names, not what a word means in its sentence, and place names are also
   * first names (Mark Rutte, Kaja Kallas), surnames (Hélène Marchetti: Marche), product names
   * (Meridian-3) and function words (Un incendio). A one-word match is
   * - a product name before a hyphen and a number or code, and then (an article uses a word in
   *   one sense) everywhere in that article: dropped, its word read as a name;
   * - a function word when not written in capitals: dropped;
   * - a person's name (`personName`) before a capitalised word the dictionaries do not know
   *   (a first name before a surname), or when it only begins like the place (not a case
   *   ending) and follows a capitalised word inside a sentence (a surname).
   * None of this applies to a word the dictionaries know as that very place (Polska, München:
   * "Caritas Polska" still names Poland), to abbreviations (USA) or to names of several words
   * (Korei Północnej). Measured on the SemEval training pairs, a capitalised neighbour of any
   * kind (not only an unknown one) also caught demonyms (Indian, American) and organisations'
   * places, hence the narrower rules; dropping longer words that only begin like a place and
   * that the dictionaries know as another word (Pandemie: Pando, Sachsen: Sacha) lowered
   * OG2021 B-cubed F1 without dates by 0.003 and is not done.
   */
  private placesOf(parts: readonly TextPart[], state: LanguageState): ArticlePlaces {
    const found = parts.map((part) => this.gazetteerMatches(part.tokens, state));
    const products = new Set<string>();
    parts.forEach((part, k) => {
      const { tokens } = part;
      const covered = new Uint8Array(tokens.length);
      for (const match of found[k]!) covered.fill(1, match.start, match.end);
      const titleCase = !state.nounsCapitalised && isTitleCase(tokens, this.settings.titleCaseShare);
      // A word of a name: capitalised inside a sentence. Where every noun (or every headline
      // word) is capitalised, only if the dictionaries do not know it even as a compound or
      // inflected form; `unknown` asks that of every language (a surname after a first name).
      const nameWord = (i: number, unknown: boolean): boolean => {
        const token = tokens[i];
        if (!token || token.isNumber || !token.capitalised || token.sentenceStart || covered[i] || isAbbreviation(token.text)) return false;
        const key = normaliseWord(token.text);
        if (state.nounsCapitalised || titleCase) return state.lookup.lookup(key).conceptIds.length === 0;
        return !unknown || state.lookup.exact(key).conceptIds.length === 0;
      };
      for (const match of found[k]!) {
        const i = match.start;
        const word = tokens[i]!;
        if (match.end - i !== 1 || isAbbreviation(word.text)) continue;
        const next = tokens[i + 1];
        if (next?.separatedBy === 'hyphen' && (next.isNumber || /^[A-Z]{1,2}$/.test(next.text))) {
          products.add(foldSurface(word.text));
          continue;
        }
        if (this.knownAsPlace(word, match.placeId, state)) continue;
        // A surname that only begins like the place (not a case ending): Marchetti (Marche).
        const surname = !isCaseEnding(match.ending) && word.separatedBy !== 'other' && nameWord(i - 1, false);
        const firstName = next !== undefined && next.separatedBy !== 'other' && nameWord(i + 1, true);
        if (firstName || surname) match.personName = true;
      }
    });
    const places = found.map((matches, k) =>
      matches.filter((match) => {
        if (match.end - match.start !== 1) return true;
        const token = parts[k]!.tokens[match.start]!;
        return !products.has(foldSurface(token.text)) && !this.isFunctionWord(token, state);
      }),
    );
    return { places, products };
  }

  /**
   * The dictionaries know the word as this very place (München: munich, Polska: poland), so it
   * is not a first name or a surname even beside one ("Polska Agencja", "München Klinik").
   */
  private knownAsPlace(token: Token, placeId: string, state: LanguageState): boolean {
    const label = this.gazetteer.labelOf(placeId);
    if (label === undefined) return false;
    const place = foldSurface(label);
    const { conceptIds } = state.lookup.lookup(normaliseWord(token.text));
    for (let c = 0; c < conceptIds.length; c++) if (foldSurface(this.lexicon.conceptLabels[conceptIds[c]!] ?? '') === place) return true;
    return false;
  }

  /** A frequent function word written as a word, not as an abbreviation (Un incendio, not UN). */
  private isFunctionWord(token: Token, state: LanguageState): boolean {
    if (isAbbreviation(token.text)) return false;
    const ic = state.lookup.exact(normaliseWord(token.text)).informationContent;
    return !Number.isNaN(ic) && ic < this.settings.stopInformationContent;
  }

  /** Gazetteer matches of a part, as token ranges. */
  private gazetteerMatches(tokens: readonly Token[], state: LanguageState): TokenPlace[] {
    const words: string[] = [];
    const capitals: boolean[] = [];
    const wordIndexes: number[] = [];
    let anyCapital = false;
    for (let i = 0; i < tokens.length; i++) {
      const token = tokens[i]!;
      if (token.isNumber) continue;
      wordIndexes.push(i);
      words.push(token.text);
      capitals.push(token.capitalised);
      anyCapital ||= token.capitalised;
    }
    if (!anyCapital) return [];
    return this.gazetteer
      .match(words, capitals, state.lang)
      .map((match) => ({ placeId: match.placeId, start: wordIndexes[match.start]!, end: wordIndexes[match.start + match.length - 1]! + 1, ending: match.ending }));
  }

  /** Feeds places to the sink and returns which tokens they cover (or undefined). */
  private addPlaces(tokens: readonly Token[], places: readonly TokenPlace[], state: LanguageState, scale: number, sink: FeatureSink): Uint8Array | undefined {
    if (places.length === 0) return undefined;
    const inPlace = new Uint8Array(tokens.length);
    for (const place of places) {
      inPlace.fill(1, place.start, place.end);
      // A place is as telling as its name is rare: Ukraine in every other report, Thuringia not.
      const ic = state.lookup.exact(normaliseWord(tokens[place.start]!.text)).informationContent;
      let hash = this.placeHashes.get(place.placeId);
      if (hash === undefined) {
        hash = featureHash(`p:${place.placeId}`);
        this.placeHashes.set(place.placeId, hash);
      }
      // Organisations and sites (NATO, the Kremlin) and people's names (Mark Rutte, Марк Рютте)
      // keep the gazetteer's one id across languages and scripts, but are explained as the
      // names they are. Dropping a first name's id instead (a plain name feature) cost OG2021
      // B-cubed F1 0.001 with dates: athletes' first names then no longer met across scripts.
      const kind = place.personName || place.placeId.startsWith('geo:org:') || place.placeId.startsWith('geo:site:') ? KIND_NAME : KIND_PLACE;
      sink.add(hash, this.settings.placeWeight * scale * this.weightOf(ic), kind, place.personName ? foldSurface(tokens[place.start]!.text) : place.placeId);
    }
    return inPlace;
  }

  private numberOf(text: string): { hash: number; label: string } | null {
    let number = this.numbers.get(text);
    if (number === undefined) {
      const label = normaliseNumber(text);
      number = label === undefined ? null : { hash: featureHash(`#:${label}`), label };
      if (this.numbers.size >= CACHE_LIMIT) this.numbers.clear();
      this.numbers.set(text, number);
    }
    return number;
  }

  /** What a word known to be a name contributes: its name feature only. */
  private resolveName(token: Token, state: LanguageState, out: WordFeatureList): void {
    const weight = this.weightOf(state.lookup.exact(normaliseWord(token.text)).informationContent);
    const name = nameKey(token.text, this.settings.nameKeyLength);
    if (!(weight > 0) || name.length < 2) return;
    out.add(featureHash(`n:${name}`), weight * this.settings.nameWeight, KIND_NAME, foldSurface(token.text));
  }

  /** Everything one word contributes, before the title/body scale. */
  private resolveWord(token: Token, midCapital: boolean, state: LanguageState, out: WordFeatureList): void {
    const { settings } = this;
    const key = normaliseWord(token.text);
    let entry = midCapital ? state.lookup.exact(key) : state.lookup.lookup(key);
    if (midCapital && entry.conceptIds.length === 0 && !EXACT_CAPITALS.has(state.lang ?? '')) {
      const inflected = state.lookup.lookup(key);
      // The form's own frequency still decides whether it is a function word.
      if (inflected.conceptIds.length > 0) entry = { ...inflected, informationContent: entry.informationContent };
    }
    const ic = entry.informationContent;
    if (!Number.isNaN(ic) && ic < settings.stopInformationContent) return;
    const weight = this.weightOf(ic);
    if (!(weight > 0)) return;
    const hasConcepts = entry.conceptIds.length > 0;
    const looksLikeName = token.capitalised && (!hasConcepts || midCapital);
    if (looksLikeName) {
      const name = nameKey(token.text, settings.nameKeyLength);
      if (name.length >= 2) out.add(featureHash(`n:${name}`), weight * settings.nameWeight, KIND_NAME, foldSurface(token.text));
    }
    if (hasConcepts) {
      // Strongest concepts first (table order), renormalised to sum 1.
      const n = Math.min(settings.maxConceptsPerWord, entry.conceptIds.length);
      let sum = 0;
      for (let c = 0; c < n; c++) sum += entry.conceptWeights[c]!;
      if (sum > 0) {
        for (let c = 0; c < n; c++) {
          const id = entry.conceptIds[c]!;
          out.add(this.conceptHash(id), (weight * entry.conceptWeights[c]!) / sum, KIND_CONCEPT, id);
        }
      }
      if (state.surfaceFeatures && !looksLikeName) {
        const surface = nameKey(token.text, settings.nameKeyLength);
        if (surface.length >= 4) out.add(featureHash(`n:${surface}`), weight * settings.titleSurfaceWeight, KIND_SURFACE, foldSurface(token.text));
      }
    } else if (!looksLikeName) {
      const surface = nameKey(token.text, settings.nameKeyLength);
      if (surface.length >= 3) out.add(featureHash(`n:${surface}`), weight * settings.tokenWeight, KIND_TOKEN, foldSurface(token.text));
    }
  }
}

/** Written in capitals, as abbreviations are (UN, USA, NATO). */
function isAbbreviation(word: string): boolean {
  return word.length > 1 && word === word.toUpperCase();
}

/**
 * Title Case ("Opening Ceremony Kicks Off Tokyo Olympics"): at least three words of 4+
 * letters and `share` of them capitalised.
 */
function isTitleCase(tokens: readonly Token[], share: number): boolean {
  if (share <= 0) return false;
  let words = 0;
  let capitalised = 0;
  for (const token of tokens) {
    if (token.isNumber || token.text.length < 4) continue;
    words++;
    if (token.capitalised) capitalised++;
  }
  return words >= 3 && capitalised >= share * words;
}

/** Named, weighted features (for explanations and tests): hash → kind, label, summed weight. */
export class FeatureCollector implements FeatureSink {
  readonly features = new Map<number, Feature>();

  constructor(private readonly lexicon: Lexicon, private readonly gazetteer: Gazetteer) {}

  add(hash: number, weight: number, kind: number, ref: string | number): void {
    if (!(weight > 0)) return;
    const known = this.features.get(hash);
    if (known) {
      known.weight += weight;
      return;
    }
    const featureKind = FEATURE_KINDS[kind]!;
    const label =
      typeof ref === 'number' ? (this.lexicon.conceptLabels[ref] ?? String(ref)) : ref.startsWith('geo:') ? (this.gazetteer.labelOf(ref) ?? ref) : ref;
    this.features.set(hash, { kind: featureKind, label, weight });
  }
}
