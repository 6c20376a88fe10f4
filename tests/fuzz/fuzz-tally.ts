// Counts what the fuzz cases did, so the numbers can be quoted (benchmarks/fuzz-report.ts)
// and a run can be checked for the one outcome that must never happen: a failure.

import { isSamestoryError } from '../../src/errors.js';

/** What one case ended in; `failure` is a broken promise of the input boundary. */
export type Outcome =
  | { kind: 'accepted' }
  | { kind: 'rejected'; code: string }
  | { kind: 'skipped'; reason: string }
  | { kind: 'failure'; detail: string };

export class FuzzTally {
  cases = 0;
  /** Outcome label ('accepted', an error code, 'skipped: …') to how often it happened. */
  readonly outcomes = new Map<string, number>();
  readonly failures: string[] = [];
  /** Further counters a suite keeps (records read, warnings by reason). */
  readonly counts = new Map<string, number>();
  private started = performance.now();
  elapsedMs = 0;
  /** The case that took longest, for the report (no test asserts on time). */
  slowest = { name: '', ms: 0 };

  constructor(readonly suite: string) {}

  record(caseName: string, outcome: Outcome, ms = 0): void {
    this.cases++;
    if (ms > this.slowest.ms) this.slowest = { name: caseName, ms };
    const label =
      outcome.kind === 'accepted' ? 'accepted' : outcome.kind === 'rejected' ? outcome.code : outcome.kind === 'skipped' ? `skipped: ${outcome.reason}` : 'FAILURE';
    this.outcomes.set(label, (this.outcomes.get(label) ?? 0) + 1);
    if (outcome.kind === 'failure') this.failures.push(`${caseName}: ${outcome.detail}`);
  }

  /** A broken invariant found after an otherwise fine outcome (lost articles, wrong size). */
  fail(caseName: string, detail: string): void {
    this.failures.push(`${caseName}: ${detail}`);
    this.outcomes.set('FAILURE', (this.outcomes.get('FAILURE') ?? 0) + 1);
  }

  count(label: string, by = 1): void {
    this.counts.set(label, (this.counts.get(label) ?? 0) + by);
  }

  finish(): this {
    this.elapsedMs = performance.now() - this.started;
    return this;
  }

  /** One line per outcome, for the test log. */
  describe(): string {
    const parts = [...this.outcomes].sort((a, b) => b[1] - a[1]).map(([label, n]) => `${label} ${n}`);
    const extra = [...this.counts].map(([label, n]) => `${label} ${n}`);
    return `${this.suite}: ${this.cases} cases (${parts.join(', ')})${extra.length ? `; ${extra.join(', ')}` : ''} in ${(this.elapsedMs / 1000).toFixed(1)} s`;
  }
}

/** Accepted, or rejected with a typed error; anything else thrown is a failure. */
export function outcomeOfError(error: unknown): Outcome {
  if (isSamestoryError(error)) {
    if (!/\S/.test(error.message)) return { kind: 'failure', detail: `${error.code} with an empty message` };
    return { kind: 'rejected', code: error.code };
  }
  return { kind: 'failure', detail: `untyped error: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}` };
}

export function runCase(action: () => void): Outcome {
  try {
    action();
    return { kind: 'accepted' };
  } catch (error) {
    return outcomeOfError(error);
  }
}

export async function runAsyncCase(action: () => Promise<unknown>): Promise<Outcome> {
  try {
    await action();
    return { kind: 'accepted' };
  } catch (error) {
    return outcomeOfError(error);
  }
}

/** A short printable name for any value (cases hold strings of megabytes and lone surrogates). */
export function preview(value: unknown): string {
  let text: string;
  try {
    text = typeof value === 'string' ? JSON.stringify(value) : typeof value === 'bigint' ? `${value}n` : typeof value === 'symbol' ? value.toString() : JSON.stringify(value) ?? String(value);
  } catch {
    text = '<unprintable>';
  }
  return text.length > 80 ? `${text.slice(0, 77)}…(${text.length})` : text;
}
