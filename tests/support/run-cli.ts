// Runs the samestory CLI from source (through tsx) the way a user runs the installed one,
// and hands back its exit code and output instead of throwing on a non-zero exit.

import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const cliBin = join(import.meta.dirname, '../../src/cli/bin.ts');
export const tsxBin = join(import.meta.dirname, '../../node_modules/.bin/tsx');

export async function samestory(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(tsxBin, [cliBin, ...args], { env: { ...process.env, FORCE_COLOR: '0' } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}
