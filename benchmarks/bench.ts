// `npm run bench`: speed of the library's stages on this machine, each next to a reference
// measured in the same run (raw onnxruntime, exact search, the TF-IDF baseline pipeline).
//
//   npm run bench                 readable tables; writes benchmarks/results/bench.{json,md}
//   npm run bench -- --json       the same, as one JSON object on stdout
//   npm run bench -- --quick      smaller sizes (a smoke run; results not written)
//   npm run bench -- --full       adds the 100k-vector dense index at 4,096 dimensions and 1M articles to the ingest growth
//
// Each section runs in its own Node process (started with --expose-gc), so memory figures
// and peaks belong to that section alone.

import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

import { clusterStories, defaultEmbedder } from '../src/index.js';
import { benchClustering, benchEndToEnd, type ClusterRow, type EndToEndRow } from './lib/bench-cluster.js';
import { benchLexical, benchTransformers, benchmarkArticles, type ThroughputRow } from './lib/bench-embed.js';
import { benchIndex, recallAt10, type IndexRow, type IndexRun } from './lib/bench-index.js';
import { benchInstallIfBuilt, INSTALL_HEADERS, installRows } from './lib/bench-install.js';
import { benchSparseIndex, sparseIndexPlan, sparseIndexTable, type SparseIndexReport } from './lib/bench-sparse-index.js';
import { benchLexicalTargets, LEXICAL_TARGETS, type LexicalTargetsResult } from './lib/bench-lexical.js';
import { benchGrowth, benchMatch, benchOgIngest, benchTemplated, type GrowthRow, type IngestRow, type MatchRow, type TemplatedRow } from './lib/bench-detector.js';
import { environment, log, markdownTable, secondsSince, textTable, writeText, type Cell } from './lib/report.js';
import { CANDIDATE_NEIGHBORS, LINKAGE_COHESION, TIME_WINDOW_DAYS } from './lib/systems.js';
import { fitTfidf, sparseNearestNeighbors, SparseSimilarity, wordAnalyzer } from './lib/tfidf.js';
import { editedArticles } from './lib/synthetic.js';
import { bcubed } from './lib/metrics.js';

const here = fileURLToPath(new URL('.', import.meta.url));
/** Issue 11's targets for the detector with the built-in embedder and default options. */
const DETECTOR_TARGETS = { ogArticlesPerSecond: 1_500, ogF1: 0.636, titleKiB: 8, articleKiB: 20, matchMsP50: 5 };
const RESULT_MARK = '@@result ';

const { values: args } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    quick: { type: 'boolean', default: false },
    full: { type: 'boolean', default: false },
    worker: { type: 'string' },
    out: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});

if (args.help) {
  process.stdout.write('usage: npm run bench -- [--json] [--quick | --full] [--out FILE]\n');
  process.exit(0);
}

// ---------------------------------------------------------------- workers (one section each)

type Job =
  | { kind: 'embed'; transformerArticles: number; dtypes: Array<'q8' | 'fp32'>; lexicalSeconds: number }
  | { kind: 'lexical-targets'; seconds: number }
  | { kind: 'index'; index: 'hnsw' | 'exact'; size: number; dimension: number; queries: number; heldOut: number }
  | { kind: 'sparse-index'; quick: boolean }
  | { kind: 'cluster'; count: number; dimension: number }
  | { kind: 'e2e'; count: number }
  | { kind: 'detector-og'; index: 'auto' | 'hnsw' }
  | { kind: 'detector-templated'; count: number; index: 'auto' | 'exact' | 'hnsw'; dimension?: number }
  | { kind: 'detector-match'; count: number; queries: number }
  | { kind: 'detector-growth'; count: number };

