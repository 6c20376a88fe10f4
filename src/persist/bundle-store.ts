// Where bundles live inside a save folder, and the one atomic switch between them.
//
// A save folder holds complete bundles in `bundle-<n>` subfolders and a small `CURRENT`
// file naming the one to load, with the SHA-256 of its manifest (so a damaged manifest
// is caught before anything in it is believed). A save fills a fresh `.tmp-*` folder, renames it to the
// next `bundle-<n>`, then replaces CURRENT by rename; only then are older bundles
// removed. A crash before the CURRENT rename leaves the old bundle current and untouched;
// one after it leaves the new bundle current. Leftovers of a killed save are cleared by
// the next save. One writer per folder at a time (a second process saving into the same
// folder concurrently would clear the first one's temp folder).

import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { BundleError } from '../errors.js';
import { fsyncDirectory, writeFileDurably } from './durable-files.js';

/** Name of the pointer file inside a save folder. */
export const CURRENT_FILE = 'CURRENT';

const BUNDLE_NAME = /^bundle-(\d{1,15})$/;
const CURRENT_LINE = /^(bundle-\d{1,15}) ([0-9a-f]{64})\n$/;
const TEMP_PREFIX = '.tmp-';
const CURRENT_TEMP_PREFIX = '.CURRENT-';

/** Where the current bundle lies and the checksum its manifest must have. */
export interface CurrentBundle {
  dir: string;
  manifestSha256: string;
}

/**
 * Writes a new bundle into `dir` (created when missing) and makes it current. `fill`
 * writes the bundle's files into the empty folder it is given, fsyncing each one, and
 * returns the SHA-256 of the manifest it wrote.
 */
export async function commitBundle(dir: string, fill: (bundleDir: string) => Promise<string>): Promise<string> {
  await mkdir(dir, { recursive: true });
  const temp = path.join(dir, `${TEMP_PREFIX}${process.pid}-${randomBytes(6).toString('hex')}`);
  await mkdir(temp);
  let bundleName: string;
  let manifestSha256: string;
  try {
    manifestSha256 = await fill(temp);
    await fsyncDirectory(temp);
    bundleName = `bundle-${(await highestBundleNumber(dir)) + 1}`;
    await rename(temp, path.join(dir, bundleName));
  } catch (error) {
    await rm(temp, { recursive: true, force: true }).catch(() => {});
    throw error;
  }
  await fsyncDirectory(dir);
  const pointerTemp = path.join(dir, `${CURRENT_TEMP_PREFIX}${randomBytes(6).toString('hex')}.tmp`);
  await writeFileDurably(pointerTemp, `${bundleName} ${manifestSha256}\n`);
  await rename(pointerTemp, path.join(dir, CURRENT_FILE));
  await fsyncDirectory(dir);
  await removeAllBut(dir, bundleName);
  return path.join(dir, bundleName);
}

/** The bundle CURRENT names. Throws BundleError when there is none. */
export async function currentBundle(dir: string): Promise<CurrentBundle> {
  const pointer = path.join(dir, CURRENT_FILE);
  let text: string;
  try {
    text = await readFile(pointer, 'utf8');
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    throw new BundleError(
      pointer,
      missing ? 'no saved detector here (CURRENT is missing); save one with detector.save(dir) first' : 'CURRENT cannot be read',
      { cause: error },
    );
  }
  const match = CURRENT_LINE.exec(text);
  if (!match) {
    throw new BundleError(
      pointer,
      `CURRENT must hold a bundle folder name and its manifest checksum ('bundle-1 <sha256>'), got ${JSON.stringify(text.slice(0, 40))}`,
    );
  }
  return { dir: path.join(dir, match[1]!), manifestSha256: match[2]! };
}

async function highestBundleNumber(dir: string): Promise<number> {
  let highest = 0;
  for (const name of await readdir(dir)) {
    const match = BUNDLE_NAME.exec(name);
    if (match) highest = Math.max(highest, Number(match[1]));
  }
  return highest;
}

// Best effort: a leftover costs disk space, never correctness, so failures are ignored.
async function removeAllBut(dir: string, keep: string): Promise<void> {
  const names = await readdir(dir).catch(() => [] as string[]);
  await Promise.all(
    names
      .filter((name) => name !== keep && (BUNDLE_NAME.test(name) || name.startsWith(TEMP_PREFIX) || name.startsWith(CURRENT_TEMP_PREFIX)))
      .map((name) => rm(path.join(dir, name), { recursive: true, force: true }).catch(() => {})),
  );
}
