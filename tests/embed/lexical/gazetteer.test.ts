import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodePlaceIndex, Gazetteer, loadGazetteer, PLACE_INDEX_FILE } from '../../../src/embed/lexical/gazetteer.js';
import { defaultLexiconDir } from '../../../src/embed/lexical/lexicon.js';
import { tokenise } from '../../../src/embed/lexical/tokenise.js';

const SMALL = Gazetteer.fromPlaces([
  'korea północna\tgeo:KP\tpl',
  'nordkorea\tgeo:KP\tde',
  'north korea\tgeo:KP\ten',
  'korea\tgeo:KR\tpl',
  'bruksela\tgeo:city:brussels\tpl',
  'mali\tgeo:ML\t*',
]);

function places(gazetteer: Gazetteer, text: string, lang: string): string[] {
  const words = tokenise(text).filter((t) => !t.isNumber);
  return gazetteer
    .match(
      words.map((w) => w.text),
      words.map((w) => w.capitalised),
      lang,
    )
    .map((m) => m.placeId);
}

describe('gazetteer matching', () => {
  it('matches Polish inflected forms of multi-word names, longest name first', () => {
    expect(places(SMALL, 'Technologia płynie do Korei Północnej, powiedział w Brukseli.', 'pl')).toEqual(['geo:KP', 'geo:city:brussels']);
  });

  it('matches German genitive and English names in any language', () => {
    expect(places(SMALL, 'Nordkoreas Atomprogramm', 'de')).toEqual(['geo:KP']);
    expect(places(SMALL, 'Sanctions on North Korea', 'pl')).toEqual(['geo:KP']);
  });

  it('needs a capital and an exact match for short names', () => {
    expect(places(SMALL, 'korei północnej', 'pl')).toEqual([]);
    expect(places(SMALL, 'Mali and Malinowski', 'en')).toEqual(['geo:ML']);
  });

  it('prefers a country to a town of the same name', () => {
    const gazetteer = Gazetteer.fromPlaces(['france\tgeo:city:franca\tfr', 'france\tgeo:FR\t*']);
    expect(places(gazetteer, 'La France a envoyé des avions.', 'fr')).toEqual(['geo:FR']);
  });

  it('reports what an inflected form adds to the place word', () => {
    const words = tokenise('Rozmowy w Brukseli i w Bruksela').filter((t) => !t.isNumber);
    const matches = SMALL.match(
      words.map((w) => w.text),
      words.map((w) => w.capitalised),
      'pl',
    );
    expect(matches.map((m) => m.ending)).toEqual(['i', 'a']);
  });

  it('maps country and region names of the shipped table across languages', () => {
    const gazetteer = loadGazetteer(defaultLexiconDir());
    expect(places(gazetteer, 'Węgry i Polska', 'pl')).toEqual(places(gazetteer, 'Ungarn und Polen', 'de'));
    expect(places(gazetteer, 'w Turyngii', 'pl')).toEqual(places(gazetteer, 'in Thüringen', 'de'));
    expect(places(gazetteer, 'w Kijowie', 'pl')).toEqual(places(gazetteer, 'in Kiew', 'de'));
    expect(places(gazetteer, 'w Kijowie', 'pl')).toHaveLength(1);
  });

  it('reads the prebuilt index the build writes, one language at a time', () => {
    const dir = mkdtempSync(join(tmpdir(), 'places-'));
    writeFileSync(join(dir, PLACE_INDEX_FILE), encodePlaceIndex(['korea północna\tgeo:KP\tpl', 'nordkorea\tgeo:KP\tde', 'north korea\tgeo:KP\ten', 'bruksela\tgeo:city:brussels\tpl']));
    const gazetteer = loadGazetteer(dir);
    expect(places(gazetteer, 'Delegacja z Korei Północnej w Brukseli', 'pl')).toEqual(['geo:KP', 'geo:city:brussels']);
    expect(places(gazetteer, 'Nordkoreas Raketen', 'de')).toEqual(['geo:KP']);
    expect(places(gazetteer, 'Brukseli', 'de')).toEqual([]);
    expect(gazetteer.labelOf('geo:KP')).toBe('north korea');
  });
});
