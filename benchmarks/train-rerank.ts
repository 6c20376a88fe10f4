// `npm run train:rerank`: fits the second stage's logistic model (src/rerank/rerank-model.ts)
// on the SemEval-2022 Task 8 *training* pairs (../shared/train; never the evaluation sets)
// and reports 5-fold cross-validated figures inside that file:
//   - AUC against `same_story_binary_le2` and Pearson against `sts22_style_score`, for the
//     model and for the cosine alone;
//   - retrieval within each language pair (every first side with label 1 ranks all second
//     sides of its language pair), by cosine and after re-scoring the cosine's top k.
//
//   npm run train:rerank                 fit on all pairs, print the figures and coefficients
//   npm run train:rerank -- --write      also write the coefficients into src/rerank/rerank-model.ts
//   npm run train:rerank -- --original   fit on the original (not machine-translated) pairs only
//
// The evidence depends on the embedder: re-run after the embedder's weights change.

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

import { LexicalEmbedder, normalizeArticle, type NormalizedArticle } from '../src/index.js';
import { EVIDENCE_FIELDS, pairEvidence, sketchArticle, type ArticleSketch, type PairEvidence } from '../src/rerank/pair-evidence.js';
import { RERANK_CANDIDATES } from '../src/rerank/rerank.js';
import { fitLogistic, rocAuc, type LogisticFit } from './lib/logistic.js';
import { pearson, retrievalScores, spearman } from './lib/metrics.js';
import { log, textTable } from './lib/report.js';
import { DEFAULT_TRAIN_FILE, type TrainFileRow } from './lib/train-data.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const TRAIN = DEFAULT_TRAIN_FILE;
const MODEL_FILE = join(here, '..', 'src', 'rerank', 'rerank-model.ts');
const FOLDS = 5;
/** Penalty on the standardised weights; 1 is light at 2,000 rows and ten features. */
const L2 = 1;
/** Weight of each hard negative (see pools) against a labelled pair's 1. */
const NEGATIVE_WEIGHT = 0.1;
/**
 * Weight of each ranking term (the partner above one hard negative of its query). With it
 * the fit serves both uses of the score: a probability per pair and an order per query.
 * Cross-validated here: weight 0 gave retrieval R@1 0.78, 1 gave 0.80 at a Pearson 0.01 lower.
 */
const PAIRWISE_WEIGHT = 1;

const { values: args } = parseArgs({
  options: {
    write: { type: 'boolean', default: false },
    original: { type: 'boolean', default: false },
  },
});


// The training texts are "title  body": two spaces end the title.
function articleOf(id: string, text: string, lang: string): NormalizedArticle {
  const at = text.indexOf('  ');
  const title = at > 0 ? text.slice(0, at).trim() : '';
  const body = (at > 0 ? text.slice(at + 2) : text).trim() || title || '(empty page)';
  return normalizeArticle({ id, text: body, ...(title ? { title } : {}), lang });
}

const isMachineTranslated = (pair: TrainFileRow) => pair.machine_translated;

const allPairs = readFileSync(TRAIN, 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => JSON.parse(line) as TrainFileRow);
const pairs = args.original ? allPairs.filter((pair) => !isMachineTranslated(pair)) : allPairs;
log(`${pairs.length} training pairs${args.original ? ' (original only)' : ''} of ${allPairs.length}`);

// ---------------------------------------------------------------- evidence

const embedder = new LexicalEmbedder();
const sketches = new Map<string, ArticleSketch>();
async function sketchOf(id: string, text: string, lang: string): Promise<ArticleSketch> {
  const key = `${id}|${lang}`;
  let sketch = sketches.get(key);
  if (!sketch) {
    sketch = await sketchArticle(embedder, articleOf(id, text, lang));
    sketches.set(key, sketch);
  }
  return sketch;
}

const started = performance.now();
const firstSides: ArticleSketch[] = [];
const secondSides: ArticleSketch[] = [];
for (const pair of pairs) {
  firstSides.push(await sketchOf(pair.id1, pair.text1, pair.lang1));
  secondSides.push(await sketchOf(pair.id2, pair.text2, pair.lang2));
}
log(`${sketches.size} articles sketched in ${((performance.now() - started) / 1000).toFixed(1)} s`);
const evidence = pairs.map((_, i) => pairEvidence(firstSides[i]!, secondSides[i]!));
const rowOf = (e: PairEvidence) => EVIDENCE_FIELDS.map((field) => e[field]);
const rows = evidence.map(rowOf);
const labels = pairs.map((pair) => (pair.same_story_binary_le2 ? 1 : 0));
const gold = pairs.map((pair) => pair.sts22_style_score);

