// What `samestory cluster` left out of its input: the first warnings of each reason on stderr,
// then one line with the counts by reason, and the same counts for --json. A feed with 5,000
// repeated ids gives 10 warning lines and a total, not 5,000 lines.

import type { ReadWarning, SkipReason } from './read-articles.js';

/** Warnings printed per reason; later skips of that reason are only counted. */
export const MAX_WARNINGS_PER_REASON = 10;

/** How the summary names each reason: one, many. */
const REASON_WORDS: Record<SkipReason, readonly [string, string]> = {
  'duplicate-id': ['article whose id was used before', 'articles whose ids were used before'],
  'invalid-article': ['invalid article', 'invalid articles'],
  'invalid-json': ['record that is not valid JSON', 'records that are not valid JSON'],
  'not-article-json': ['JSON file without article fields', 'JSON files without article fields'],
  'binary-file': ['binary file', 'binary files'],
  'unreadable-file': ['unreadable file', 'unreadable files'],
};

/** The `skipped` field of the JSON report. */
export interface SkippedInput {
  total: number;
  byReason: Partial<Record<SkipReason, number>>;
}

export class SkipReport {
  private readonly counts = new Map<SkipReason, number>();

  /**
   * @param print writes one line to the user; not called at all when `quiet`
   * @param quiet count only: no per-skip warnings (the summary line is still the caller's to print)
   */
  constructor(
    private readonly print: (line: string) => void,
    private readonly quiet = false,
    private readonly maxPerReason = MAX_WARNINGS_PER_REASON,
  ) {}

  /** Counts one skip and prints its warning while its reason is under the limit. */
  add(warning: ReadWarning): void {
    const count = (this.counts.get(warning.reason) ?? 0) + 1;
    this.counts.set(warning.reason, count);
    if (this.quiet) return;
    if (count <= this.maxPerReason) this.print(`${warning.path}: ${warning.message}`);
    else if (count === this.maxPerReason + 1) this.print(`(more ${REASON_WORDS[warning.reason][1]} follow: counted below, not listed)`);
  }

  get total(): number {
    let total = 0;
    for (const count of this.counts.values()) total += count;
    return total;
  }

  toJSON(): SkippedInput {
    const byReason: SkippedInput['byReason'] = {};
    for (const [reason, count] of this.sorted()) byReason[reason] = count;
    return { total: this.total, byReason };
  }

  /** `skipped 5000 inputs: 4999 articles whose ids were used before, 1 record that is not valid JSON`, or undefined when nothing was skipped. */
  summaryLine(): string | undefined {
    const total = this.total;
    if (total === 0) return undefined;
    const parts = this.sorted().map(([reason, count]) => `${count} ${REASON_WORDS[reason][count === 1 ? 0 : 1]}`);
    return `skipped ${total} input${total === 1 ? '' : 's'}: ${parts.join(', ')}`;
  }

  /** Most frequent reason first. */
  private sorted(): Array<[SkipReason, number]> {
    return [...this.counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  }
}
