// `npm run eval`: quality of every available embedder next to two TF-IDF baselines, on the
// seed articles, SemEval-2022 Task 8 de–pl pairs and OG2021 story clusters, in one run.
//
//   npm run eval                      readable tables; writes benchmarks/results/quality.{json,md}
//   npm run eval -- --json            the same, as one JSON object on stdout
//   npm run eval -- --pairs f.jsonl   only that pair file (SemEval format); likewise --clusters, --seeds
//   npm run eval -- --quick           OG2021 cut to its first 2,000 articles (a smoke run)
//   npm run eval -- --model <id>      also a transformers.js model from ./models (see models/README.md)
//   npm run eval -- --lexical FILE    also the built-in embedder with other settings, from a JSON file
//                                     {"label", "settings": Partial<FeatureSettings>, "threshold"} (e.g. the
//                                     values shipped before `npm run train`: benchmarks/settings/swept-v3.json)

import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

import {
  DEFAULT_CLUSTERS_FILE,
  DEFAULT_PAIRS_FILE,
  DEFAULT_SEEDS_DIR,
  datasetName,
  loadClusters,
  loadPairs,
  loadSeeds,
  type ClusterSet,
  type EvalArticle,
} from './lib/data.js';
import { isSparseVector, LexicalEmbedder, MAX_NON_ZEROS } from '../src/index.js';
import type { FeatureSettings } from '../src/embed/lexical/features.js';
import { availableEmbedders } from './lib/embedders.js';
import { evaluateClusters, evaluatePairs, evaluateSeeds, type Metrics } from './lib/quality.js';
import { environment, log, markdownTable, secondsSince, textTable, writeText, type Cell } from './lib/report.js';
import { charTfidfBaseline, wordTfidfBaseline } from './lib/baselines.js';
import { librarySystem, rerankSystem } from './lib/library-system.js';
import { TIME_WINDOW_DAYS, type EvalSystem } from './lib/systems.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const RESULTS_DIR = join(here, 'results');

const { values: args } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    quick: { type: 'boolean', default: false },
    pairs: { type: 'string', multiple: true },
    clusters: { type: 'string', multiple: true },
    seeds: { type: 'string' },
    model: { type: 'string', multiple: true },
    lexical: { type: 'string', multiple: true },
    out: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});

if (args.help) {
  process.stdout.write(
    [
      'usage: npm run eval -- [--json] [--quick] [--seeds DIR] [--pairs FILE]... [--clusters FILE]... [--model ID]... [--out FILE]',
      'Without --seeds/--pairs/--clusters, all default datasets in ../shared are evaluated and the',
      'results are written to benchmarks/results/quality.json and quality.md (or --out).',
    ].join('\n') + '\n',
  );
  process.exit(0);
}

const QUICK_ARTICLES = 2_000;
const custom = args.seeds !== undefined || args.pairs !== undefined || args.clusters !== undefined;
const seedsDir = args.seeds ?? (custom ? undefined : DEFAULT_SEEDS_DIR);
const pairFiles = args.pairs ?? (custom ? [] : [DEFAULT_PAIRS_FILE]);
const clusterFiles = args.clusters ?? (custom ? [] : [DEFAULT_CLUSTERS_FILE]);
const pairName = (file: string) => (resolve(file) === DEFAULT_PAIRS_FILE ? 'semeval-de-pl' : datasetName(file));
const clusterName = (file: string) => (resolve(file) === DEFAULT_CLUSTERS_FILE ? 'og2021' : datasetName(file));

