// `npm run build:lexicon`: turns the raw lexical sources (WikDict dictionaries from Debian,
// hunspell-pl, OMW wordnets and frequency lists from ../shared/lexical) into the compact
// tables in lexicon/ that the built-in lexical embedder loads. The tables are committed, so
// users never run this.

import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { brotliCompressSync, constants as zlib, gzipSync } from 'node:zlib';
import {
  addScaled,
  conceptWords,
  englishConcept,
  forwardTranslations,
  mergeInto,
  addWordnet,
  useIrregularEnglish,
  normalise,
  toConcepts,
  viaPolish,
  type Distribution,
} from './lexicon/concepts.js';
import { encodePlaceIndex, PLACE_INDEX_FILE } from '../src/embed/lexical/gazetteer.js';
import { readDictd, type DictEntry } from './lexicon/dictd.js';
import { readFrequencyList, type FrequencyList } from './lexicon/frequency.js';
import { germanLemmas } from './lexicon/german.js';
import { polishLemmas } from './lexicon/hunspell.js';
import { dictdPaths, ensureAptPackages, LEXICON_DIR, REPO_ROOT, requireFile, SHARED_LEXICAL } from './lexicon/sources.js';
import { englishSynsets, readOmw } from './lexicon/wordnet.js';
import { buildWordTable, encodeWordTable, type WordRow } from './lexicon/word-tables.js';
import { reverseTranslations } from './lexicon/concepts.js';

/** Bump with any change to the tables' content (it becomes part of the embedder id). */
export const LEXICON_VERSION = 2;
/**
 * Irregular English lemmas (WordNet exception lists: said → say) and German inflection rules
 * (sagte → sagen). Measured together (round 2): SemEval de-pl Pearson 0.559 → 0.569, Recall@1
 * 0.571 → 0.536, MRR 0.699 → 0.696, seeds margin 0.217 → 0.237, OG2021 F1 unchanged, and one
 * hard negative of examples/articles then outranks a translation (by 0.0006); English alone
 * was worse there. No clear gain, so both stay off until a larger evaluation decides.
 */
const LEMMATISE_ENGLISH_IRREGULARS = false;
const GERMAN_INFLECTION_RULES = false;
const LANGUAGES = ['pl', 'de', 'en', 'fr', 'es', 'it', 'pt', 'ru'] as const;

function dictionary(pair: string): DictEntry[] {
  const { index, dict } = dictdPaths(pair);
  requireFile(index, `install the Debian package dict-freedict-${pair}`);
  return readDictd(index, dict);
}

/** lemma → concepts for a language reached through Polish (plus optional WordNet evidence). */
function throughPolish(
  polishConcepts: Map<string, Distribution>,
  translations: Map<string, Distribution>,
  wordnetEnglish?: Map<string, Distribution>,
): Map<string, Distribution> {
  const result = new Map<string, Distribution>();
  const lemmas = new Set([...translations.keys(), ...(wordnetEnglish?.keys() ?? [])]);
  for (const lemma of lemmas) {
    const merged: Distribution = new Map();
    const polish = translations.get(lemma);
    if (polish) addScaled(merged, viaPolish(polish, polishConcepts), 1);
    const english = wordnetEnglish?.get(lemma);
    if (english && english.size > 0) addScaled(merged, toConcepts(english), polish ? 0.5 : 1);
    if (merged.size > 0) result.set(lemma, normalise(merged));
  }
  return result;
}

function formatNumber(value: number): string {
  return value.toFixed(3).replace(/\.?0+$/, '') || '0';
}