async function runJob(job: Job): Promise<unknown> {
  switch (job.kind) {
    case 'embed': {
      const inputs = await benchmarkArticles();
      const lexical = await benchLexical(inputs, job.lexicalSeconds);
      const transformers = [];
      for (const dtype of job.dtypes) transformers.push({ dtype, ...(await benchTransformers(inputs, { dtype, articles: job.transformerArticles, rounds: 2 })) });
      const meanChars = inputs.reduce((sum, input) => sum + input.text.length + (input.title?.length ?? 0), 0) / inputs.length;
      return { articles: inputs.length, mean_chars: meanChars, lexical, transformers };
    }
    case 'lexical-targets':
      return benchLexicalTargets(await benchmarkArticles(), job.seconds);
    case 'index':
      return benchIndex(job.index, job.size, job.dimension, job);
    case 'sparse-index':
      return benchSparseIndex(sparseIndexPlan(job.quick), log);
    case 'cluster': {
      const embedder = await defaultEmbedder();
      return benchClustering(job.count, job.dimension, embedder.sameStoryThreshold ?? 0.5);
    }
    case 'detector-og':
      return benchOgIngest(job.index);
    case 'detector-templated':
      return benchTemplated(job.count, job.index, job.dimension);
    case 'detector-match':
      return benchMatch(job.count, job.queries);
    case 'detector-growth':
      return benchGrowth(job.count);
    case 'e2e': {
      const bases = await benchmarkArticles();
      const library = await benchEndToEnd(bases, job.count);
      return { library, baseline: baselinePipeline(bases, job.count) };
    }
  }
}

/** The word TF-IDF baseline's whole pipeline on the same articles: fit, sparse kNN, clusterStories. */
function baselinePipeline(bases: Parameters<typeof editedArticles>[0], count: number) {
  const { inputs, story } = editedArticles(bases, count);
  // Best of 0.25 / 0.30 / 0.35 / 0.40 on this set with the detector's linkage cohesion
  // (B-cubed 0.62 / 0.94 / 0.99 / 1.00 against the generated stories; 0.25 suited plain
  // average linkage, where cohesion chains the near-duplicate stories of one base text).
  const threshold = 0.4;
  const started = performance.now();
  const { vectors, vocabularySize } = fitTfidf(inputs.map((input) => `${input.title ?? ''}\n${input.text}`), wordAnalyzer);
  const neighbors = sparseNearestNeighbors(vectors, { k: CANDIDATE_NEIGHBORS });
  const pairs = new SparseSimilarity(vectors, vocabularySize);
  const groups = clusterStories(
    { count, neighbors: (i) => neighbors[i]!, similarity: (i, j) => pairs.similarity(i, j) },
    { threshold, timeWindowMs: TIME_WINDOW_DAYS * 86_400_000, cohesion: LINKAGE_COHESION },
  );
  const seconds = secondsSince(started);
  const labels = new Int32Array(count);
  groups.forEach((group, g) => group.forEach((i) => (labels[i] = g)));
  const agreement = bcubed(Array.from(labels), Array.from(story)).f1;
  return { system: 'baseline-word-tfidf', threshold, total_s: seconds, articles_per_s: count / seconds, stories: groups.length, bcubed_f1_vs_generated: agreement };
}

if (args.worker) {
  const result = await runJob(JSON.parse(args.worker) as Job);
  process.stdout.write(`\n${RESULT_MARK}${JSON.stringify(result)}\n`);
  process.exit(0);
}

function inWorker<T>(job: Job): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...process.execArgv, '--expose-gc', fileURLToPath(import.meta.url), '--worker', JSON.stringify(job)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const line = stdout.split('\n').find((l) => l.startsWith(RESULT_MARK));
      if (code !== 0 || !line) reject(new Error(`benchmark worker ${job.kind} exited with ${code}`));
      else resolve(JSON.parse(line.slice(RESULT_MARK.length)) as T);
    });
  });
}

// ---------------------------------------------------------------- the run

const started = performance.now();
// The dense index and clustering rows use synthetic story vectors stored dense, at the
// 4,096 dimensions the built-in embedder had before its vectors became sparse.
const dimension = 4_096;
const TRANSFORMERS_DIMENSION = 384;

