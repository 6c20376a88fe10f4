// Fits the pseudo-count of CollectionWeighting's prior on the SemEval training pairs
// (../shared/train, never ../shared/eval): the similarity a pair gets inside a handful of
// articles should be the one it gets inside a large collection, so that a story does not
// change with what else is in the batch. For each pseudo-count, every pair is placed among
// a few random other training texts and its IDF-weighted cosine compared with the one it
// has among all of them. A prior must not blur what the collection knows either: the second
// table scores pools of 34 cross-language pairs (as the SemEval evaluation does) by Pearson
// against the gold score and by cross-language retrieval. Run:
// npx tsx benchmarks/fit-collection-prior.ts
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CollectionWeighting } from '../src/cluster/collection-weighting.js';
import { LexicalEmbedder } from '../src/embed/lexical/lexical-embedder.js';
import { seededRandom } from '../src/seeded-random.js';
import type { EmbeddingVector } from '../src/vectors/sparse-vector.js';
import { dot } from '../src/vectors/vector-math.js';
import { pearson, retrievalScores } from './lib/metrics.js';

const TRAIN = join(import.meta.dirname, '..', '..', 'shared', 'train', 'semeval2022-task8', 'train.pairs.jsonl');
const LANGUAGES = new Set(['pl', 'de', 'en', 'fr', 'es', 'it', 'pt', 'ru']);
const SMALL_SIZES = [2, 3, 5, 10, 20];
const PSEUDO_COUNTS = [0, 5, 10, 20, 30, 50, 100, 200, 1000];

interface Row { id1: string; id2: string; lang1: string; lang2: string; text1: string; text2: string; score_overall: number; sts22_style_score: number }
const rows = readFileSync(TRAIN, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as Row);
const pairs = rows.filter((row) => LANGUAGES.has(row.lang1) && LANGUAGES.has(row.lang2));
const textOf = new Map<string, { text: string; lang: string }>();
for (const row of pairs) {
  textOf.set(row.id1, { text: row.text1, lang: row.lang1 });
  textOf.set(row.id2, { text: row.text2, lang: row.lang2 });
}
const ids = [...textOf.keys()];
const embedder = await LexicalEmbedder.create();
const vectors = new Map<string, EmbeddingVector>();
const embedded = await embedder.embed(ids.map((id) => ({ id, text: textOf.get(id)!.text, lang: textOf.get(id)!.lang })));
ids.forEach((id, i) => vectors.set(id, embedded[i]!));

function weightedCosine(members: string[], a: string, b: string, priorArticles: number): number {
  const weighting = new CollectionWeighting(embedder.dimension, priorArticles);
  for (const id of members) weighting.add(vectors.get(id)!);
  if (!weighting.active) return dot(vectors.get(a)!, vectors.get(b)!);
  const weights = weighting.weights();
  return dot(CollectionWeighting.apply(vectors.get(a)!, weights), CollectionWeighting.apply(vectors.get(b)!, weights));
}

const POOL_PAIRS = 34;

/** Mean Pearson r and Recall@1 over pools of cross-language pairs, each pool weighted by itself. */
function poolScores(priorArticles: number): { pearson: number; recallAt1: number; pools: number } {
  const byLanguages = new Map<string, Row[]>();
  for (const row of pairs) {
    if (row.lang1 === row.lang2) continue;
    const key = `${row.lang1}-${row.lang2}`;
    byLanguages.set(key, [...(byLanguages.get(key) ?? []), row]);
  }
  let pearsonSum = 0;
  let recallSum = 0;
  let pools = 0;
  for (const rows of byLanguages.values()) {
    for (let start = 0; start + POOL_PAIRS <= rows.length; start += POOL_PAIRS) {
      const pool = rows.slice(start, start + POOL_PAIRS);
      const members = [...new Set(pool.flatMap((row) => [row.id1, row.id2]))];
      const weighting = new CollectionWeighting(embedder.dimension, priorArticles);
      for (const id of members) weighting.add(vectors.get(id)!);
      const weights = weighting.weights();
      const projected = new Map(members.map((id) => [id, CollectionWeighting.apply(vectors.get(id)!, weights)]));
      const similarity = (a: string, b: string) => dot(projected.get(a)!, projected.get(b)!);
      pearsonSum += pearson(pool.map((row) => similarity(row.id1, row.id2)), pool.map((row) => row.sts22_style_score));
      const candidates = [...new Set(pool.map((row) => row.id2))];
      recallSum += retrievalScores(
        pool.filter((row) => row.score_overall <= 2).map((row) => ({ similarities: candidates.map((c) => similarity(row.id1, c)), target: candidates.indexOf(row.id2) })),
      ).recallAt1;
      pools++;
    }
  }
  return { pearson: pearsonSum / pools, recallAt1: recallSum / pools, pools };
}

const reference = pairs.map((row) => weightedCosine(ids, row.id1, row.id2, 0));
console.log(`${pairs.length} pairs, ${ids.length} texts; reference: IDF over all of them`);
console.log(`| pseudo-count | ${SMALL_SIZES.map((n) => `RMS diff, ${n} articles`).join(' | ')} | mean diff, 3 articles |`);
console.log(`| ---: | ${SMALL_SIZES.map(() => '---:').join(' | ')} | ---: |`);
for (const priorArticles of PSEUDO_COUNTS) {
  const cells: string[] = [];
  let meanAtThree = 0;
  for (const size of SMALL_SIZES) {
    const next = seededRandom(0x5eed + size);
    let squares = 0;
    let sum = 0;
    pairs.forEach((row, p) => {
      const members = [row.id1, row.id2];
      while (members.length < size) members.push(ids[Math.floor(next() * ids.length)]!);
      const diff = weightedCosine(members, row.id1, row.id2, priorArticles) - reference[p]!;
      squares += diff * diff;
      sum += diff;
    });
    cells.push((Math.sqrt(squares / pairs.length)).toFixed(4));
    if (size === 3) meanAtThree = sum / pairs.length;
  }
  console.log(`| ${priorArticles} | ${cells.join(' | ')} | ${meanAtThree >= 0 ? '+' : ''}${meanAtThree.toFixed(4)} |`);
}

console.log(`\n| pseudo-count | Pearson r | Recall@1 | (mean over pools of ${POOL_PAIRS} cross-language pairs) |`);
console.log('| ---: | ---: | ---: | --- |');
for (const priorArticles of PSEUDO_COUNTS) {
  const scores = poolScores(priorArticles);
  console.log(`| ${priorArticles} | ${scores.pearson.toFixed(4)} | ${scores.recallAt1.toFixed(4)} | ${scores.pools} pools |`);
}
