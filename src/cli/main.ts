// The samestory command line: `samestory cluster <paths...>` groups a folder of articles
// into stories.

import { parseArgs } from 'node:util';
import { StoryDetector } from '../detector.js';
import type { Embedder } from '../embed/embedder.js';
import { CachedEmbedder } from '../embed/cached-embedder.js';
import { createEmbedder } from '../embed/create-embedder.js';
import { isSamestoryError, InvalidOptionsError } from '../errors.js';
import { calibrateOnPairs, formatCalibration } from './calibrate-command.js';
import { clusterReport, formatClusterTable } from './format.js';
import { createProgressBar } from './progress-bar.js';
import { readArticles } from './read-articles.js';

const HELP = `samestory: find the same news story across languages

Usage:
  samestory cluster <paths...> [options]   group articles (files or folders) into stories
  samestory calibrate <pairs.jsonl> [options]
                                           precision/recall per threshold on labelled pairs,
                                           overall and per language pair, and a suggested threshold
  samestory --help | --version

Inputs: .txt/.md (first non-empty line is the title; id = file name), .json (an article
object or an array of them), .jsonl (one article per line). Folders are read recursively.
Article fields: id, text, title, lang, publishedAt (or date), url, source.
Files are read as UTF-8 (invalid bytes become U+FFFD). Binary files in a folder, JSONL lines
that are not JSON, invalid articles and repeated ids are skipped with a warning on stderr.

Options:
  --json                  print JSON instead of a table
  --embedder <name>       lexical (built-in, no download; default) or transformers
  --model <id>            transformers model id (default Xenova/multilingual-e5-small)
  --models-dir <dir>      where local models live (default ./models)
  --allow-remote          let transformers.js download a missing model from the Hugging Face hub
  --dtype <fp32|q8>       transformers weights (default q8)
  --threshold <x>         similarity at which articles join a story (default: the embedder's calibrated value)
  --time-window-days <n>  largest time span of one story for dated articles (default 2)
  --index <auto|exact|hnsw>  nearest-neighbour index (default auto)
  --cache-dir <dir>       keep article vectors in <dir> (created when missing): a later run
                          over the same articles with the same embedder embeds nothing again
  --quiet                 no progress bar or warnings on stderr
  --min-precision <p>     calibrate: suggest the lowest threshold reaching this precision
                          (default: the threshold of maximum F1)

Pair files for calibrate: JSONL with lang1, title1, text1, lang2, title2, text2 and either
score_overall (SemEval-2022 Task 8: 1-4, 1 = same story; <= 2 counts as same) or same_story.
`;

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(HELP);
    return command === undefined ? 2 : 0;
  }
  if (command === '--version' || command === '-v') {
    process.stdout.write(`${await packageVersion()}\n`);
    return 0;
  }
  if (command !== 'cluster' && command !== 'calibrate') {
    process.stderr.write(`samestory: unknown command '${command}'\n\n${HELP}`);
    return 2;
  }
  let parsed;
  try {
    parsed = parseArgs({
      args: rest,
      allowPositionals: true,
      options: {
        json: { type: 'boolean', default: false },
        embedder: { type: 'string', default: 'lexical' },
        model: { type: 'string' },
        'models-dir': { type: 'string' },
        'allow-remote': { type: 'boolean', default: false },
        dtype: { type: 'string' },
        threshold: { type: 'string' },
        'time-window-days': { type: 'string' },
        index: { type: 'string', default: 'auto' },
        'cache-dir': { type: 'string' },
        quiet: { type: 'boolean', default: false },
        'min-precision': { type: 'string' },
      },
    });
  } catch (error) {
    process.stderr.write(`samestory: ${(error as Error).message}\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (positionals.length === 0) {
    process.stderr.write(`samestory ${command}: give at least one ${command === 'cluster' ? 'file or folder of articles' : 'pair file'}\n`);
    return 2;
  }
  try {
    const baseEmbedder: Embedder = await createEmbedder({
      kind: values.embedder as 'lexical' | 'transformers',
      ...(values.model !== undefined ? { model: values.model } : {}),
      ...(values['models-dir'] !== undefined ? { localModelPath: values['models-dir'] } : {}),
      allowRemoteModels: values['allow-remote'],
      ...(values.dtype !== undefined ? { dtype: values.dtype as 'fp32' | 'q8' } : {}),
    });
    const cache = values['cache-dir'] !== undefined ? await openCache(baseEmbedder, values['cache-dir']) : undefined;
    const embedder: Embedder = cache ?? baseEmbedder;
    if (command === 'calibrate') {
      const minPrecision = values['min-precision'] !== undefined ? numberOption('min-precision', values['min-precision']) : undefined;
      const bar = createProgressBar(process.stderr, values.quiet);
      const report = await calibrateOnPairs(embedder, positionals, { minPrecision, onProgress: (p) => bar.update(p) });
      bar.done();
      process.stdout.write(values.json ? JSON.stringify(report, null, 2) + '\n' : formatCalibration(report) + '\n');
      return 0;
    }
    const detector = await StoryDetector.create({
      embedder,
      index: values.index as 'auto' | 'exact' | 'hnsw',
      // One batch from files: nothing to evict, every story stays active.
      activeWindowDays: Infinity,
      ...(values.threshold !== undefined ? { similarityThreshold: numberOption('threshold', values.threshold) } : {}),
      ...(values['time-window-days'] !== undefined
        ? { timeWindowDays: numberOption('time-window-days', values['time-window-days']) }
        : {}),
    });
    const bar = createProgressBar(process.stderr, values.quiet);
    const articles = readArticles(positionals, {
      skipInvalid: true,
      onWarning: (w) => {
        if (values.quiet) return;
        bar.clear();
        process.stderr.write(`samestory: ${w.path}: ${w.message}\n`);
      },
    });
    await detector.add(articles, { onProgress: (p) => bar.update(p) });
    bar.done();
    const report = clusterReport(embedder, detector.similarityThreshold, detector.size, detector.clusters());
    if (cache) {
      report.cache = { dir: values['cache-dir']!, hits: cache.hits, misses: cache.misses };
      if (!values.quiet) process.stderr.write(`samestory: embedding cache ${values['cache-dir']}: ${cache.hits} reused, ${cache.misses} embedded\n`);
      // Always said, even with --quiet: the next run will not find these vectors.
      if (cache.writeError) process.stderr.write(`samestory: warning: ${cache.writeError.message}\n`);
    }
    process.stdout.write(values.json ? JSON.stringify(report, null, 2) + '\n' : formatClusterTable(report, process.stdout.columns ?? 100) + '\n');
    return 0;
  } catch (error) {
    if (isSamestoryError(error)) {
      process.stderr.write(`samestory: ${error.message} [${error.code}]\n`);
      return 1;
    }
    throw error;
  }
}

// The cache folder is checked here so that a bad --cache-dir is a typed error, not a crash in mkdir.
async function openCache(embedder: Embedder, dir: string): Promise<CachedEmbedder> {
  try {
    return await CachedEmbedder.create(embedder, { dir });
  } catch (error) {
    if (isSamestoryError(error)) throw error;
    throw new InvalidOptionsError('cache-dir', `cannot use '${dir}' as a cache folder: ${(error as Error).message}`);
  }
}

function numberOption(name: string, value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) throw new InvalidOptionsError(name, `must be a number, got '${value}'`);
  return n;
}

async function packageVersion(): Promise<string> {
  const { readFile } = await import('node:fs/promises');
  const { fileURLToPath } = await import('node:url');
  const { dirname, join } = await import('node:path');
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    try {
      return (JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as { version: string }).version;
    } catch {
      dir = dirname(dir);
    }
  }
  return 'unknown';
}