const logitOf = (fit: LogisticFit, row: readonly number[]) => row.reduce((sum, x, j) => sum + fit.weights[j]! * x, fit.intercept);

// ---------------------------------------------------------------- pools

// Retrieval inside each language pair: the first side of a same-story pair ranks every
// distinct second side of its language pair. The cosine ranks them all; the model
// re-scores the cosine's top RERANK_CANDIDATES. The other articles of that top are hard
// negatives: the related-but-different stories the second stage exists to tell apart.
interface Query {
  pair: number;
  group: string;
  target: number;
  cosines: number[];
  top: number[];
  evidence: Map<number, PairEvidence>;
}
const groups = new Map<string, number[]>();
pairs.forEach((pair, i) => {
  const key = `${pair.lang1}–${pair.lang2}`;
  groups.set(key, [...(groups.get(key) ?? []), i]);
});
const queries: Query[] = [];
const poolSize = new Map<string, number>();
for (const [key, members] of [...groups].sort(([a], [b]) => (a < b ? -1 : 1))) {
  const candidateKeys = [...new Set(members.map((i) => `${pairs[i]!.id2}|${pairs[i]!.lang2}`))];
  const candidates = candidateKeys.map((k) => sketches.get(k)!);
  poolSize.set(key, candidates.length);
  for (const i of members) {
    if (labels[i] !== 1) continue;
    const query = firstSides[i]!;
    const target = candidateKeys.indexOf(`${pairs[i]!.id2}|${pairs[i]!.lang2}`);
    const cosines = candidates.map((c) => pairEvidence(query, c).cosine);
    const top = cosines.map((_, j) => j).sort((a, b) => cosines[b]! - cosines[a]!).slice(0, RERANK_CANDIDATES);
    const evidenceOf = new Map(top.map((j) => [j, pairEvidence(query, candidates[j]!)]));
    queries.push({ pair: i, group: key, target, cosines, top, evidence: evidenceOf });
  }
}
const hardNegatives = (keep: (pair: number) => boolean) => {
  const out: number[][] = [];
  for (const query of queries) {
    if (!keep(query.pair)) continue;
    for (const j of query.top) if (j !== query.target) out.push(rowOf(query.evidence.get(j)!));
  }
  return out;
};
// Ranking terms: the partner's evidence minus a hard negative's, both ways round.
const rankingTerms = (keep: (pair: number) => boolean) => {
  const out: Array<{ row: number[]; label: number }> = [];
  for (const query of queries) {
    if (!keep(query.pair) || !query.top.includes(query.target)) continue;
    const partner = rowOf(query.evidence.get(query.target)!);
    for (const j of query.top) {
      if (j === query.target) continue;
      const negative = rowOf(query.evidence.get(j)!);
      const difference = partner.map((x, k) => x - negative[k]!);
      out.push({ row: difference, label: 1 }, { row: difference.map((x) => -x), label: 0 });
    }
  }
  return out;
};
const fitOn = (keep: (pair: number) => boolean): LogisticFit => {
  const chosen = pairs.map((_, i) => i).filter(keep);
  const negatives = hardNegatives(keep);
  const ranking = rankingTerms(keep);
  const fitRows = [...chosen.map((i) => rows[i]!), ...negatives, ...ranking.map((term) => term.row)];
  const fitLabels = [...chosen.map((i) => labels[i]!), ...negatives.map(() => 0), ...ranking.map((term) => term.label)];
  const rowWeights = [...chosen.map(() => 1), ...negatives.map(() => NEGATIVE_WEIGHT), ...ranking.map(() => PAIRWISE_WEIGHT)];
  const differenceRows = [...chosen.map(() => false), ...negatives.map(() => false), ...ranking.map(() => true)];
  return fitLogistic(fitRows, fitLabels, { l2: L2, rowWeights, differenceRows });
};

// ---------------------------------------------------------------- cross-validation

// Folds by pair index after a fixed shuffle, so every language pair is spread over all folds;
// a query's hard negatives go with its pair.
const foldOf = pairs.map((_, i) => ((i * 2_654_435_761) >>> 0) % FOLDS);
const heldOut = new Array<number>(pairs.length).fill(0);
const foldFits: LogisticFit[] = [];
for (let fold = 0; fold < FOLDS; fold++) {
  const fit = fitOn((i) => foldOf[i] !== fold);
  foldFits.push(fit);
  pairs.forEach((_, i) => {
    if (foldOf[i] === fold) heldOut[i] = logitOf(fit, rows[i]!);
  });
}
const cosine = evidence.map((e) => e.cosine);