const plan = {
  lexicalTargets: { kind: 'lexical-targets', seconds: args.quick ? 0.5 : 3 } as Job,
  embed: { kind: 'embed', transformerArticles: args.quick ? 8 : 16, dtypes: args.full ? ['q8', 'fp32'] : ['q8'], lexicalSeconds: args.quick ? 0.5 : 2 } as Job,
  index: (args.quick
    ? [
        { size: 1_000, dimension, exactQueries: 200 },
        { size: 10_000, dimension: TRANSFORMERS_DIMENSION, exactQueries: 200 },
      ]
    : [
        { size: 1_000, dimension, exactQueries: 1_000 },
        { size: 10_000, dimension, exactQueries: 200 },
        { size: 100_000, dimension: TRANSFORMERS_DIMENSION, exactQueries: 100 },
        ...(args.full ? [{ size: 100_000, dimension, exactQueries: 50 }] : []),
      ]
  ).map(({ size, dimension: d, exactQueries }) => ({ size, dimension: d, exactQueries, heldOut: 1_000 })),
  cluster: (args.quick ? [2_000, 10_000] : [10_000, 30_000, 100_000]).map((count) => ({ kind: 'cluster', count, dimension }) as Job),
  e2e: { kind: 'e2e', count: args.quick ? 2_000 : 10_000 } as Job,
  templated: args.quick ? [2_000] : [2_000, 100_000],
  matchArticles: args.quick ? 10_000 : 100_000,
  growth: args.quick ? [2_000, 10_000] : args.full ? [10_000, 100_000, 1_000_000] : [10_000, 100_000],
};

log('built-in embedder targets …');
const lexicalTargets = await inWorker<LexicalTargetsResult>(plan.lexicalTargets);
log('embedding throughput …');
const embed = await inWorker<{
  articles: number;
  mean_chars: number;
  lexical: ThroughputRow[];
  transformers: Array<{ dtype: string; rows: ThroughputRow[]; tokenizeSeconds: number; overhead: Record<string, number>; minCosine: number; generatedSeconds: number }>;
}>(plan.embed);
const index: IndexRow[] = [];
for (const { size, dimension: d, exactQueries, heldOut } of plan.index) {
  log(`index: ${size} vectors of ${d} dimensions …`);
  const hnsw = await inWorker<IndexRun>({ kind: 'index', index: 'hnsw', size, dimension: d, queries: heldOut, heldOut });
  const exact = await inWorker<IndexRun>({ kind: 'index', index: 'exact', size, dimension: d, queries: exactQueries, heldOut });
  index.push({ ...hnsw.row, recall_at_10: recallAt10(hnsw.answers, exact.answers) }, { ...exact.row, recall_at_10: 1 });
}
const sparseIndex = await inWorker<SparseIndexReport>({ kind: 'sparse-index', quick: args.quick });
const cluster: ClusterRow[] = [];
for (const job of plan.cluster) {
  log(`clustering: ${JSON.stringify(job)} …`);
  cluster.push(await inWorker<ClusterRow>(job));
}
log('end to end …');
const e2e = await inWorker<{ library: EndToEndRow; baseline: ReturnType<typeof baselinePipeline> }>(plan.e2e);
log('package install …');
const install = benchInstallIfBuilt();

// The detector through its public API with default options (the built-in embedder's exact
// sparse index), each beside the dense HNSW path it replaced (`index: 'hnsw'`).
log('detector: OG2021 titles, one add() …');
const ogIngest: IngestRow[] = [];
for (const index of ['auto', 'hnsw'] as const) ogIngest.push(await inWorker<IngestRow>({ kind: 'detector-og', index }));
const templated: TemplatedRow[] = [];
for (const count of plan.templated) {
  log(`detector: templated set, ${count} articles, default options …`);
  templated.push(await inWorker<TemplatedRow>({ kind: 'detector-templated', count, index: 'auto' }));
}
// Brute force and HNSW (the default before, for more than 1,000 articles) at 2,000 only.
for (const index of ['exact', 'hnsw'] as const) {
  log(`detector: templated set, 2000 articles, index ${index} …`);
  templated.push(await inWorker<TemplatedRow>({ kind: 'detector-templated', count: 2_000, index }));
}
log(`detector: match() with ${plan.matchArticles} active articles …`);
const matchRow = await inWorker<MatchRow>({ kind: 'detector-match', count: plan.matchArticles, queries: 200 });
const growth: GrowthRow[] = [];
for (const count of plan.growth) {
  log(`detector: ingest growth, ${count} articles …`);
  growth.push(await inWorker<GrowthRow>({ kind: 'detector-growth', count }));
}
const growthFirst = growth[0]!;
const growthLast = growth[growth.length - 1]!;
const ingestExponent = Math.log(growthLast.seconds / growthFirst.seconds) / Math.log(growthLast.articles / growthFirst.articles);

