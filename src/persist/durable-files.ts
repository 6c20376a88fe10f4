// Small file-system steps that make a save survive a crash: files written and fsynced
// before anyone points at them, folders fsynced after a rename, checksums to tell a
// finished file from a torn one.

import { createHash } from 'node:crypto';

import { open } from 'node:fs/promises';

/** Writes `data` to a new file (fails if it exists) and fsyncs it before returning. */
export async function writeFileDurably(file: string, data: Uint8Array | string): Promise<void> {
  const handle = await open(file, 'wx');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Makes renames and new entries in `dir` durable. Some platforms (Windows) cannot open a
 * folder for fsync; there the rename is as durable as the OS makes it.
 */
export async function fsyncDirectory(dir: string): Promise<void> {
  let handle;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EISDIR' && code !== 'EPERM' && code !== 'EINVAL') throw error;
  } finally {
    await handle?.close();
  }
}

export function sha256Of(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}

