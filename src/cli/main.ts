// The samestory command line: `samestory cluster <paths...>` groups a folder of articles into
// stories; `ingest` and `stories` add to and read a feed shared through PostgreSQL;
// `calibrate` scores labelled pairs; `fetch-model` downloads a transformers model.
//
// Exit codes: 0 success, 1 a SamestoryError (message and code on stderr), 2 usage.

import { StoryDetector } from '../detector.js';
import type { DetectorIndexChoice } from '../detector-options.js';
import type { Embedder } from '../embed/embedder.js';
import { CachedEmbedder } from '../embed/cached-embedder.js';
import { createEmbedder } from '../embed/create-embedder.js';
import { DEFAULT_MODEL, MODEL_CATALOG } from '../embed/model-catalog.js';
import { fetchTransformersModel } from '../embed/transformers-embedder.js';
import { InputError, InvalidOptionsError, isSamestoryError } from '../errors.js';
import { ingestCommand, storiesCommand, workCommand } from './feed-commands.js';
import { describeOptions, parseCommandArgs, UsageError, type OptionTable, type ParsedArgs } from './args.js';
import { calibrateOnPairs, formatCalibration } from './calibrate-command.js';
import { clusterReport, formatClusterTable } from './format.js';
import { createProgressBar } from './progress-bar.js';
import { renderHtmlReport } from './html-report.js';
import { readArticles } from './read-articles.js';
import { MAX_EXPLAINED_PER_STORY, reportStories } from './report-data.js';
import { MAX_WARNINGS_PER_REASON, SkipReport } from './skip-report.js';
import { writeFileAtomic } from './write-file-atomic.js';

const EMBEDDER_OPTIONS: OptionTable = {
  embedder: { kind: 'choice', choices: ['lexical', 'transformers'], help: 'lexical (built in, no download; the default) or transformers', apiOption: 'embedder' },
  model: { kind: 'string', placeholder: '<id>', help: `transformers model id (default ${DEFAULT_MODEL})`, apiOption: 'model' },
  'models-dir': { kind: 'string', placeholder: '<dir>', help: 'where local models live (default ./models)', apiOption: 'localModelPath' },
  'allow-remote': { kind: 'flag', help: 'let transformers.js download a missing model from the Hugging Face hub' },
  dtype: { kind: 'choice', choices: ['q8', 'fp32'], help: 'transformers weights (default q8)', apiOption: 'dtype' },
  'cache-dir': {
    kind: 'string',
    placeholder: '<dir>',
    help: 'keep article vectors in <dir> (created when missing): a later run\nover the same articles with the same embedder embeds nothing again',
  },
};

const COMMON_OPTIONS: OptionTable = {
  json: { kind: 'flag', help: 'print JSON instead of a table' },
  quiet: { kind: 'flag', help: 'no progress bar and no warnings on stderr (the count of skipped input stays)' },
};

const FEED_OPTIONS: OptionTable = {
  db: { kind: 'string', placeholder: '<postgres-url>', help: 'the PostgreSQL server, e.g. postgres://user@host:5432/news (required)' },
  feed: { kind: 'string', placeholder: '<name>', help: 'name of the shared feed (required)' },
};