async function main(): Promise<void> {
  const started = Date.now();
  ensureAptPackages();
  requireFile(resolve(SHARED_LEXICAL, 'frequencywords', 'pl_50k.txt'), 'the shared lexical data (../shared/lexical) is needed to build the tables');
  mkdirSync(LEXICON_DIR, { recursive: true });

  useIrregularEnglish(LEMMATISE_ENGLISH_IRREGULARS);
  const synsetWords = englishSynsets();
  const frequency = new Map<string, FrequencyList | undefined>(LANGUAGES.map((lang) => [lang, readFrequencyList(lang)]));

  // Polish: the hub. Dictionary senses plus plWordNet / Wiktionary / CLDR synsets.
  const polishEnglish = forwardTranslations(dictionary('pol-eng'));
  const polishWordnet = new Map<string, Distribution>();
  for (const file of ['pol-wn-data-pol.tab', 'wikt-wn-wikt-pol.tab', 'cldr-wn-cldr-pol.tab']) addWordnet(polishWordnet, readOmw(file), synsetWords);
  const polishConcepts = new Map<string, Distribution>();
  for (const lemma of new Set([...polishEnglish.keys(), ...polishWordnet.keys()])) {
    const merged: Distribution = new Map();
    const fromDictionary = polishEnglish.get(lemma);
    if (fromDictionary) addScaled(merged, fromDictionary, 1);
    const fromWordnet = polishWordnet.get(lemma);
    if (fromWordnet) addScaled(merged, fromWordnet, fromDictionary ? 1 : 2);
    const concepts = toConcepts(merged);
    if (concepts.size > 0) polishConcepts.set(lemma, concepts);
  }

  // English: a word is its own concept (its stem).
  const englishConcepts = new Map<string, Distribution>();
  const englishWords = new Set<string>(frequency.get('en')?.counts.keys() ?? []);
  for (const dist of polishEnglish.values()) for (const phrase of dist.keys()) for (const w of phrase.split(/\s+/)) englishWords.add(w);
  for (const word of englishWords) {
    if (!/^\p{L}+$/u.test(word)) continue;
    englishConcepts.set(word, new Map([[englishConcept(word), 1]]));
  }

  // German: WikDict both directions through Polish, plus Wiktionary/CLDR wordnets.
  const germanPolish = forwardTranslations(dictionary('deu-pol'));
  mergeInto(germanPolish, reverseTranslations(dictionary('pol-deu')));
  const germanWordnet = new Map<string, Distribution>();
  for (const file of ['wikt-wn-wikt-deu.tab', 'cldr-wn-cldr-deu.tab']) addWordnet(germanWordnet, readOmw(file), synsetWords);
  const germanConcepts = throughPolish(polishConcepts, germanPolish, germanWordnet);

  // Romance languages and Russian: pol-X read backwards (plus X-pol where WikDict has it).
  const other = (pairs: string[], reversePairs: string[]): Map<string, Distribution> => {
    const translations = new Map<string, Distribution>();
    for (const pair of pairs) mergeInto(translations, forwardTranslations(dictionary(pair)));
    for (const pair of reversePairs) mergeInto(translations, reverseTranslations(dictionary(pair)));
    return throughPolish(polishConcepts, translations);
  };
  const lemmaConcepts: Record<(typeof LANGUAGES)[number], Map<string, Distribution>> = {
    pl: polishConcepts,
    de: germanConcepts,
    en: englishConcepts,
    fr: other(['fra-pol'], ['pol-fra']),
    es: other([], ['pol-spa']),
    it: other(['ita-pol'], ['pol-ita']),
    pt: other([], ['pol-por']),
    ru: other([], ['pol-rus']),
  };

  const polishForms = new Set<string>([...(frequency.get('pl')?.counts.keys() ?? [])]);
  const lemmasOf = polishLemmas(polishForms);
  const germanLemmasOf = GERMAN_INFLECTION_RULES ? germanLemmas(frequency.get('de')?.counts.keys() ?? [], germanConcepts) : undefined;

  const tables = new Map<string, WordRow[]>();
  for (const lang of LANGUAGES) {
    tables.set(
      lang,
      buildWordTable({
        lang,
        lemmaConcepts: lemmaConcepts[lang],
        frequency: frequency.get(lang),
        lemmasOf: lang === 'pl' ? lemmasOf : lang === 'de' ? germanLemmasOf : undefined,
        lemmasFirst: lang === 'pl',
      }),
    );
  }

  // Concept ids: sorted keys, so a rebuild from the same sources gives the same ids.
  const used = new Set<string>();
  for (const rows of tables.values()) for (const row of rows) for (const concept of row.concepts.keys()) used.add(concept);
  const conceptKeys = [...used].sort();
  const conceptId = new Map(conceptKeys.map((key, index) => [key, index]));

  // Concept information content: how often a concept is expressed in everyday language,
  // averaged over the languages with frequency lists (a language-independent IDF).
  const conceptProbability = new Map<string, number>();
  let languagesWithCounts = 0;
  for (const lang of LANGUAGES) {
    const freq = frequency.get(lang);
    if (!freq) continue;
    languagesWithCounts++;
    for (const row of tables.get(lang)!) {
      const count = freq.counts.get(row.key);
      if (count === undefined) continue;
      for (const [concept, weight] of row.concepts) conceptProbability.set(concept, (conceptProbability.get(concept) ?? 0) + (weight * count) / freq.total);
    }
  }
  const englishFrequency = frequency.get('en')!.counts;
  const conceptLines = conceptKeys.map((key) => {
    const words = [...(conceptWords.get(key) ?? [key])].sort(
      (a, b) => (englishFrequency.get(b) ?? 0) - (englishFrequency.get(a) ?? 0) || a.length - b.length || (a < b ? -1 : 1),
    );
    const p = (conceptProbability.get(key) ?? 0) / languagesWithCounts;
    const ic = p > 0 ? -Math.log(p) : -1;
    return `${words[0] ?? key}\t${ic < 0 ? '' : formatNumber(ic)}`;
  });
  writeFileSync(resolve(LEXICON_DIR, 'concepts.tsv.gz'), gzipSync(conceptLines.join('\n') + '\n', { level: 9 }));

  const stats: Record<string, { rows: number; bytes: number }> = {};
  for (const [lang, rows] of tables) {
    rows.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    // Brotli: 28% smaller than gzip -9 on these tables and as fast to unpack.
    const raw = encodeWordTable(rows, conceptId);
    const bytes = brotliCompressSync(raw, {
      params: { [zlib.BROTLI_PARAM_QUALITY]: 11, [zlib.BROTLI_PARAM_LGWIN]: 24, [zlib.BROTLI_PARAM_SIZE_HINT]: raw.length },
    });
    writeFileSync(resolve(LEXICON_DIR, `words.${lang}.bin.br`), bytes);
    rmSync(resolve(LEXICON_DIR, `words.${lang}.bin.gz`), { force: true });
    stats[lang] = { rows: rows.length, bytes: bytes.length };
  }

  const gazetteer = resolve(REPO_ROOT, 'scripts', 'lexicon', 'gazetteer.ts');
  if (existsSync(gazetteer)) {
    const { buildGazetteer } = await import('./lexicon/gazetteer.js');
    await buildGazetteer();
  } else {
    console.warn('scripts/lexicon/gazetteer.ts not found: lexicon/places.tsv not rebuilt');
  }
  // Prebuilt match keys, so loading the gazetteer folds no names at run time.
  const places = resolve(LEXICON_DIR, 'places.tsv');
  if (existsSync(places)) {
    writeFileSync(resolve(LEXICON_DIR, PLACE_INDEX_FILE), encodePlaceIndex(readFileSync(places, 'utf8').split('\n'), englishLabelScore()));
  }

  writeFileSync(
    resolve(LEXICON_DIR, 'meta.json'),
    JSON.stringify({ version: LEXICON_VERSION, languages: LANGUAGES, concepts: conceptKeys.length }, null, 2) + '\n',
  );
  console.log(`concepts: ${conceptKeys.length}`);
  for (const [lang, s] of Object.entries(stats)) console.log(`words.${lang}: ${s.rows} rows, ${(s.bytes / 1024).toFixed(0)} KiB`);
  console.log(`done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

await main();

/**
 * How English a place name looks: the rarest of its words' counts in the English frequency
 * list (0 when a word is missing), so "brussels" beats "bruksel" and "ukraine" "ucraina".
 */
function englishLabelScore(): (surface: string) => number {
  const english = readFrequencyList('en');
  if (!english) return () => 0;
  return (surface) => Math.min(...surface.split(' ').map((word) => english.counts.get(word) ?? 0));
}
