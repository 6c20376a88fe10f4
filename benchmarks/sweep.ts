// `npm run sweep`: how the detector's clustering settings move OG2021 B-cubed F1, with the
// built-in embedder, with and without publication dates, in one run.
//
// It embeds the titles once and builds what StoryDetector builds (collection IDF weighting,
// language-pair calibration, a nearest-neighbour candidate graph) and then clusters with
// each combination of linkage cohesion, neighbours and threshold. The candidate graph is
// exact here (an inverted index over the sparse vectors) where the detector uses HNSW, so
// figures differ from `npm run eval` by about 0.005.
//
//   npm run sweep                 the grid below; writes benchmarks/results/sweep.{json,md}
//   npm run sweep -- --json       the same, as JSON on stdout

import { ComparisonSpace } from '../src/cluster/comparison-space.js';
import { clusterStories, DEFAULT_LINKAGE_COHESION, DEFAULT_NEIGHBORS, DEFAULT_TIME_WINDOW_DAYS, LexicalEmbedder, type CandidateEdge } from '../src/index.js';
import type { SparseVector as LibrarySparseVector } from '../src/vectors/sparse-vector.js';
import { dot } from '../src/vectors/vector-math.js';
import { loadClusters, multilingualMembers } from './lib/data.js';
import { bcubed, labelsFromGroups } from './lib/metrics.js';
import { environment, log, markdownTable, secondsSince, textTable, writeText } from './lib/report.js';
import { sparseNearestNeighbors, type SparseVector } from './lib/tfidf.js';

const COHESIONS = [0, 0.5, 1];
const NEIGHBORS = [10, 20];
const THRESHOLDS = [0.3, 0.33, 0.36, 0.4];
const DAY_MS = 86_400_000;

interface Row {
  cohesion: number;
  neighbors: number;
  threshold: number;
  shipped: boolean;
  f1_dates: number;
  precision_dates: number;
  recall_dates: number;
  multilingual_f1_dates: number;
  f1_no_dates: number;
}

// The benchmark's TF-IDF neighbour search takes signed 32-bit indices.
function sparse(vector: LibrarySparseVector): SparseVector {
  return { indices: Int32Array.from(vector.indices), values: vector.values };
}

async function main(): Promise<void> {
  const json = process.argv.includes('--json');
  const started = performance.now();
  const set = await loadClusters();
  const n = set.articles.length;
  const embedder = new LexicalEmbedder();
  const raw = await embedder.embed(
    set.articles.map((a) => ({ text: a.text, ...(a.title ? { title: a.title } : {}), ...(a.lang ? { lang: a.lang } : {}) })),
  );
  const languages = set.articles.map((a) => a.lang);
  const times = set.articles.map((a) => (a.publishedAt ? Date.parse(a.publishedAt) : undefined));
  const space = new ComparisonSpace(embedder.dimension, { weighting: true, calibration: {} });
  raw.forEach((vector, i) => space.add(i, vector, languages[i]));
  space.refresh(raw, (i) => languages[i]);
  const vectors = space.vectors as LibrarySparseVector[];
  // As the detector: neighbours found in embedder space, scored in the comparison space.
  const maxNeighbors = Math.max(...NEIGHBORS);
  const found = sparseNearestNeighbors(raw.map(sparse), { k: maxNeighbors });
  const graph: CandidateEdge[][] = found.map((list, i) => list.map((e) => ({ index: e.index, similarity: dot(vectors[i]!, vectors[e.index]!) })));
  log(`embedded ${n} OG2021 titles and built the candidate graph in ${secondsSince(started).toFixed(1)} s`);

  const multilingual = multilingualMembers(set);
  const run = (cohesion: number, k: number, threshold: number, useDates: boolean) => {
    const groups = clusterStories(
      {
        count: n,
        neighbors: (i) => graph[i]!.slice(0, k),
        vectors,
        ...(space.calibration ? { calibration: space.calibration } : {}),
        ...(useDates ? { time: (i: number) => times[i] } : {}),
      },
      { threshold, timeWindowMs: DEFAULT_TIME_WINDOW_DAYS * DAY_MS, cohesion },
    );
    const labels = labelsFromGroups(groups, n);
    return { all: bcubed(labels, set.gold), multilingual: bcubed(labels, set.gold, (i) => multilingual.has(i)) };
  };

  const rows: Row[] = [];
  for (const cohesion of COHESIONS) {
    for (const k of NEIGHBORS) {
      for (const threshold of THRESHOLDS) {
        const dated = run(cohesion, k, threshold, true);
        const undated = run(cohesion, k, threshold, false);
        rows.push({
          cohesion,
          neighbors: k,
          threshold,
          shipped: cohesion === DEFAULT_LINKAGE_COHESION && k === DEFAULT_NEIGHBORS && threshold === embedder.sameStoryThreshold,
          f1_dates: dated.all.f1,
          precision_dates: dated.all.precision,
          recall_dates: dated.all.recall,
          multilingual_f1_dates: dated.multilingual.f1,
          f1_no_dates: undated.all.f1,
        });
        log(`cohesion ${cohesion}, ${k} neighbours, threshold ${threshold}: F1 ${dated.all.f1.toFixed(3)} / ${undated.all.f1.toFixed(3)} without dates`);
      }
    }
  }

  // The baseline of this run: plain average linkage with the previous defaults.
  const baseline = rows.find((r) => r.cohesion === 0 && r.neighbors === 20 && r.threshold === 0.3)!;
  const headers = ['cohesion', 'neighbours', 'threshold', 'B³ F1 dates (P / R)', 'multilingual F1', 'vs baseline', 'B³ F1 no dates', 'vs baseline'];
  const cells = rows.map((r) => [
    `${r.cohesion}${r.shipped ? ' (shipped)' : ''}`,
    r.neighbors,
    r.threshold.toFixed(2),
    `${r.f1_dates.toFixed(3)} (${r.precision_dates.toFixed(3)} / ${r.recall_dates.toFixed(3)})`,
    r.multilingual_f1_dates.toFixed(3),
    `×${(r.f1_dates / baseline.f1_dates).toFixed(3)}`,
    r.f1_no_dates.toFixed(3),
    `×${(r.f1_no_dates / baseline.f1_no_dates).toFixed(3)}`,
  ]);
  const env = environment();
  const about =
    `OG2021 (${n} titles, ${new Set(set.gold).size} stories), built-in embedder ${embedder.id}, ${DEFAULT_TIME_WINDOW_DAYS}-day window when dated; ` +
    'baseline = cohesion 0 (average linkage), 20 neighbours, threshold 0.30 (the defaults before the sweep).';
  if (json) {
    process.stdout.write(`${JSON.stringify({ environment: env, about, rows }, null, 2)}\n`);
  } else {
    console.log(`${about}\n\n${textTable(headers, cells)}`);
  }
  await writeText('benchmarks/results/sweep.json', `${JSON.stringify({ environment: env, about, rows }, null, 2)}\n`);
  await writeText(
    'benchmarks/results/sweep.md',
    `${about}\n\n${markdownTable(headers, cells)}\n\nMeasured with \`npm run sweep\` on ${env.cpu}, ${env.cores} cores, Node ${env.node}, ${env.date.slice(0, 10)} (${secondsSince(started).toFixed(0)} s).\n`,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