const started = performance.now();
const { embedders, skipped } = await availableEmbedders(args.model ?? []);
const variants = await Promise.all((args.lexical ?? []).map(lexicalVariant));
const variantSystems = variants.map((variant) => librarySystem(variant.embedder, { id: variant.label, similarityThreshold: variant.threshold }));
const systems: EvalSystem[] = [
  ...embedders.map((embedder) => librarySystem(embedder)),
  ...variantSystems,
  wordTfidfBaseline(),
  charTfidfBaseline(),
];
// The second stage (src/rerank) re-scores pairs and retrieval candidates; it is fitted for
// the built-in embedder's evidence, so it is evaluated on pair files with that one only.
const pairSystems: EvalSystem[] = [
  ...embedders.map((embedder) => librarySystem(embedder)),
  ...embedders.filter((embedder) => embedder.vectorKind === 'sparse').map(rerankSystem),
  ...variantSystems,
  wordTfidfBaseline(),
  charTfidfBaseline(),
];
for (const [id, why] of Object.entries(skipped)) log(`skipping ${id}: ${why}`);

/** The built-in embedder with the settings and threshold of a JSON file (see --lexical). */
async function lexicalVariant(file: string): Promise<{ label: string; embedder: LexicalEmbedder; threshold: number }> {
  const spec = JSON.parse(await readFile(file, 'utf8')) as { label: string; settings: Partial<FeatureSettings>; threshold: number };
  return { label: spec.label, embedder: await LexicalEmbedder.create({ settings: spec.settings }), threshold: spec.threshold };
}

const datasets: Record<string, Record<string, Metrics>> = {};
const notes: Record<string, string> = {};
// Every evaluated article, to measure how many non-zeros sparse embedders' vectors hold.
const evaluatedArticles: EvalArticle[] = [];

async function runAll(name: string, evaluate: (system: EvalSystem) => Promise<Metrics>, among: readonly EvalSystem[] = systems): Promise<void> {
  datasets[name] = {};
  for (const system of among) {
    const t = performance.now();
    log(`${name}: ${system.id} …`);
    datasets[name]![system.id] = await evaluate(system);
    log(`${name}: ${system.id} done in ${secondsSince(t).toFixed(1)} s`);
  }
}

if (seedsDir) {
  const seeds = await loadSeeds(seedsDir);
  evaluatedArticles.push(...seeds.articles);
  await runAll('seeds', (system) => evaluateSeeds(system, seeds));
  notes.seeds = `${seeds.articles.length} seed articles, gold clusters from LABELS.json; margin = sim(${seeds.duplicatePair.join(', ')}) minus the highest similarity of either to another seed`;
}

for (const file of pairFiles) {
  const { pairs, skipped: missing } = await loadPairs(file);
  for (const pair of pairs) evaluatedArticles.push(pair.first, pair.second);
  const name = pairName(file);
  await runAll(name, (system) => evaluatePairs(system, pairs), pairSystems);
  notes[name] = `${pairs.length} pairs (${missing} with missing_text skipped); Pearson/Spearman vs sts22_style_score; retrieval: pairs with score_overall <= 2 rank all second-side texts of the file`;
}

for (const file of clusterFiles) {
  let set: ClusterSet = await loadClusters(file);
  if (args.quick && set.articles.length > QUICK_ARTICLES) {
    set = { articles: set.articles.slice(0, QUICK_ARTICLES), gold: set.gold.slice(0, QUICK_ARTICLES) };
  }
  evaluatedArticles.push(...set.articles);
  const name = clusterName(file);
  await runAll(name, (system) => evaluateClusters(system, set, true));
  await runAll(`${name}-no-dates`, (system) => evaluateClusters(system, set, false));
  const what = `${set.articles.length} articles${args.quick ? ' (--quick subset)' : ''}`;
  notes[name] = `${what}, with publication dates (stories span at most ${TIME_WINDOW_DAYS} days); baselines at the best threshold of a sweep on this data, library embedders at their shipped defaults${variants.length > 0 ? ' (--lexical rows at their file\'s threshold)' : ''}`;
  notes[`${name}-no-dates`] = `${what}, dates withheld`;
}

