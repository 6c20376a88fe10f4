import { describe, expect, it } from 'vitest';
import { formatCell, markdownTable, textTable } from '../../benchmarks/lib/report.js';

describe('formatCell', () => {
  it('writes fractions with three decimals, counts with separators, and missing values as a dash', () => {
    expect(formatCell(0.61904)).toBe('0.619');
    expect(formatCell(10940)).toBe('10,940');
    expect(formatCell(206.1)).toBe('206');
    expect(formatCell(undefined)).toBe('–');
    expect(formatCell(Number.NaN)).toBe('NaN');
    expect(formatCell(true)).toBe('yes');
  });
});

describe('tables', () => {
  it('aligns text columns under a rule', () => {
    expect(textTable(['system', 'r'], [['lexical', 0.5], ['tfidf', 0.25]])).toBe(
      ['system       r', '-------  -----', 'lexical  0.500', 'tfidf    0.250'].join('\n'),
    );
  });

  it('writes GitHub Markdown with right-aligned number columns', () => {
    expect(markdownTable(['system', 'r'], [['lexical', 0.5]])).toBe('| system | r |\n| --- | ---: |\n| lexical | 0.500 |');
  });
});
