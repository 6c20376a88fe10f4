// A gazetteer match is a place only where it stands as one: first names, surnames, product
// names, function words and organisations are not places (sentences written for these tests).

import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_FEATURE_SETTINGS, FeatureExtractor } from '../../../src/embed/lexical/features.js';
import { loadGazetteer } from '../../../src/embed/lexical/gazetteer.js';
import { LexicalEmbedder } from '../../../src/embed/lexical/lexical-embedder.js';
import { loadLexicon } from '../../../src/embed/lexical/lexicon.js';

let extractor: FeatureExtractor;
let embedder: LexicalEmbedder;

beforeAll(async () => {
  const lexicon = loadLexicon();
  extractor = new FeatureExtractor(lexicon, loadGazetteer(lexicon.dir), DEFAULT_FEATURE_SETTINGS);
  embedder = await LexicalEmbedder.create();
});

const placesIn = (text: string, lang: string): string[] => extractor.placeMentions(text, undefined, lang).map((m) => m.surface);

describe('places in context', () => {
  it('reads a first name before a surname as a name, not as a place', () => {
    expect(placesIn('On Tuesday the secretary general Mark Rutte spoke in Brussels.', 'en')).toEqual(['Brussels']);
    expect(placesIn('Sekretarz generalny rozmawiał z Markiem Rutte w Brukseli.', 'pl')).toEqual(['Brukseli']);
  });

  it('gives two sentences that share only a first name no shared place', async () => {
    const shared = await embedder.explain(
      { lang: 'en', text: 'Yesterday Mark Rutte met the foreign ministers.' },
      { lang: 'en', text: 'The novelist Mark Twain wrote about rivers.' },
    );
    expect(shared.filter((feature) => feature.kind === 'place')).toEqual([]);
  });

  it('reads a surname that only begins like a place as a name', () => {
    expect(placesIn('The chief engineer Hélène Marchetti confirmed the orbit.', 'en')).toEqual([]);
  });

  it('reads a product code as a product everywhere in the article', () => {
    expect(placesIn('The Meridian-3 satellite lifted off on Friday. Meridian will measure soil moisture.', 'en')).toEqual([]);
  });

  it('does not read a function word at the start of a sentence as an abbreviation', () => {
    expect(placesIn('Un incendio quema el bosque cerca de Girona.', 'es')).toEqual(['Girona']);
  });

  it('keeps a word the dictionaries know as that very place beside a name', () => {
    expect(placesIn('Organizacja Caritas Polska zebrała dary.', 'pl')).toEqual(['Polska']);
  });

  it('keeps abbreviations of countries before a name', () => {
    expect(placesIn('Spotkał się z nim sekretarz stanu USA Antony Blinken.', 'pl')).toEqual(['USA']);
  });

  it('explains organisations matched by the gazetteer as names, not places', async () => {
    const shared = await embedder.explain(
      { lang: 'de', text: 'Die NATO berät über die Ostflanke.' },
      { lang: 'pl', text: 'NATO obraduje o wschodniej flance.' },
    );
    expect(shared.find((feature) => feature.label === 'north atlantic treaty organization')?.kind).toBe('name');
  });
});
