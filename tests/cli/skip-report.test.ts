import { describe, expect, it } from 'vitest';
import type { ReadWarning } from '../../src/cli/read-articles.js';
import { MAX_WARNINGS_PER_REASON, SkipReport } from '../../src/cli/skip-report.js';

const duplicate = (line: number): ReadWarning => ({ path: `feed.jsonl:${line}`, message: "skipped: id 'a' is already used", reason: 'duplicate-id' });
const broken: ReadWarning = { path: 'feed.jsonl:2', message: 'skipped: not valid JSON', reason: 'invalid-json' };

describe('SkipReport', () => {
  it('prints the first warnings of each reason, one note when it stops, and counts every skip', () => {
    const printed: string[] = [];
    const report = new SkipReport((line) => printed.push(line));
    for (let line = 1; line <= 5_000; line++) report.add(duplicate(line));
    report.add(broken);
    expect(printed).toHaveLength(MAX_WARNINGS_PER_REASON + 2);
    expect(printed[MAX_WARNINGS_PER_REASON]).toBe('(more articles whose ids were used before follow: counted below, not listed)');
    expect(printed.at(-1)).toBe('feed.jsonl:2: skipped: not valid JSON');
    expect(report.total).toBe(5_001);
  });

  it('sums up by reason in one line, most frequent first', () => {
    const report = new SkipReport(() => undefined);
    report.add(broken);
    for (let line = 1; line <= 3; line++) report.add(duplicate(line));
    expect(report.summaryLine()).toBe('skipped 4 inputs: 3 articles whose ids were used before, 1 record that is not valid JSON');
    expect(report.toJSON()).toEqual({ total: 4, byReason: { 'duplicate-id': 3, 'invalid-json': 1 } });
  });

  it('prints nothing when quiet but still counts', () => {
    const printed: string[] = [];
    const report = new SkipReport((line) => printed.push(line), true);
    report.add(broken);
    expect(printed).toEqual([]);
    expect(report.summaryLine()).toBe('skipped 1 input: 1 record that is not valid JSON');
  });

  it('has no summary line when nothing was skipped', () => {
    expect(new SkipReport(() => undefined).summaryLine()).toBeUndefined();
  });
});