// Growth of clustering time with N: the exponent of a power law through the first and last size.
const first = cluster[0]!;
const last = cluster[cluster.length - 1]!;
const growthExponent = Math.log(last.cluster_s / first.cluster_s) / Math.log(last.articles / first.articles);

const result = {
  lexical_targets: { ...lexicalTargets, targets: LEXICAL_TARGETS },
  embedding: {
    data: `${embed.articles} real news texts (5 seed articles, SemEval de-pl title+lead), mean ${Math.round(embed.mean_chars)} characters; transformers rows use the first ${plan.embed.kind === 'embed' ? plan.embed.transformerArticles : 0}`,
    lexical: embed.lexical,
    transformers: embed.transformers.map((t) => ({
      dtype: t.dtype,
      model: 'multilingual-e5-small architecture (12 layers, 384 hidden, 250,037 vocabulary, 512 tokens), generated random weights',
      rows: t.rows,
      library_overhead_vs_onnxruntime: t.overhead,
      tokenize_seconds_all_articles: t.tokenizeSeconds,
      min_cosine_library_vs_raw: t.minCosine,
      model_generated_seconds: t.generatedSeconds,
    })),
  },
  index,
  sparse_index: sparseIndex,
  clustering: { rows: cluster, growth_exponent: growthExponent },
  end_to_end: e2e,
  detector: {
    targets: DETECTOR_TARGETS,
    og2021_ingest: ogIngest,
    templated,
    match: matchRow,
    growth: { rows: growth, exponent: ingestExponent },
  },
  install,
  environment: environment(),
  total_seconds: secondsSince(started),
};

// ---------------------------------------------------------------- output

/** Rounded, or missing (NaN became null in JSON) where a figure was not measured. */
function roundOrMissing(value: number | null): number | null {
  return value !== null && Number.isFinite(value) ? Math.round(value) : null;
}

