// `npx tsx benchmarks/calibrate.ts`: where the built-in embedder's same-story threshold comes
// from. Scores labelled pairs with the embedder and prints precision/recall per threshold
// and language pair, and the suggested thresholds (max F1, and precision >= 0.9).
//
// Pairs: SemEval-2022 Task 8 de–pl (same story = score_overall <= 2) and OG2021: 2,000
// same-story pairs (a sampled article and a random other member of its story) against, for
// 2,000 other sampled articles, one random and the most similar article of another story
// published within 3 days (4,000 different-story pairs, half of them the hardest case).
//
//   npx tsx benchmarks/calibrate.ts [--json] [--min-precision 0.9] [--model ID]

import { parseArgs } from 'node:util';

import { calibrateThreshold, type CalibrationReport, type ScoredPair } from '../src/index.js';
import { dot } from '../src/vectors/vector-math.js';
import { loadClusters, loadPairs, type EvalArticle } from './lib/data.js';
import { availableEmbedders } from './lib/embedders.js';
import { log, textTable } from './lib/report.js';
import { seededRandom } from './lib/synthetic.js';
import { TIME_WINDOW_DAYS } from './lib/systems.js';

const { values: args } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    'min-precision': { type: 'string', default: '0.9' },
    model: { type: 'string', multiple: true },
  },
});
const minPrecision = Number(args['min-precision']);
/** Articles sampled for OG2021 pairs: each gives one same-story pair, or one random and one hardest other-story pair. */
const SAMPLES = 2_000;

const inputOf = (a: EvalArticle) => ({ text: a.text, ...(a.title ? { title: a.title } : {}), ...(a.lang ? { lang: a.lang } : {}) });

const { embedders, skipped } = await availableEmbedders(args.model ?? []);
for (const [id, why] of Object.entries(skipped)) log(`skipping ${id}: ${why}`);
const { pairs: semevalPairs } = await loadPairs();
const og = await loadClusters();

const results: Record<string, Record<string, { max_f1: CalibrationReport; min_precision: CalibrationReport }>> = {};
for (const embedder of embedders) {
  log(`${embedder.id}: scoring pairs …`);
  const semevalVectors = await embedder.embed(semevalPairs.flatMap((p) => [inputOf(p.first), inputOf(p.second)]));
  const semeval: ScoredPair[] = semevalPairs.map((p, i) => ({
    similarity: dot(semevalVectors[2 * i]!, semevalVectors[2 * i + 1]!),
    sameStory: p.scoreOverall <= 2,
    langA: p.first.lang,
    langB: p.second.lang,
  }));

  const vectors = await embedder.embed(og.articles.map(inputOf));
  const random = seededRandom(3);
  const og2021: ScoredPair[] = [];
  const scored = (i: number, j: number): ScoredPair => ({
    similarity: dot(vectors[i]!, vectors[j]!),
    sameStory: og.gold[i] === og.gold[j],
    langA: og.articles[i]!.lang,
    langB: og.articles[j]!.lang,
  });
  // Same-story pairs: for sampled articles of multi-article stories, a random other member.
  const members = new Map<string, number[]>();
  og.gold.forEach((story, i) => members.set(story, [...(members.get(story) ?? []), i]));
  const inStories = og.articles.map((_, i) => i).filter((i) => members.get(og.gold[i]!)!.length > 1);
  for (let s = 0; s < SAMPLES; s++) {
    const i = inStories[Math.floor(random() * inStories.length)]!;
    const mates = members.get(og.gold[i]!)!.filter((j) => j !== i);
    og2021.push(scored(i, mates[Math.floor(random() * mates.length)]!));
  }
  const times = og.articles.map((a) => (a.publishedAt ? Date.parse(a.publishedAt) : Number.NaN));
  const window = TIME_WINDOW_DAYS * 86_400_000;
  for (let s = 0; s < SAMPLES; s++) {
    const i = Math.floor(random() * og.articles.length);
    const others: number[] = [];
    for (let j = 0; j < og.articles.length; j++) {
      if (og.gold[j] !== og.gold[i] && Math.abs(times[j]! - times[i]!) <= window) others.push(j);
    }
    if (others.length === 0) continue;
    og2021.push(scored(i, others[Math.floor(random() * others.length)]!));
    let hardest = others[0]!;
    let best = Number.NEGATIVE_INFINITY;
    for (const j of others) {
      const similarity = dot(vectors[i]!, vectors[j]!);
      if (similarity > best) [best, hardest] = [similarity, j];
    }
    og2021.push(scored(i, hardest));
  }

  results[embedder.id] = {};
  for (const [name, pairs] of [['semeval-de-pl', semeval], ['og2021', og2021], ['both', [...semeval, ...og2021]]] as const) {
    results[embedder.id]![name] = { max_f1: calibrateThreshold(pairs), min_precision: calibrateThreshold(pairs, { minPrecision }) };
  }
  await embedder.dispose?.();
}

if (args.json) {
  process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
} else {
  for (const [embedder, byData] of Object.entries(results)) {
    const rows = Object.entries(byData).map(([name, r]) => {
      const f1 = r.max_f1.suggestion.point;
      const floor = r.min_precision.suggestion.point;
      return [name, r.max_f1.pairs, r.max_f1.positives, f1?.threshold, f1?.precision, f1?.recall, f1?.f1, floor?.threshold, floor?.precision, floor?.recall];
    });
    process.stdout.write(
      `== ${embedder}: suggested thresholds (max F1; lowest with precision >= ${minPrecision})\n\n` +
        textTable(['pairs from', 'pairs', 'same story', 'max-F1 thr', 'P', 'R', 'F1', `P>=${minPrecision} thr`, 'P', 'R'], rows) +
        '\n\n',
    );
    const perLanguage = Object.entries(byData.og2021!.max_f1.byLanguagePair)
      .filter(([, r]) => r.positives >= 20)
      .map(([pair, r]) => [pair, r.pairs, r.positives, r.suggestion.threshold, r.suggestion.point?.precision, r.suggestion.point?.recall, r.suggestion.point?.f1]);
    process.stdout.write(`OG2021 per language pair (>= 20 same-story pairs), max F1:\n\n${textTable(['languages', 'pairs', 'same story', 'thr', 'P', 'R', 'F1'], perLanguage)}\n\n`);
  }
}
