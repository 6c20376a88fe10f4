import { describe, expect, it } from 'vitest';
import { foldSurface, nameKey, normaliseWord } from '../../../src/embed/lexical/fold.js';
import { normaliseNumber } from '../../../src/embed/lexical/numbers.js';
import { tokenise } from '../../../src/embed/lexical/tokenise.js';

describe('folding', () => {
  it('keeps diacritics in table keys but lowercases and composes them', () => {
    expect(normaliseWord('Północnej')).toBe('północnej');
    expect(normaliseWord('Bru\u0308ssel')).toBe('brüssel');
  });

  it('folds surfaces to ASCII, transliterating other scripts', () => {
    expect(foldSurface('Łódź')).toBe('lodz');
    expect(foldSurface('Pjöngjang')).toBe('pjongjang');
    expect(foldSurface('Москва')).toBe('moskva');
  });

  it('gives inflected forms of a name one key', () => {
    expect(nameKey('Blinkena')).toBe(nameKey('Blinken'));
    expect(nameKey('Pjongjangu')).toBe(nameKey('Pjöngjangs'));
    expect(nameKey('Rutte')).not.toBe(nameKey('Trump'));
  });
});

describe('tokenising', () => {
  it('splits words, numbers and hyphenated compounds', () => {
    const tokens = tokenise('NATO-Chef Rutte sprach am 4. Dezember vor 1.000 Gästen.');
    expect(tokens.map((t) => t.text)).toEqual(['NATO', 'Chef', 'Rutte', 'sprach', 'am', '4', 'Dezember', 'vor', '1.000', 'Gästen']);
    expect(tokens.filter((t) => t.isNumber).map((t) => t.text)).toEqual(['4', '1.000']);
  });

  it('marks capitals and sentence starts', () => {
    const [first, second, third, , fifth] = tokenise('Szef NATO przemawiał. Potem Rutte wyszedł.');
    expect(first).toMatchObject({ text: 'Szef', capitalised: true, sentenceStart: true });
    expect(second).toMatchObject({ text: 'NATO', capitalised: true, sentenceStart: false });
    expect(third).toMatchObject({ text: 'przemawiał', capitalised: false });
    expect(fifth).toMatchObject({ text: 'Rutte', capitalised: true, sentenceStart: false });
  });

  it('tells what separates a token from the one before it', () => {
    const tokens = tokenise('Der Satellit Meridian-3 startete in Kourou (Guayana).');
    expect(tokens.map((t) => `${t.text}:${t.separatedBy}`)).toEqual([
      'Der:other',
      'Satellit:space',
      'Meridian:space',
      '3:hyphen',
      'startete:space',
      'in:space',
      'Kourou:space',
      'Guayana:other',
    ]);
  });
});

describe('numbers', () => {
  it('writes thousands separators of every convention as one number', () => {
    expect(normaliseNumber('1.000')).toBe('1000');
    expect(normaliseNumber('1,000')).toBe('1000');
    expect(normaliseNumber('1 000')).toBe('1000');
    expect(normaliseNumber('1\u00a0000\u00a0000')).toBe('1000000');
  });

  it('reads decimal commas and points alike', () => {
    expect(normaliseNumber('3,5')).toBe('3.5');
    expect(normaliseNumber('3.5')).toBe('3.5');
    expect(normaliseNumber('2024')).toBe('2024');
    expect(normaliseNumber('032')).toBe('32');
  });
});