// The built-in embedder keeps at most MAX_NON_ZEROS entries per vector: how many of the
// evaluated articles it cut (none means the cap cost nothing on these sets).
const nonZeros: Record<string, { articles: number; mean: number; max: number; at_cap: number; cap: number }> = {};
for (const embedder of embedders) {
  if (embedder.vectorKind !== 'sparse') continue;
  const vectors = await embedder.embed(evaluatedArticles.map((a) => ({ text: a.text, ...(a.title ? { title: a.title } : {}), ...(a.lang ? { lang: a.lang } : {}) })));
  const counts = vectors.map((v) => (isSparseVector(v) ? v.indices.length : v.length));
  nonZeros[embedder.id] = {
    articles: counts.length,
    mean: counts.reduce((sum, n) => sum + n, 0) / Math.max(1, counts.length),
    max: Math.max(0, ...counts),
    at_cap: counts.filter((n) => n >= MAX_NON_ZEROS).length,
    cap: MAX_NON_ZEROS,
  };
}

for (const embedder of [...embedders, ...variants.map((variant) => variant.embedder)]) await embedder.dispose?.();

const result = {
  datasets,
  vector_non_zeros: nonZeros,
  environment: environment(),
  notes,
  skipped_systems: skipped,
  total_seconds: secondsSince(started),
};

// ---------------------------------------------------------------- output

const COLUMNS: Record<string, Array<[string, string]>> = {
  seeds: [
    ['exact_match', 'exact match'],
    ['margin', 'margin'],
    ['duplicate_similarity', 'sim 000–001'],
    ['strongest_other_similarity', 'best other sim'],
    ['threshold', 'threshold'],
  ],
  pairs: [
    ['pearson', 'Pearson r'],
    ['spearman', 'Spearman ρ'],
    ['recall_at_1', 'Recall@1'],
    ['mrr', 'MRR'],
  ],
  clusters: [
    ['bcubed_precision', 'B³ P'],
    ['bcubed_recall', 'B³ R'],
    ['bcubed_f1', 'B³ F1'],
    ['multilingual_bcubed_f1', 'multilingual B³ F1'],
    ['clusters', 'clusters'],
    ['threshold', 'threshold'],
    ['seconds', 'seconds'],
  ],
};

function columnsFor(metrics: Metrics): Array<[string, string]> {
  if ('exact_match' in metrics) return COLUMNS.seeds!;
  if ('pearson' in metrics) return COLUMNS.pairs!;
  return COLUMNS.clusters!;
}

function tables(format: typeof textTable): string {
  const parts: string[] = [];
  for (const [name, bySystem] of Object.entries(datasets)) {
    const first = Object.values(bySystem)[0];
    if (!first) continue;
    const columns = columnsFor(first);
    const rows: Cell[][] = Object.entries(bySystem).map(([system, metrics]) => [system, ...columns.map(([key]) => metrics[key] as Cell)]);
    parts.push(`${format === markdownTable ? `**${name}**` : `== ${name}`}: ${notes[name] ?? ''}\n\n${format(['system', ...columns.map(([, label]) => label)], rows)}`);
  }
  for (const [id, n] of Object.entries(nonZeros)) {
    parts.push(`Non-zero entries per vector, ${id}, over all ${n.articles} evaluated articles: mean ${n.mean.toFixed(1)}, max ${n.max}; ${n.at_cap} at the cap of ${n.cap}.`);
  }
  return parts.join('\n\n');
}

const env = result.environment;
const machine = `${env.cpu}, ${env.cores} cores, ${env.memoryGiB} GiB, Node ${env.node}, ${env.date.slice(0, 10)}`;
if (args.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
else process.stdout.write(`${tables(textTable)}\n\nmachine: ${machine}; total ${result.total_seconds.toFixed(1)} s\n`);

const outFile = args.out ?? (custom || args.quick ? undefined : join(RESULTS_DIR, 'quality.json'));
if (outFile) {
  await writeText(outFile, JSON.stringify(result, null, 2));
  const command = ['npm run eval', ...(process.argv.length > 2 ? ['--', ...process.argv.slice(2)] : [])].join(' ');
  await writeText(outFile.replace(/\.json$/, '') + '.md', `${tables(markdownTable)}\n\nMeasured with \`${command}\` on ${machine}.\n`);
  log(`wrote ${outFile} and its .md table`);
} else {
  log('custom or --quick run: results not written (pass --out FILE to write them)');
}
