// Output of the harness: the environment block, readable tables for stdout, Markdown
// tables for README, and the results files.

import { cpus, totalmem } from 'node:os';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

export interface Environment {
  node: string;
  cpu: string;
  cores: number;
  memoryGiB: number;
  platform: string;
  date: string;
}

export function environment(): Environment {
  const cpuList = cpus();
  return {
    node: process.version,
    cpu: cpuList[0]?.model.trim() ?? 'unknown',
    cores: cpuList.length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    platform: `${process.platform}-${process.arch}`,
    date: new Date().toISOString(),
  };
}

export type Cell = string | number | boolean | null | undefined;

/** Formats a number for a table: up to 3 decimals for fractions, thousands separators for counts. */
export function formatCell(value: Cell, digits = 3): string {
  if (value === undefined || value === null) return '–';
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (typeof value === 'string') return value;
  if (!Number.isFinite(value)) return String(value);
  if (Number.isInteger(value) && Math.abs(value) >= 1000) return value.toLocaleString('en-US');
  if (Number.isInteger(value)) return String(value);
  const abs = Math.abs(value);
  if (abs >= 100) return value.toFixed(0);
  if (abs >= 10) return value.toFixed(1);
  return value.toFixed(digits);
}

/** A plain-text table with aligned columns. */
export function textTable(headers: readonly string[], rows: ReadonlyArray<readonly Cell[]>): string {
  const cells = [headers.map(String), ...rows.map((row) => row.map((cell) => formatCell(cell)))];
  const widths = headers.map((_, c) => Math.max(...cells.map((row) => (row[c] ?? '').length)));
  return cells
    .map((row, r) => {
      const line = row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ');
      return r === 0 ? `${line}\n${widths.map((w) => '-'.repeat(w)).join('  ')}` : line;
    })
    .join('\n');
}

/** A GitHub-flavoured Markdown table. */
export function markdownTable(headers: readonly string[], rows: ReadonlyArray<readonly Cell[]>): string {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [
    line(headers.map(String)),
    line(headers.map((_, c) => (c === 0 ? '---' : '---:'))),
    ...rows.map((row) => line(row.map((cell) => formatCell(cell)))),
  ].join('\n');
}

export async function writeText(file: string, content: string): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, content.endsWith('\n') ? content : `${content}\n`);
}

/** Seconds since `started` (a performance.now() reading). */
export function secondsSince(started: number): number {
  return (performance.now() - started) / 1000;
}

/** Progress lines go to stderr so that `--json` keeps stdout clean. */
export function log(message: string): void {
  process.stderr.write(`${message}\n`);
}
