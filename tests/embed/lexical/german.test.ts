import { describe, expect, it } from 'vitest';
import { germanLemmas } from '../../../scripts/lexicon/german.js';

const HEADWORDS = new Map([
  ['sagen', 1],
  ['fordern', 1],
  ['evakuieren', 1],
  ['neu', 1],
  ['regierung', 1],
]);

describe('German inflections mapped to headwords at build time', () => {
  it('maps weak verb forms and participles to the infinitive', () => {
    const lemmas = germanLemmas(['sagte', 'sagten', 'gesagt', 'forderte', 'evakuiert'], HEADWORDS);
    expect(Object.fromEntries(lemmas)).toEqual({
      sagte: ['sagen'],
      sagten: ['sagen'],
      gesagt: ['sagen'],
      forderte: ['fordern'],
      evakuiert: ['evakuieren'],
    });
  });

  it('maps declined adjectives to their base form', () => {
    expect(germanLemmas(['neuen', 'neues'], HEADWORDS).get('neuen')).toEqual(['neu']);
  });

  it('leaves headwords and forms that lead to no headword alone', () => {
    const lemmas = germanLemmas(['regierung', 'tisch', 'rakete'], HEADWORDS);
    expect(lemmas.size).toBe(0);
  });
});
