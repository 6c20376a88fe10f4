// Checks the generated gazetteer (lexicon/places.tsv) the built-in embedder reads: the format it
// codes against, that one place gets one id across languages, and that common words stay out.
import { readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { normalisePlaceSurface } from '../../scripts/lexicon/gazetteer.js';

const placesFile = fileURLToPath(new URL('../../lexicon/places.tsv', import.meta.url));
const lines = readFileSync(placesFile, 'utf8').split('\n').filter((line) => line !== '' && !line.startsWith('#'));
const rows = lines.map((line) => {
  const [surface = '', placeId = '', lang = '', ...rest] = line.split('\t');
  return { surface, placeId, lang, extraFields: rest.length };
});

/** surface → lang → placeId, as a reader of the file would index it. */
const index = new Map<string, Map<string, string>>();
for (const { surface, placeId, lang } of rows) {
  const byLang = index.get(surface) ?? new Map<string, string>();
  byLang.set(lang, placeId);
  index.set(surface, byLang);
}

/** The lookup the contract describes: the article language's row, else the `*` row. */
function placeOf(name: string, lang: string): string | undefined {
  const byLang = index.get(normalisePlaceSurface(name, lang));
  return byLang?.get(lang) ?? byLang?.get('*');
}

describe('places.tsv format', () => {
  it('has three tab-separated fields on every line', () => {
    expect(rows.filter((row) => row.extraFields > 0 || !row.surface || !row.placeId || !row.lang)).toEqual([]);
  });

  it('writes surfaces lowercase, NFC, with single spaces', () => {
    const bad = rows.filter(
      ({ surface, lang }) => surface !== normalisePlaceSurface(surface, lang === '*' ? 'und' : lang) || surface.includes('  '),
    );
    expect(bad.slice(0, 5)).toEqual([]);
  });

  it('uses the agreed place id shapes', () => {
    const shapes = [/^geo:[A-Z]{2}$/, /^geo:[A-Z]{2}-[A-Z0-9]{1,3}$/, /^geo:\d{3}$/, /^geo:city:\d+$/, /^geo:(org|site|region):[a-z0-9-]+$/];
    expect(rows.filter(({ placeId }) => !shapes.some((shape) => shape.test(placeId))).slice(0, 5)).toEqual([]);
  });

  it('tags each surface with an ISO 639-1 code or *', () => {
    expect(rows.filter(({ lang }) => !/^([a-z]{2}|\*)$/.test(lang))).toEqual([]);
  });

  it('is sorted and has no duplicate lines', () => {
    const sorted = [...lines].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    expect(lines).toEqual(sorted);
    expect(new Set(lines).size).toBe(lines.length);
  });

  it('gives each surface one place per language, and a * surface no other rows', () => {
    const pairs = rows.map(({ surface, lang }) => `${surface}\t${lang}`);
    expect(new Set(pairs).size).toBe(pairs.length);
    const mixed = [...index].filter(([, byLang]) => byLang.has('*') && byLang.size > 1).map(([surface]) => surface);
    expect(mixed).toEqual([]);
  });

  it('stays small enough to ship in the package', () => {
    expect(statSync(placesFile).size).toBeLessThan(3_000_000);
  });
});

describe('one place, one id across languages', () => {
  it.each([
    ['North Korea', 'geo:KP', [['Korea Północna', 'pl'], ['Nordkorea', 'de'], ['North Korea', 'en'], ['Corée du Nord', 'fr'], ['Северная Корея', 'ru']]],
    ['Brussels', 'geo:city:2800866', [['Bruksela', 'pl'], ['Brüssel', 'de'], ['Brussels', 'en'], ['Bruxelles', 'fr'], ['Bruselas', 'es']]],
    ['Kyiv', 'geo:city:703448', [['Kijów', 'pl'], ['Kiew', 'de'], ['Kyiv', 'en'], ['Kiev', 'en'], ['Киев', 'ru'], ['Kijev', 'sl']]],
    ['Hungary', 'geo:HU', [['Węgry', 'pl'], ['Ungarn', 'de'], ['Hungary', 'en'], ['Hongrie', 'fr'], ['Ungheria', 'it'], ['Madžarska', 'sl']]],
    ['Thuringia', 'geo:DE-TH', [['Turyngia', 'pl'], ['Thüringen', 'de'], ['Thuringia', 'en'], ['Thuringe', 'fr'], ['Тюрингия', 'ru']]],
    ['Saint Petersburg', 'geo:city:498817', [['Санкт-Петербург', 'ru'], ['Sankt Petersburg', 'pl'], ['Sankt Petersburg', 'de'], ['Saint Petersburg', 'en']]],
    ['the European Union', 'geo:EU', [['Unia Europejska', 'pl'], ['Europäische Union', 'de'], ['European Union', 'en'], ['EU', 'en'], ['UE', 'pl']]],
    ['NATO', 'geo:org:nato', [['NATO', 'pl'], ['NATO', 'de'], ['OTAN', 'fr'], ['НАТО', 'ru']]],
    ['the United Nations', 'geo:UN', [['ONZ', 'pl'], ['UNO', 'de'], ['UN', 'en'], ['ООН', 'ru'], ['ONU', 'fr']]],
    ['the Kremlin', 'geo:site:kremlin', [['Kreml', 'pl'], ['Kreml', 'de'], ['Kremlin', 'en'], ['Кремль', 'ru']]],
    ['Łódź the city, not its voivodeship', 'geo:city:3093133', [['Łódź', 'pl'], ['Łódź', 'en'], ['Lodz', 'en']]],
  ] as const)('maps the names of %s to %s', (_place, placeId, names) => {
    for (const [name, lang] of names) expect({ name, lang, placeId: placeOf(name, lang) }).toEqual({ name, lang, placeId });
  });

  it('resolves a capital ahead of the state with the same name', () => {
    expect(placeOf('Washington', 'en')).toBe(placeOf('Waszyngton', 'pl'));
    expect(placeOf('Washington', 'en')).toMatch(/^geo:city:/);
  });
});

describe('coverage', () => {
  const ids = new Set(rows.map((row) => row.placeId));
  const count = (pattern: RegExp) => [...ids].filter((id) => pattern.test(id)).length;

  it('names every country', () => {
    expect(count(/^geo:[A-Z]{2}$/)).toBeGreaterThanOrEqual(245);
  });

  it('names the German Länder, Polish voivodeships and US states', () => {
    expect(count(/^geo:DE-[A-Z]{2}$/)).toBe(16);
    expect(count(/^geo:PL-\d{2}$/)).toBe(16);
    expect(count(/^geo:US-[A-Z]{2}$/)).toBeGreaterThanOrEqual(50);
  });

  it('names small capitals as well as big cities', () => {
    for (const [name, lang] of [['Vaduz', 'de'], ['Valletta', 'en'], ['Lublana', 'pl'], ['Astana', 'ru'], ['São Paulo', 'pt']] as const) {
      expect(placeOf(name, lang)).toMatch(/^geo:city:\d+$/);
    }
  });
});

describe('common words are not places', () => {
  it.each([
    ['chad', 'en'],
    ['reading', 'en'],
    ['nice', 'en'],
    ['essen', 'de'],
    ['halle', 'de'],
    ['równe', 'pl'],
    ['sumy', 'pl'],
    ['réunion', 'fr'],
    ['nato', 'it'],
    ['un', 'fr'],
  ] as const)('drops "%s" in %s', (word, lang) => {
    expect(placeOf(word, lang)).toBeUndefined();
  });

  it('keeps country names that are English words: places match only capitalised words', () => {
    // Dropped, "Turkey" fell through to the ending fallback and was read as Turku.
    expect(placeOf('Turkey', 'en')).toBe('geo:TR');
    expect(placeOf('Guinea', 'en')).toBe('geo:GN');
  });

  it('keeps a frequent word that is mostly a name', () => {
    expect(placeOf('Łódź', 'pl')).toBe('geo:city:3093133');
    expect(placeOf('Nice', 'fr')).toMatch(/^geo:city:/);
    expect(placeOf('Essen', 'pl')).toMatch(/^geo:city:/);
  });
});

describe('normalisePlaceSurface', () => {
  it('lowercases, composes and collapses spaces', () => {
    expect(normalisePlaceSurface('  KOREA\u00a0 PO\u0301ŁNOCNA ', 'pl')).toBe('korea p\u00f3\u0142nocna');
  });
});
