// Where the build reads its raw sources from, and a check that the Debian packages are there
// (installing them when the build runs as root, failing with the command to run otherwise).

import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The project's shared data folder (frequency lists, OMW wordnets), beside the repository. */
export const SHARED_LEXICAL = process.env.SAMESTORY_SHARED_LEXICAL ?? resolve(REPO_ROOT, '..', 'shared', 'lexical');
export const LEXICON_DIR = resolve(REPO_ROOT, 'lexicon');
export const DICTD_DIR = '/usr/share/dictd';

/**
 * WikDict dictionaries (CC-BY-SA-3.0 according to each package's copyright file). The GPL
 * FreeDict dictionaries (deu-eng, eng-deu, eng-pol, fra-eng, ...) are deliberately absent.
 * Polish is the hub: WikDict has pol-X for every language we want, while X-eng mostly is GPL.
 */
export const WIKDICT_PAIRS = [
  'pol-eng',
  'pol-deu',
  'deu-pol',
  'pol-fra',
  'fra-pol',
  'pol-spa',
  'pol-ita',
  'ita-pol',
  'pol-por',
  'pol-rus',
] as const;

export const APT_PACKAGES = [
  'hunspell',
  'hunspell-pl',
  'wordnet-base',
  ...WIKDICT_PAIRS.map((pair) => `dict-freedict-${pair}`),
];

function packageInstalled(name: string): boolean {
  try {
    const status = execFileSync('dpkg-query', ['-W', '-f=${Status}', name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    return status.includes('install ok installed');
  } catch {
    return false;
  }
}

/** Installs missing Debian packages (as root) or throws with the command a person should run. */
export function ensureAptPackages(): void {
  const missing = APT_PACKAGES.filter((name) => !packageInstalled(name));
  if (missing.length === 0) return;
  const command = `apt-get install -y ${missing.join(' ')}`;
  if (process.getuid?.() !== 0) {
    throw new Error(`missing Debian packages: ${missing.join(', ')}; run as root: ${command}`);
  }
  console.log(`installing ${missing.join(' ')}`);
  execFileSync('sh', ['-c', `apt-get update -qq && DEBIAN_FRONTEND=noninteractive ${command}`], { stdio: 'inherit' });
}

export function dictdPaths(pair: string): { index: string; dict: string } {
  const base = resolve(DICTD_DIR, `freedict-${pair}`);
  return { index: `${base}.index`, dict: `${base}.dict.dz` };
}

export function requireFile(path: string, hint: string): string {
  if (!existsSync(path)) throw new Error(`${path} not found: ${hint}`);
  return path;
}