const COMMANDS = {
  cluster: {
    usage: 'samestory cluster <paths...> [options]',
    summary: 'group articles (files or folders) into stories',
    details: `Inputs: .txt/.md (first non-empty line is the title; id = file name), .json (an article
object or an array of them), .jsonl (one article per line). Folders are read recursively.
Article fields: id, text, title, lang, publishedAt (or date), url, source.
Files are read as UTF-8 (invalid bytes become U+FFFD). Binary files in a folder, JSONL lines
that are not JSON, invalid articles and repeated ids are skipped: the first ${MAX_WARNINGS_PER_REASON} of each kind
with a warning, then one line counts them by reason ("skipped" in --json). When no article
can be read, the exit code is 1.`,
    options: {
      ...COMMON_OPTIONS,
      ...EMBEDDER_OPTIONS,
      threshold: { kind: 'number', placeholder: '<x>', help: "similarity at which articles join a story, -1 to 1\n(default: the embedder's calibrated value)", apiOption: 'similarityThreshold' },
      'time-window-days': { kind: 'number', placeholder: '<n>', help: 'largest time span of one story for dated articles (default 2)', apiOption: 'timeWindowDays' },
      index: { kind: 'choice', choices: ['auto', 'sparse', 'exact', 'hnsw'], help: 'nearest-neighbour index (default auto: sparse for the built-in embedder)', apiOption: 'index' },
      html: {
        kind: 'string',
        placeholder: '<file>',
        help: `also write the stories as one self-contained HTML page to <file>\n(cards with languages, dates on a timeline and why each article\nbelongs; explains at most ${MAX_EXPLAINED_PER_STORY} members per story)`,
      },
    },
  },
  calibrate: {
    usage: 'samestory calibrate <pairs.jsonl...> [options]',
    summary: 'precision/recall per threshold on labelled pairs, overall and per\nlanguage pair, and a suggested threshold',
    details: `Pair files: JSONL with lang1, title1, text1, lang2, title2, text2 and either
score_overall (SemEval-2022 Task 8: 1-4, 1 = same story; <= 2 counts as same) or same_story.`,
    options: {
      ...COMMON_OPTIONS,
      ...EMBEDDER_OPTIONS,
      'min-precision': {
        kind: 'number',
        placeholder: '<p>',
        help: 'suggest the lowest threshold reaching this precision, 0 to 1\n(default: the threshold of maximum F1)',
        apiOption: 'minPrecision',
      },
    },
  },
  ingest: {
    usage: 'samestory ingest <paths...> --db <postgres-url> --feed <name> [options]',
    summary: 'add articles (files or folders) to a feed shared through PostgreSQL;\nseveral ingests, on any machines, may run at once',
    details: `Inputs as for 'cluster'. Each batch is committed before its stories are decided, so an
ingest killed at any point loses no article it had committed; the next ingest (or any
writer of the feed) decides them. Ids already in the feed are left out and counted, so an
interrupted ingest can simply be run again. The server needs pgvector 0.8 and the optional
peer dependency 'pg' must be installed (npm install pg). Every writer of a feed must use
the same embedder.`,
    options: {
      ...FEED_OPTIONS,
      queue: { kind: 'flag', help: "only enqueue the articles (pg-boss on the same server), for\n'samestory work' processes on any machine to embed and add" },
      json: COMMON_OPTIONS.json!,
      quiet: COMMON_OPTIONS.quiet!,
      ...EMBEDDER_OPTIONS,
    },
  },
  work: {
    usage: 'samestory work --db <postgres-url> --feed <name> [options]',
    summary: "take batches queued by 'samestory ingest --queue', embed them and add\nthem to the shared feed; run one per machine or core",
    details: `Runs until interrupted (Ctrl-C finishes the batch in hand), or with --until-empty until no
batch is waiting. A batch whose worker dies is retried after pg-boss's job expiry; ids the
feed already holds are skipped, so nothing is added twice. Needs the optional peer
dependencies 'pg' and 'pg-boss' (npm install pg pg-boss@10).`,
    options: {
      ...FEED_OPTIONS,
      'until-empty': { kind: 'flag', help: 'stop once no batch is waiting' },
      quiet: COMMON_OPTIONS.quiet!,
      ...EMBEDDER_OPTIONS,
    },
  },
  stories: {
    usage: 'samestory stories --db <postgres-url> --feed <name> [options]',
    summary: 'print the stories of a feed shared through PostgreSQL (does not wait\nfor ingests in progress)',
    details: `--json prints the same shape as 'samestory cluster --json' (clusters[].articles[].id).
Give the embedder options the feed was created with.`,
    options: {
      ...FEED_OPTIONS,
      json: COMMON_OPTIONS.json!,
      ...EMBEDDER_OPTIONS,
    },
  },
  'fetch-model': {
    usage: 'samestory fetch-model <model-id> [options]',
    summary: 'download a transformers model into the models folder (needs internet\nand the optional peer dependency @huggingface/transformers)',
    details: `Known models (others load too; see models/README.md):
${[...MODEL_CATALOG.values()]
  .filter((m) => m.id.includes('/'))
  .map((m) => `  ${m.id}\n      ${m.description}`)
  .join('\n')}
Offline, run it on a machine with internet and copy <models-dir>/<model-id> over.`,
    options: {
      dtype: EMBEDDER_OPTIONS.dtype!,
      'models-dir': { ...EMBEDDER_OPTIONS['models-dir']!, help: 'models folder; files land in <dir>/<model-id> (default ./models)' },
      quiet: { kind: 'flag', help: 'no download progress on stderr' },
    },
  },
} as const satisfies Record<string, { usage: string; summary: string; details: string; options: OptionTable }>;