const retrievalRows: Array<Array<string | number>> = [];
const allBase: Array<{ similarities: number[]; target: number }> = [];
const allReranked: Array<{ similarities: number[]; target: number }> = [];
for (const key of [...groups.keys()].sort()) {
  const base: Array<{ similarities: number[]; target: number }> = [];
  const reranked: Array<{ similarities: number[]; target: number }> = [];
  for (const query of queries) {
    if (query.group !== key) continue;
    const fit = foldFits[foldOf[query.pair]!]!;
    const scores = query.cosines.map((c) => c - 100);
    for (const j of query.top) scores[j] = logitOf(fit, rowOf(query.evidence.get(j)!));
    base.push({ similarities: query.cosines, target: query.target });
    reranked.push({ similarities: scores, target: query.target });
  }
  if (base.length === 0) continue;
  allBase.push(...base);
  allReranked.push(...reranked);
  const b = retrievalScores(base);
  const r = retrievalScores(reranked);
  retrievalRows.push([key, base.length, poolSize.get(key)!, b.recallAt1, r.recallAt1, b.mrr, r.mrr]);
}
const b = retrievalScores(allBase);
const r = retrievalScores(allReranked);
retrievalRows.push(['all', allBase.length, '', b.recallAt1, r.recallAt1, b.mrr, r.mrr]);
const inTop = queries.filter((q) => q.top.includes(q.target)).length;
log(`partner within the cosine's top ${RERANK_CANDIDATES}: ${inTop} of ${queries.length} queries`);

// ---------------------------------------------------------------- final fit and report

const final = fitOn(() => true);
const coefficientRows = EVIDENCE_FIELDS.map((field, j) => [field, final.weights[j]!.toFixed(4)]);
const subsets: Array<[string, number[]]> = [
  ['all', pairs.map((_, i) => i)],
  ['original', pairs.map((_, i) => i).filter((i) => !isMachineTranslated(pairs[i]!))],
  ['machine-translated', pairs.map((_, i) => i).filter((i) => isMachineTranslated(pairs[i]!))],
  ['cross-lingual', pairs.map((_, i) => i).filter((i) => pairs[i]!.lang1 !== pairs[i]!.lang2)],
];
const cvRows = subsets
  .filter(([, members]) => members.length > 1)
  .map(([name, members]) => {
    const pick = (values: readonly number[]) => members.map((i) => values[i]!);
    return [
      name,
      members.length,
      rocAuc(pick(cosine), pick(labels)),
      rocAuc(pick(heldOut), pick(labels)),
      pearson(pick(cosine), pick(gold)),
      pearson(pick(heldOut), pick(gold)),
      spearman(pick(heldOut), pick(gold)),
    ];
  });

process.stdout.write(
  `Second stage, ${FOLDS}-fold cross-validation on ${pairs.length} SemEval-2022 training pairs (model: held-out logit):\n\n` +
    textTable(['pairs', 'n', 'AUC cosine', 'AUC model', 'Pearson cosine', 'Pearson model', 'Spearman model'], cvRows) +
    `\n\nRetrieval within each language pair (model re-scores the cosine's top ${RERANK_CANDIDATES}):\n\n` +
    textTable(['language pair', 'queries', 'candidates', 'R@1 cosine', 'R@1 model', 'MRR cosine', 'MRR model'], retrievalRows) +
    `\n\nCoefficients fitted on all ${pairs.length} pairs (embedder ${embedder.id}, L2 ${L2}):\n\n` +
    textTable(['field', 'weight'], [['intercept', final.intercept.toFixed(4)], ...coefficientRows]) +
    '\n',
);

if (args.write) {
  const source = readFileSync(MODEL_FILE, 'utf8');
  const literal =
    `export const RERANK_MODEL: RerankModel = {\n` +
    `  embedderId: '${embedder.id}',\n` +
    `  intercept: ${final.intercept.toFixed(4)},\n` +
    `  weights: {\n` +
    EVIDENCE_FIELDS.map((field, j) => `    ${field}: ${final.weights[j]!.toFixed(4)},\n`).join('') +
    `  },\n};`;
  const updated = source.replace(/export const RERANK_MODEL: RerankModel = \{[\s\S]*?\n\};/, literal);
  if (updated === source && !source.includes(literal)) throw new Error(`${MODEL_FILE}: RERANK_MODEL literal not found`);
  writeFileSync(MODEL_FILE, updated);
  log(`wrote the coefficients into ${MODEL_FILE}`);
}