function tables(format: typeof textTable): string {
  const heading = (title: string) => (format === markdownTable ? `**${title}**` : `== ${title}`);
  const parts: string[] = [];
  const embedRows: Cell[][] = [];
  for (const r of result.embedding.lexical) embedRows.push([r.system, r.batch, r.articles_per_s, r.tokens_per_s, r.tokenUnit, '']);
  for (const t of result.embedding.transformers) {
    for (const r of t.rows) {
      const isLibrary = r.system.startsWith('TransformersEmbedder');
      const overhead = t.library_overhead_vs_onnxruntime[`batch_${r.batch}`]!;
      embedRows.push([r.system, r.batch, r.articles_per_s, r.tokens_per_s, r.tokenUnit, isLibrary ? `${(overhead * 100).toFixed(1)} %` : 'reference']);
    }
  }
  const t = result.lexical_targets;
  const times = (value: number, target: number) => `×${(value / target).toFixed(2)}`;
  parts.push(
    `${heading('Built-in embedder targets')}: ${t.articles} articles of ${t.article_chars} characters (${t.languages.join(', ')}), cut from the real texts below; one worker process, one thread (so per core); baseline = the word TF-IDF vectoriser on the same texts in the same process.\n\n` +
      format(
        ['what', 'measured', 'target', 'vs target'],
        [
          ['articles/s, `lang` given', Math.round(t.with_lang_articles_per_s), `≥ ${t.targets.articlesPerSecond}`, times(t.with_lang_articles_per_s, t.targets.articlesPerSecond)],
          ['articles/s, language detected', Math.round(t.detected_lang_articles_per_s), `≥ ${t.targets.articlesPerSecond}`, times(t.detected_lang_articles_per_s, t.targets.articlesPerSecond)],
          ['articles/s, word TF-IDF vectoriser (baseline)', Math.round(t.baseline_word_tfidf_articles_per_s), '–', `built-in ×${(t.with_lang_articles_per_s / t.baseline_word_tfidf_articles_per_s).toFixed(2)} of it`],
          ['tables load, ms (8 languages, fresh process)', Math.round(t.tables_ms), `< ${t.targets.loadMs}`, times(t.tables_ms, t.targets.loadMs)],
          ['tables in memory, MiB (heap + buffers; resident growth)', `${t.tables_mib.toFixed(1)} (${t.tables_rss_mib.toFixed(1)})`, `< ${t.targets.tableMiB}`, times(t.tables_mib, t.targets.tableMiB)],
          [`importing the library (${t.import_from}), ms / MiB`, `${Math.round(t.import_ms)} / ${t.import_mib.toFixed(1)}`, '–', '–'],
          ['first article without `lang`, ms', Math.round(t.first_detection_ms), '–', '–'],
        ],
      ),
  );
  parts.push(
    `${heading('Embedding throughput')}: ${result.embedding.data}. Overhead = library time / raw onnxruntime time on the same windows and batches − 1.\n\n` +
      format(['system', 'batch', 'articles/s', 'tokens/s', 'token unit', 'overhead vs raw'], embedRows),
  );
  parts.push(
    `${heading('Index')}: story-shaped synthetic vectors (sparse features in a dense vector, like the built-in embedder's); k = 10; held-out queries; exact search timed on a subset of queries at large sizes; recall@10 of HNSW against exact on that subset; RAM = resident growth while building (not reported below 10k vectors, where it is noise); 100k uses 384 dimensions (the transformers default), because building HNSW over 100k 4,096-d vectors alone takes ~10 minutes here (\`--full\` adds it).\n\n` +
      format(
        ['index', 'vectors', 'dim', 'build/s', 'queries', 'queries/s', 'recall@10', 'bytes/vector RAM', 'bytes/vector disk'],
        result.index.map((r) => [r.index, r.vectors, r.dimension, r.build_per_s, r.queries, r.queries_per_s, r.recall_at_10, roundOrMissing(r.memory_bytes_per_vector), roundOrMissing(r.disk_bytes_per_vector)]),
      ),
  );
  parts.push(
    `${heading('Sparse index')}: SparseIndex vs ExactIndex and HnswIndex on the same synthetic hashed-text vectors (Zipf words, signed feature hashing into 4,096 dimensions, stories of about 8); k = 10; held-out queries; recall@10 against a brute-force sparse scan.\n\n` +
      sparseIndexTable(result.sparse_index, format),
  );
  parts.push(
    `${heading('Clustering')} (clusterStories from precomputed ${dimension}-d synthetic story vectors with an exact ${CANDIDATE_NEIGHBORS}-NN candidate graph and linkage cohesion ${LINKAGE_COHESION}; growth exponent of clustering time ${result.clustering.growth_exponent.toFixed(2)}, 2 = quadratic):\n\n` +
      format(
        ['articles', 'cluster s', 'candidate graph s', 'RSS before MiB', 'peak RSS MiB', 'stories', 'B³ F1 vs generated'],
        result.clustering.rows.map((r) => [r.articles, r.cluster_s, r.candidate_graph_s, Math.round(r.rss_before_mib), Math.round(r.peak_rss_mib), r.stories, r.bcubed_f1_vs_generated]),
      ),
  );
  const l = result.end_to_end.library;
  const b = result.end_to_end.baseline;
  parts.push(
    `${heading('End to end')}: ${l.articles} articles (mean ${Math.round(l.mean_chars)} characters) made from the real texts above by sentence shuffling, dropping and word replacement (frequency lists), in stories of about 8; raw text to clusters.\n\n` +
      format(
        ['system', 'articles/s', 'total s', 'add s', 'clusters s', 'stories', 'B³ F1 vs generated', 'peak RSS MiB'],
        [
          [`StoryDetector (${l.embedder})`, l.articles_per_s, l.total_s, l.add_s, l.clusters_s, l.stories, l.bcubed_f1_vs_generated, Math.round(l.peak_rss_mib)],
          [`${b.system} pipeline (threshold ${b.threshold})`, b.articles_per_s, b.total_s, null, null, b.stories, b.bcubed_f1_vs_generated, null],
        ],
      ) +
      `\n\nlibrary speed = ${(l.articles_per_s / b.articles_per_s).toFixed(2)} × the baseline pipeline's.`,
  );
  const d = result.detector;
  const [sparseOg, hnswOg] = d.og2021_ingest;
  const ratio = (a: number, b: number) => `×${(a / b).toFixed(2)}`;
  parts.push(
    `${heading('Detector, sparse path')}: \`StoryDetector.create()\` with default options (built-in embedder, exact sparse index) through the public API; baseline = the same calls with \`index: 'hnsw'\` (HNSW over the vectors made dense: the default before, past 1,000 articles); memory = JS heap + external after GC, per active article, word tables loaded beforehand.\n\n` +
      format(
        ['what', 'default (sparse)', "baseline (index 'hnsw')", 'sparse / baseline', 'target'],
        [
          ['OG2021 titles, one add(): articles/s', sparseOg!.articles_per_s, hnswOg!.articles_per_s, ratio(sparseOg!.articles_per_s, hnswOg!.articles_per_s), `≥ ${d.targets.ogArticlesPerSecond}`],
          ['OG2021 B³ F1', sparseOg!.bcubed_f1!, hnswOg!.bcubed_f1!, '–', `${d.targets.ogF1} ± 0.003`],
          ['OG2021 KiB per article (resident growth)', `${sparseOg!.kib_per_article.toFixed(1)} (${sparseOg!.rss_kib_per_article.toFixed(1)})`, `${hnswOg!.kib_per_article.toFixed(1)} (${hnswOg!.rss_kib_per_article.toFixed(1)})`, ratio(sparseOg!.kib_per_article, hnswOg!.kib_per_article), `≤ ${d.targets.titleKiB} KB`],
          [`${d.match.active_articles} active articles of ${Math.round(d.match.mean_chars)} chars: KiB per article`, d.match.kib_per_article.toFixed(1), null, null, `≤ ${d.targets.articleKiB} KB`],
          [`match() p50 / p95 ms, ${d.match.active_articles} active (explain off)`, `${d.match.match_ms_p50.toFixed(2)} / ${d.match.match_ms_p95.toFixed(2)}`, null, null, `p50 ≤ ${d.targets.matchMsP50}`],
          ['match() p50 ms with explanations', d.match.match_explained_ms_p50.toFixed(2), null, null, '–'],
          ['match() p50 ms without the second stage (rerank: false)', d.match.match_first_stage_ms_p50?.toFixed(2) ?? '–', null, null, '–'],
          ['match() p50 ms, first match of each query (no member sketch kept yet)', d.match.match_cold_ms_p50?.toFixed(2) ?? '–', null, null, '–'],
          [
            `match() p50 / p95 ms, queries whose stories are in the index (best match a story for ${Math.round((d.match.match_story_present_same_story_share ?? 0) * 100)} %)`,
            d.match.match_story_present_ms_p50 === undefined ? '–' : `${d.match.match_story_present_ms_p50.toFixed(2)} / ${d.match.match_story_present_ms_p95.toFixed(2)}`,
            null,
            null,
            '–',
          ],
        ],
      ) +
      `\n\nTemplated near-duplicates (50 stories, copies differing in one number; the issue's silent-failure case):\n\n` +
      format(['articles', 'dimension', 'index', 'stories', 'seconds'], d.templated.map((r) => [r.articles, r.dimension, r.index, r.stories, r.seconds])) +
      `\n\nIngest growth (generated 12-word articles, en/de/pl, batches of 10,000; exponent ${d.growth.exponent.toFixed(2)}, 1 = linear):\n\n` +
      format(['articles', 'seconds', 'articles/s', 'KiB per article'], d.growth.rows.map((r) => [r.articles, r.seconds, r.articles_per_s, r.kib_per_article.toFixed(1)])),
  );
  if (result.install) parts.push(`${heading('Package install')} (packed tarball, fresh project, no transformers.js; ${result.install.install.command}):\n\n${format([...INSTALL_HEADERS], installRows(result.install))}`);
  return parts.join('\n\n');
}

const env = result.environment;
const machine = `${env.cpu}, ${env.cores} cores, ${env.memoryGiB} GiB, Node ${env.node}, ${env.date.slice(0, 10)}`;
if (args.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
else process.stdout.write(`${tables(textTable)}\n\nmachine: ${machine}; total ${result.total_seconds.toFixed(0)} s\n`);

const outFile = args.out ?? (args.quick ? undefined : join(here, 'results', 'bench.json'));
if (outFile) {
  await writeText(outFile, JSON.stringify(result, null, 2));
  await writeText(outFile.replace(/\.json$/, '') + '.md', `${tables(markdownTable)}\n\nMeasured with \`npm run bench -- --json\` on ${machine}.\n`);
  log(`wrote ${outFile} and its .md table`);
}