type Command = keyof typeof COMMANDS;

const HELP = `samestory: find the same news story across languages

Usage:
${Object.values(COMMANDS)
  .map((c) => `  ${c.usage}\n${c.summary.replace(/^/gm, '      ')}`)
  .join('\n')}
  samestory <command> --help               the options of a command
  samestory --help | --version

Exit codes: 0 success, 1 an error (message and code on stderr), 2 usage.
`;

function commandHelp(command: Command): string {
  const { usage, summary, details, options } = COMMANDS[command];
  const withHelp: OptionTable = { ...options, help: { kind: 'flag', help: 'this text (also -h)' } };
  const sentence = summary.charAt(0).toUpperCase() + summary.slice(1).replace(/\n/g, ' ');
  return `Usage: ${usage}\n\n${sentence}.\n\nOptions:\n${describeOptions(withHelp)}\n\n${details}\n`;
}

function isCommand(name: string): name is Command {
  return Object.hasOwn(COMMANDS, name);
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined) {
    process.stderr.write(HELP);
    return 2;
  }
  if (command === '--help' || command === '-h' || command === 'help') {
    const topic = rest[0];
    process.stdout.write(topic !== undefined && isCommand(topic) ? commandHelp(topic) : HELP);
    return 0;
  }
  if (command === '--version' || command === '-v') {
    process.stdout.write(`${await packageVersion()}\n`);
    return 0;
  }
  if (!isCommand(command)) {
    process.stderr.write(`samestory: unknown command '${command}'\n\n${HELP}`);
    return 2;
  }
  let args: ParsedArgs | undefined;
  try {
    args = parseCommandArgs(command, rest, COMMANDS[command].options);
    if (args.help) {
      process.stdout.write(commandHelp(command));
      return 0;
    }
    if (command === 'fetch-model') return await fetchModelCommand(args);
    if (command === 'ingest') return await ingestCommand(args, embedderOf);
    if (command === 'stories') return await storiesCommand(args, embedderOf);
    if (command === 'work') return await workCommand(args, embedderOf);
    return await (command === 'cluster' ? clusterCommand : calibrateCommand)(args);
  } catch (error) {
    const usage = error instanceof UsageError ? error : asUsageError(command, error, args);
    if (usage) {
      process.stderr.write(`${usage.message}\n`);
      return 2;
    }
    if (isSamestoryError(error)) {
      process.stderr.write(`samestory: ${error.message} [${error.code}]\n`);
      return 1;
    }
    throw error;
  }
}

// A value the library rejected for an option that came from a flag: a usage error naming the
// flag as typed (`--threshold`), not the API option (`similarityThreshold`).
function asUsageError(command: Command, error: unknown, args: ParsedArgs | undefined): UsageError | undefined {
  if (!(error instanceof InvalidOptionsError) || args === undefined) return undefined;
  const flag = Object.entries(COMMANDS[command].options).find(([name, spec]) => spec.apiOption === error.option && args.typed.has(name));
  if (flag === undefined) return undefined;
  const detail = error.message.replace(`option '${error.option}': `, '');
  return new UsageError(`samestory ${command}: option '${args.typed.get(flag[0])}': ${detail}; see 'samestory ${command} --help'`);
}

function requirePositionals(command: Command, args: ParsedArgs, what: string): void {
  if (args.positionals.length === 0) throw new UsageError(`samestory ${command}: give at least one ${what}; see 'samestory ${command} --help'`);
}

async function embedderOf(args: ParsedArgs): Promise<{ embedder: Embedder; cache?: CachedEmbedder }> {
  const { values } = args;
  const base = await createEmbedder({
    kind: (values.embedder as 'lexical' | 'transformers' | undefined) ?? 'lexical',
    ...(values.model !== undefined ? { model: values.model as string } : {}),
    ...(values['models-dir'] !== undefined ? { localModelPath: values['models-dir'] as string } : {}),
    allowRemoteModels: values['allow-remote'] === true,
    ...(values.dtype !== undefined ? { dtype: values.dtype as 'fp32' | 'q8' } : {}),
  });
  if (values['cache-dir'] === undefined) return { embedder: base };
  const cache = await openCache(base, values['cache-dir'] as string);
  return { embedder: cache, cache };
}

