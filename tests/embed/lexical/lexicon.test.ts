import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isSamestoryError } from '../../../src/errors.js';
import { WordLookup } from '../../../src/embed/lexical/features.js';
import { defaultLexiconDir, loadLexicon, type Lexicon } from '../../../src/embed/lexical/lexicon.js';

const lexicon: Lexicon = loadLexicon();

function concepts(lang: string, word: string): string[] {
  const entry = new WordLookup(lexicon.words(lang), lang).lookup(word);
  return Array.from(entry.conceptIds, (id) => lexicon.conceptLabels[id]!);
}

describe('the shipped lexicon', () => {
  it('is found from the source tree', () => {
    expect(defaultLexiconDir()).toMatch(/lexicon$/);
    expect(lexicon.meta.languages).toEqual(expect.arrayContaining(['pl', 'de', 'en', 'fr', 'es', 'it', 'pt', 'ru']));
  });

  it('is loaded once per process', () => {
    expect(loadLexicon()).toBe(lexicon);
  });

  it('maps Polish, German and English words for one thing to a shared concept', () => {
    expect(concepts('pl', 'wojna')).toContain('war');
    expect(concepts('de', 'krieg')).toContain('war');
    expect(concepts('en', 'war')).toContain('war');
    expect(concepts('pl', 'bezpieczeństwo')).toEqual(expect.arrayContaining(concepts('en', 'security')));
  });

  it('lemmatises Polish inflected forms (hunspell lemmas, then stem fallback)', () => {
    expect(concepts('pl', 'rządu')).toContain('government');
    expect(concepts('pl', 'nuklearnego')).toContain('nuclear');
  });

  it('splits German compounds into known parts', () => {
    const parts = concepts('de', 'atomprogramm');
    expect(parts).toEqual(expect.arrayContaining(['atomic', 'program']));
  });

  it('maps Romance languages and Russian through Polish', () => {
    expect(concepts('fr', 'guerre')).toContain('war');
    expect(concepts('es', 'guerra')).toContain('war');
    expect(concepts('ru', 'война')).toContain('war');
  });

  it('knows how common a word is', () => {
    const common = new WordLookup(lexicon.words('pl'), 'pl').lookup('jest').informationContent;
    const rare = new WordLookup(lexicon.words('pl'), 'pl').lookup('nuklearnego').informationContent;
    expect(common).toBeLessThan(rare);
  });

  it('throws LexiconError for a folder without tables', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lexicon-'));
    const error = (() => {
      try {
        loadLexicon(dir);
      } catch (e) {
        return e;
      }
    })();
    expect(isSamestoryError(error) && error.code).toBe('LEXICON_MISSING');
  });

  it('throws LexiconError for a corrupt table', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lexicon-'));
    writeFileSync(join(dir, 'meta.json'), JSON.stringify({ version: 1, languages: ['pl'], concepts: 1 }));
    writeFileSync(join(dir, 'concepts.tsv.gz'), 'not gzip');
    expect(() => loadLexicon(dir)).toThrow(/unreadable/);
  });
});
