// A one-line progress bar on stderr, drawn only for a person at a terminal.

import type { Progress } from '../progress.js';

export interface ProgressBar {
  update(progress: Progress): void;
  /** Erases the bar so that a message can be written on its line; the next update redraws it. */
  clear(): void;
  done(): void;
}

const SILENT: ProgressBar = { update() {}, clear() {}, done() {} };

export function createProgressBar(stream: NodeJS.WriteStream, quiet: boolean): ProgressBar {
  if (quiet || !stream.isTTY) return SILENT;
  const started = Date.now();
  let lastDraw = 0;
  let drawn = false;
  return {
    update(progress) {
      const now = Date.now();
      if (now - lastDraw < 100 && progress.done !== progress.total) return;
      lastDraw = now;
      const width = Math.max(10, Math.min(40, (stream.columns ?? 80) - 50));
      const filled = Math.round(progress.percent * width);
      const rate = progress.done / Math.max(0.001, (now - started) / 1000);
      const count = progress.total > 0 ? `${progress.done}/${progress.total}` : `${progress.done}`;
      const bar = progress.total > 0 ? `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ` : '';
      stream.write(`\r${progress.stage} ${bar}${count} (${rate.toFixed(0)}/s)\u001b[K`);
      drawn = true;
    },
    clear() {
      if (drawn) stream.write('\r\u001b[K');
      drawn = false;
    },
    done() {
      if (drawn) stream.write('\r\u001b[K');
    },
  };
}
