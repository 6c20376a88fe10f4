import { describe, expect, it } from 'vitest';
import { parseEntry } from '../../../scripts/lexicon/dictd.js';

describe('WikDict entry parsing (build script)', () => {
  it('reads translations per sense and skips definitions', () => {
    const entry = parseEntry(
      [
        'rząd /ʒɔ̃nt/ <n>',
        '1. order 2.',
        '(biologia) w systematyce: jednostka obejmująca rodziny;',
        ' 3.',
        '(matematyka) pozycja względem przecinka',
        '2. government, administration',
        '(politologia) wykonawczy organ państwa;',
        '3. row, line',
        'grupa ludzi lub elementów umieszczona obok siebie',
      ].join('\n'),
    );
    expect(entry).toEqual({ headword: 'rząd', pos: 'n', senses: [['order'], ['government', 'administration'], ['row', 'line']] });
  });

  it('reads an entry with a single sense and no pronunciation', () => {
    expect(parseEntry('Kreml <pn>\nKremlin\nsiedziba władz Rosji\n')).toEqual({ headword: 'Kreml', pos: 'pn', senses: [['Kremlin']] });
  });
});
