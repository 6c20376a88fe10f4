#!/usr/bin/env node
// Entry point of the `samestory` executable.

import { main } from './main.js';

// A reader that stops early (`samestory cluster … --json | head`) closes the pipe: end quietly
// with status 0, as Unix tools do, instead of dying on an EPIPE stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
    throw error;
  });
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`samestory: unexpected error: ${(error as Error)?.stack ?? String(error)}\n`);
    process.exitCode = 70;
  },
);
