// Runs file cases through the CLI's reader (readArticles with skipInvalid, as `samestory
// cluster` uses it), alternately as a folder and as a named file, then hands what was read
// to a StoryDetector. The promise checked: each case reads, or skips with a warning, or fails
// with a typed InputError; and everything the reader lets through is accepted by add().

import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Article } from '../../src/article.js';
import { readArticles, type ReadWarning } from '../../src/cli/read-articles.js';
import { StoryDetector } from '../../src/detector.js';
import { WordHashEmbedder } from '../support/word-hash-embedder.js';
import type { FileCase } from './file-cases.js';
import { FuzzTally, outcomeOfError, type Outcome } from './fuzz-tally.js';

/** The reason of a reader warning, without file names and details. */
export function warningReason(warning: ReadWarning): string {
  const code = /\[([A-Z_]+)\]$/.exec(warning.message)?.[1];
  if (code) return code;
  if (/not valid JSON/.test(warning.message)) return 'broken JSON';
  if (/binary/.test(warning.message)) return 'binary file';
  if (/without article fields/.test(warning.message)) return 'JSON without article fields';
  if (/cannot be read/.test(warning.message)) return 'unreadable file';
  return warning.message.slice(0, 40);
}

export async function runFileFuzz(suite: string, cases: readonly FileCase[]): Promise<FuzzTally> {
  const tally = new FuzzTally(suite);
  const root = await mkdtemp(join(tmpdir(), 'samestory-file-fuzz-'));
  const embedder = new WordHashEmbedder();
  try {
    for (const [index, fileCase] of cases.entries()) {
      const dir = join(root, `case-${index}`);
      await mkdir(dir);
      for (const file of fileCase.files) {
        await mkdir(dirname(join(dir, file.name)), { recursive: true });
        await writeFile(join(dir, file.name), file.content);
      }
      // Odd cases name their one file, so both rules (folder: skip; named: reject) are run.
      const named = index % 2 === 1 && fileCase.files.length === 1;
      const path = named ? join(dir, fileCase.files[0]!.name) : dir;
      const name = `${fileCase.name} (${named ? 'named file' : 'folder'})`;
      const warnings: ReadWarning[] = [];
      const articles: Article[] = [];
      let outcome: Outcome;
      const started = performance.now();
      try {
        for await (const article of readArticles([path], { skipInvalid: true, onWarning: (w) => warnings.push(w) })) articles.push(article);
        outcome =
          warnings.length === 0
            ? { kind: 'accepted' }
            : { kind: 'skipped', reason: articles.length > 0 ? 'part of the input, with warnings' : 'all of the input, with warnings' };
      } catch (error) {
        outcome = outcomeOfError(error);
        if (outcome.kind === 'rejected' && outcome.code !== 'INPUT_UNREADABLE') {
          outcome = { kind: 'failure', detail: `the reader threw ${outcome.code}, only INPUT_UNREADABLE is expected` };
        }
      }
      tally.record(name, outcome, performance.now() - started);
      tally.count('records read', articles.length);
      for (const warning of warnings) {
        tally.count(`warning: ${warningReason(warning)}`);
        if (!warning.message.trim() || !warning.path) tally.fail(name, 'a warning without message or path');
      }
      if (warnings.length > 200) tally.fail(name, `${warnings.length} warnings for one case: stderr would be flooded`);
      if (articles.length > 0) {
        // No active window: the files' dates must not archive what the reader let through.
        const detector = await StoryDetector.create({ embedder, index: 'exact', activeWindowDays: Infinity });
        try {
          await detector.add(articles);
          if (detector.size !== articles.length) tally.fail(name, `detector holds ${detector.size} of ${articles.length} articles`);
        } catch (error) {
          tally.fail(name, `add() rejected what the reader let through: ${(error as Error).message}`);
        }
      }
      await rm(dir, { recursive: true, force: true });
    }
  } finally {
    await rm(root, { recursive: true, force: true });
  }
  return tally.finish();
}
