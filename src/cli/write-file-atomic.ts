// Writes an output file so that a reader never sees half of it: a temporary file beside the
// target, fsynced, then renamed over it.

import { randomBytes } from 'node:crypto';
import { rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { OutputError } from '../errors.js';
import { fsyncDirectory, writeFileDurably } from '../persist/durable-files.js';

/** @throws OutputError when the folder is missing or not writable */
export async function writeFileAtomic(file: string, text: string): Promise<void> {
  const dir = dirname(file);
  const temp = join(dir, `.${basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await writeFileDurably(temp, text);
    await rename(temp, file);
    await fsyncDirectory(dir);
  } catch (error) {
    await rm(temp, { force: true }).catch(() => undefined);
    throw new OutputError(file, `cannot write: ${(error as Error).message}`, { cause: error });
  }
}