async function clusterCommand(args: ParsedArgs): Promise<number> {
  requirePositionals('cluster', args, 'file or folder of articles');
  const { values, positionals } = args;
  const quiet = values.quiet === true;
  const { embedder, cache } = await embedderOf(args);
  const detector = await StoryDetector.create({
    embedder,
    ...(values.index !== undefined ? { index: values.index as DetectorIndexChoice } : {}),
    // One batch from files: nothing to evict, every story stays active.
    activeWindowDays: Infinity,
    ...(values.threshold !== undefined ? { similarityThreshold: values.threshold as number } : {}),
    ...(values['time-window-days'] !== undefined ? { timeWindowDays: values['time-window-days'] as number } : {}),
  });
  const bar = createProgressBar(process.stderr, quiet);
  const warn = (line: string) => {
    bar.clear();
    process.stderr.write(`samestory: ${line}\n`);
  };
  const skipped = new SkipReport(warn, quiet);
  const articles = readArticles(positionals, { skipInvalid: true, onWarning: (w) => skipped.add(w) });
  try {
    await detector.add(articles, { onProgress: (p) => bar.update(p) });
  } finally {
    bar.done();
  }
  // Said even with --quiet: a run that silently dropped input would look complete.
  const summary = skipped.summaryLine();
  if (summary !== undefined) warn(summary);
  if (detector.size === 0) {
    throw new InputError(positionals.join(', '), summary === undefined ? 'no article found (looked for .txt, .md, .json and .jsonl files)' : 'no article could be read');
  }
  const stories = detector.clusters();
  const report = clusterReport(embedder, detector.similarityThreshold, detector.size, stories, skipped.toJSON());
  if (values.html !== undefined) {
    const html = renderHtmlReport({
      stories: await reportStories(detector, stories),
      embedder: report.embedder,
      threshold: report.threshold,
      articles: report.articles,
      maxExplainedPerStory: MAX_EXPLAINED_PER_STORY,
    });
    await writeFileAtomic(values.html as string, html);
    if (!quiet) warn(`report written to ${values.html as string}`);
  }
  if (cache) {
    report.cache = { dir: values['cache-dir'] as string, hits: cache.hits, misses: cache.misses };
    if (!quiet) warn(`embedding cache ${values['cache-dir'] as string}: ${cache.hits} reused, ${cache.misses} embedded`);
    // Always said, even with --quiet: the next run will not find these vectors.
    if (cache.writeError) warn(`warning: ${cache.writeError.message}`);
  }
  process.stdout.write(values.json ? JSON.stringify(report, null, 2) + '\n' : formatClusterTable(report, process.stdout.columns ?? 100) + '\n');
  return 0;
}

async function calibrateCommand(args: ParsedArgs): Promise<number> {
  requirePositionals('calibrate', args, 'pair file');
  const { values, positionals } = args;
  const { embedder } = await embedderOf(args);
  const bar = createProgressBar(process.stderr, values.quiet === true);
  const minPrecision = values['min-precision'] as number | undefined;
  let report;
  try {
    report = await calibrateOnPairs(embedder, positionals, { minPrecision, onProgress: (p) => bar.update(p) });
  } finally {
    bar.done();
  }
  if (report.pairs === 0) throw new InputError(positionals.join(', '), `no labelled pair could be read (${report.skipped} skipped)`);
  process.stdout.write(values.json ? JSON.stringify(report, null, 2) + '\n' : formatCalibration(report) + '\n');
  return 0;
}

async function fetchModelCommand(args: ParsedArgs): Promise<number> {
  const { values, positionals } = args;
  if (positionals.length !== 1) {
    throw new UsageError(`samestory fetch-model: give one model id, e.g. ${DEFAULT_MODEL}; see 'samestory fetch-model --help'`);
  }
  let lastReport = 0;
  const result = await fetchTransformersModel({
    model: positionals[0]!,
    ...(values.dtype !== undefined ? { dtype: values.dtype as 'fp32' | 'q8' } : {}),
    ...(values['models-dir'] !== undefined ? { localModelPath: values['models-dir'] as string } : {}),
    onProgress: (file, percent) => {
      if (values.quiet === true || Date.now() - lastReport < 2000) return;
      lastReport = Date.now();
      process.stderr.write(`samestory: ${file}: ${percent.toFixed(0)}%\n`);
    },
  });
  const size = `${result.modelFile}, ${(result.bytes / 1e6).toFixed(result.bytes < 1e6 ? 2 : 0)} MB`;
  process.stdout.write(result.alreadyPresent ? `already there: ${result.folder} (${size}); nothing downloaded\n` : `fetched into ${result.folder} (${size})\n`);
  return 0;
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
