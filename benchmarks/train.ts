// `npm run train`: fits the built-in embedder's feature weights and StoryDetector's default
// same-story threshold on the SemEval-2022 Task 8 *training* pairs (../shared/train) only,
// cross-validated inside that file, and writes them to src/embed/lexical/trained-settings.ts,
// which the embedder reads as its defaults. The evaluation sets (../shared/eval) play no
// part: `npm run eval` reports on them afterwards.
//
//   npm run train                        5-fold CV report, then the fit on all pairs; writes the file
//                                        and benchmarks/settings/free-fit.json (for eval --lexical)
//   npm run train -- --check             fits again (no CV) and fails when the shipped file differs
//   npm run train -- --no-cv             the fits and the files only
//   npm run train -- --pairs original    fit on original pairs only (no machine-translated side)
//
// Weights: coordinate search maximising Pearson r between the detector-space similarity
// (collection IDF over the training articles, language-pair calibration) and the annotators'
// graded score, averaged over two views of the pairs: whole texts, and titles alone.
// Threshold: the F1-best cut of that similarity for "same story" (overall ≤ 2), both views
// pooled.

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

import { LexicalEmbedder } from '../src/embed/lexical/lexical-embedder.js';
import { loadLexicon } from '../src/embed/lexical/lexicon.js';
import { dot } from '../src/vectors/vector-math.js';
import { TRAINED_FEATURE_SETTINGS, TRAIN_F1_THRESHOLD } from '../src/embed/lexical/trained-settings.js';
import { bestThreshold, coordinateSearch, fScoreAt, meanSd, rocAuc, type SearchParameter } from './lib/fit.js';
import { pearson } from './lib/metrics.js';
import { log, textTable, type Cell } from './lib/report.js';
import { groupedFolds, loadTrainSet, titleView } from './lib/train-data.js';
import { TRAINABLE_KEYS, TrainingSpace, type TrainableSettings } from './lib/train-space.js';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const OUTPUT = join(HERE, '..', 'src', 'embed', 'lexical', 'trained-settings.ts');
const DIMENSION = 4096;
const FOLDS = 5;
/** Smallest gain in mean Pearson r a move of the free search must bring. */
const MIN_GAIN = 0.001;
/**
 * Smallest gain a move away from the incumbent values must bring for it to ship: about half
 * the standard error of a Pearson r of 0.65 on these 1,845 pairs ((1 − r²)/√n ≈ 0.013).
 * Vectors name a vector space, and a change that the training data cannot tell from noise
 * is not worth a new one (the free fit, reported next to it, lost on the evaluation sets).
 */
const SHIP_MIN_GAIN = 0.005;

/** The values shipped before this script (lexical-pivot v3), chosen by sweeps on the evaluation sets. */
const SWEPT = JSON.parse(readFileSync(join(HERE, 'settings', 'swept-v3.json'), 'utf8')) as { settings: TrainableSettings; threshold: number };
const SWEPT_ON_EVAL = SWEPT.settings;
const SWEPT_THRESHOLD = SWEPT.threshold;

/** Where the free search starts: every multiplier 1, the information settings mid-range. */
const START: TrainableSettings = {
  nameWeight: 1,
  placeWeight: 1,
  numberWeight: 1,
  tokenWeight: 1,
  titleWeight: 1,
  titleSurfaceWeight: 1,
  informationFloor: 4,
  stopInformationContent: 6,
  unknownInformationContent: 14,
};

const PARAMETERS: SearchParameter[] = [
  { name: 'nameWeight', min: 0.05, max: 8, move: 'factor', step: 1.5, finest: 1.1 },
  { name: 'placeWeight', min: 0.05, max: 8, move: 'factor', step: 1.5, finest: 1.1 },
  { name: 'numberWeight', min: 0.05, max: 8, move: 'factor', step: 1.5, finest: 1.1 },
  { name: 'tokenWeight', min: 0.05, max: 8, move: 'factor', step: 1.5, finest: 1.1 },
  { name: 'titleWeight', min: 0.25, max: 8, move: 'factor', step: 1.5, finest: 1.1 },
  { name: 'titleSurfaceWeight', min: 0.05, max: 4, move: 'factor', step: 1.5, finest: 1.1 },
  // Each value of these costs a new extraction (seconds): whole steps only.
  { name: 'informationFloor', min: 0, max: 8, move: 'add', step: 1, finest: 1 },
  { name: 'stopInformationContent', min: 3, max: 9, move: 'add', step: 1, finest: 1 },
  { name: 'unknownInformationContent', min: 8, max: 20, move: 'add', step: 2, finest: 2 },
];

const { values: args } = parseArgs({
  options: {
    check: { type: 'boolean', default: false },
    'no-cv': { type: 'boolean', default: false },
    pairs: { type: 'string', default: 'all' },
  },
});
if (args.pairs !== 'all' && args.pairs !== 'original') throw new Error(`--pairs must be 'all' or 'original', got '${args.pairs}'`);
const fitPairs = args.pairs;

const started = performance.now();
const languages = loadLexicon().meta.languages;
const set = loadTrainSet(languages);
const titles = titleView(set);
const fullSpace = new TrainingSpace(set, DIMENSION);
const titleSpace = new TrainingSpace(titles.set, DIMENSION);
const labels = set.pairs.map((pair) => pair.sameStory);
const foldOf = groupedFolds(set, FOLDS);
const everyPair = set.pairs.map((_, p) => p);
const isOriginal = (p: number) => !set.pairs[p]!.machineTranslated;
const variantPairs = { all: everyPair, original: everyPair.filter(isOriginal) };
const titlePairOf = new Map(titles.pairOf.map((p, k) => [p, k]));

log(
  `${set.pairs.length} training pairs in the lexicon's languages (${languages.join(', ')}; ${variantPairs.original.length} original), ` +
    `${set.articles.length} articles (${titles.set.articles.length} with a title; ${titles.set.pairs.length} pairs with titles on both sides), ` +
    `folds of ${Array.from({ length: FOLDS }, (_, f) => foldOf.filter((x) => x === f).length).join('/')} pairs`,
);

/** Training pairs seen both ways: whole texts, and titles alone where both sides have one. */
interface PairSelection {
  full: number[];
  title: number[];
}
function select(members: readonly number[]): PairSelection {
  return { full: [...members], title: members.filter((p) => titlePairOf.has(p)).map((p) => titlePairOf.get(p)!) };
}

const pick = <T>(values: ArrayLike<T>, members: readonly number[]): T[] => members.map((p) => values[p]!);
function pearsonIn(space: TrainingSpace, settings: TrainableSettings, members: readonly number[]): number {
  return pearson(pick(space.pairSimilarities(settings), members), members.map((p) => space.set.pairs[p]!.score));
}
/**
 * The objective: mean Pearson r of the two views. Whole texts alone would fit the title
 * channels on the 40% of texts whose title can be split off, and never see what a headline
 * feed gives the detector (titles only).
 */
function objectiveOf(settings: TrainableSettings, selection: PairSelection): number {
  return (pearsonIn(fullSpace, settings, selection.full) + pearsonIn(titleSpace, settings, selection.title)) / 2;
}

/**
 * The free fit: from neutral values, any gain of MIN_GAIN moves. The shipping rule: from the
 * incumbent values, only gains of SHIP_MIN_GAIN move.
 */
const RULES = {
  free: { start: START, minGain: MIN_GAIN },
  ship: { start: SWEPT_ON_EVAL, minGain: SHIP_MIN_GAIN },
};

function fit(members: readonly number[], rule: keyof typeof RULES): TrainableSettings {
  const selection = select(members);
  const { start, minGain } = RULES[rule];
  const result = coordinateSearch(start, PARAMETERS, (values) => objectiveOf(values as TrainableSettings, selection), {
    minGain,
    onMove: (name, value, objective) => log(`    ${name} = ${value}: r ${objective.toFixed(4)}`),
  });
  log(
    `  ${rule} fit on ${members.length} pairs (${selection.title.length} with titles): mean r ${result.objective.toFixed(4)} after ${result.evaluations} evaluations ` +
      `(${fullSpace.extractions + titleSpace.extractions} extractions so far)`,
  );
  return result.values as TrainableSettings;
}

/** Similarities and labels of both views together: one threshold serves articles and headlines. */
function pooled(settings: TrainableSettings, selection: PairSelection): { scores: number[]; labels: boolean[] } {
  return {
    scores: [...pick(fullSpace.pairSimilarities(settings), selection.full), ...pick(titleSpace.pairSimilarities(settings), selection.title)],
    labels: [...pick(labels, selection.full), ...selection.title.map((k) => titles.set.pairs[k]!.sameStory)],
  };
}
function thresholdOf(settings: TrainableSettings, selection: PairSelection): { threshold: number; f1: number } {
  const { scores, labels: truth } = pooled(settings, selection);
  const { threshold, f } = bestThreshold(scores, truth);
  return { threshold, f1: f };
}
function f1Of(settings: TrainableSettings, selection: PairSelection, threshold: number): number {
  const { scores, labels: truth } = pooled(settings, selection);
  return fScoreAt(scores, truth, threshold).f;
}

const fmt = (x: number) => x.toFixed(3);
const pm = (values: number[]) => {
  const { mean, sd } = meanSd(values);
  return `${fmt(mean)} ± ${fmt(sd)}`;
};

if (!args.check && !args['no-cv']) crossValidate();

log(`fit on every ${fitPairs === 'all' ? '' : 'original '}pair …`);
const selected = select(variantPairs[fitPairs]);
const fitted = fit(variantPairs[fitPairs], 'ship');
const free = args.check ? undefined : fit(variantPairs[fitPairs], 'free');
const threshold = thresholdOf(fitted, selected);
// The fit rebuilt vectors from feature tables: the embedder itself must give the same ones.
const rebuilt = fullSpace.vectors(fitted);
const embedded = await new LexicalEmbedder({ dimension: DIMENSION, settings: fitted }).embed(set.articles);
const rebuildError = Math.max(...set.pairs.map((pair) => Math.abs(dot(rebuilt[pair.first]!, rebuilt[pair.second]!) - dot(embedded[pair.first]!, embedded[pair.second]!))));
log(`largest difference between a pair's rebuilt and embedded cosine: ${rebuildError.toExponential(1)}`);
if (rebuildError > 1e-5) throw new Error("feature tables no longer rebuild the embedder's vectors: see benchmarks/lib/feature-table.ts");

const inSample = (settings: TrainableSettings, thresholdValue: number): Cell[] => {
  const full = fullSpace.pairSimilarities(settings);
  const title = titleSpace.pairSimilarities(settings);
  return [
    fmt(pearsonIn(fullSpace, settings, selected.full)),
    fmt(pearsonIn(titleSpace, settings, selected.title)),
    fmt(rocAuc(pick(full, selected.full), pick(labels, selected.full))),
    fmt(rocAuc(pick(title, selected.title), selected.title.map((k) => titles.set.pairs[k]!.sameStory))),
    thresholdValue.toFixed(2),
    fmt(f1Of(settings, selected, thresholdValue)),
  ];
};
const viewThreshold = (space: TrainingSpace, members: number[]) =>
  bestThreshold(pick(space.pairSimilarities(fitted), members), members.map((p) => space.set.pairs[p]!.sameStory)).threshold.toFixed(2);
process.stdout.write(
  `\nIn-sample on the ${variantPairs[fitPairs].length} pairs the fit used (${fitPairs}) (for reference; the CV above is the honest figure). ` +
    `F1-best threshold of whole texts alone ${viewThreshold(fullSpace, selected.full)}, of titles alone ${viewThreshold(titleSpace, selected.title)}; ` +
    'the recorded one (TRAIN_F1_THRESHOLD) is fitted on both views pooled.\n\n' +
    textTable(
      ['settings', 'r texts', 'r titles', 'AUC texts', 'AUC titles', 'threshold', 'F1 (both views)'],
      [
        ['swept on eval (v3)', ...inSample(SWEPT_ON_EVAL, SWEPT_THRESHOLD)],
        ...(free ? [['free fit', ...inSample(free, thresholdOf(free, selected).threshold)]] : []),
        ['shipping rule', ...inSample(fitted, threshold.threshold)],
      ],
    ) +
    '\n\n' +
    textTable(
      ['setting', 'swept on eval (v3)', ...(free ? ['free fit'] : []), 'shipping rule'],
      [
        ...TRAINABLE_KEYS.map((key): Cell[] => [key, SWEPT_ON_EVAL[key], ...(free ? [free[key]] : []), fitted[key]]),
        ['F1-best threshold on train', SWEPT_THRESHOLD, ...(free ? [thresholdOf(free, selected).threshold] : []), threshold.threshold],
      ],
    ) +
    '\n',
);

{
  // How the threshold moves with what "same story" is taken to mean (in-sample, both views
  // pooled): the shipped criterion is the first row.
  const { scores: pooledScores, labels: sameStory } = pooled(fitted, selected);
  const grades = [...selected.full.map((p) => set.pairs[p]!.score), ...selected.title.map((k) => titles.set.pairs[k]!.score)];
  const verySimilar = grades.map((grade) => grade >= 3.5);
  const grid = Array.from({ length: 81 }, (_, k) => k / 100);
  const balancedAccuracy = (cut: number) => {
    const positives = sameStory.filter(Boolean).length;
    let tp = 0;
    let tn = 0;
    pooledScores.forEach((score, i) => (sameStory[i] ? score >= cut && tp++ : score < cut && tn++));
    return (tp / positives + tn / (sameStory.length - positives)) / 2;
  };
  const best = (score: (cut: number) => number) => grid.reduce((a, b) => (score(b) >= score(a) ? b : a));
  const precisionAt = (cut: number) => fScoreAt(pooledScores, sameStory, cut).precision;
  const lowestWithPrecision = grid.find((cut) => precisionAt(cut) >= 0.9) ?? 1;
  const rows: Cell[][] = [
    ['F1, same story = overall ≤ 2 (recorded)', threshold.threshold.toFixed(2)],
    ['balanced accuracy, overall ≤ 2', best(balancedAccuracy).toFixed(2)],
    ['F0.5 (precision counts double), overall ≤ 2', bestThreshold(pooledScores, sameStory, { beta: 0.5 }).threshold.toFixed(2)],
    ['F1, same story = overall ≤ 1.5', bestThreshold(pooledScores, verySimilar).threshold.toFixed(2)],
    ['F0.5, overall ≤ 1.5', bestThreshold(pooledScores, verySimilar, { beta: 0.5 }).threshold.toFixed(2)],
    ['lowest with precision ≥ 0.9, overall ≤ 2', lowestWithPrecision.toFixed(2)],
  ];
  process.stdout.write(`\nThreshold by criterion (fitted weights, in-sample, both views pooled; ${sameStory.filter(Boolean).length} of ${sameStory.length} pooled pairs are overall ≤ 2):\n\n${textTable(['criterion', 'threshold'], rows)}\n`);
}

if (args.check) {
  const drift = TRAINABLE_KEYS.filter((key) => Math.abs(TRAINED_FEATURE_SETTINGS[key] - fitted[key]) > 1e-9);
  const thresholdDrift = Math.abs(TRAIN_F1_THRESHOLD - threshold.threshold) > 1e-9;
  if (drift.length > 0 || thresholdDrift) {
    process.stderr.write(
      `trained-settings.ts differs from this fit (tolerance 1e-9): ${[...drift.map((key) => `${key} shipped ${TRAINED_FEATURE_SETTINGS[key]} fitted ${fitted[key]}`), ...(thresholdDrift ? [`threshold shipped ${TRAIN_F1_THRESHOLD} fitted ${threshold.threshold}`] : [])].join('; ')}\nRe-run \`npm run train\` and commit the file.\n`,
    );
    process.exit(1);
  }
  process.stdout.write(`check: src/embed/lexical/trained-settings.ts equals this fit (tolerance 1e-9) in ${((performance.now() - started) / 1000).toFixed(0)} s\n`);
} else {
  writeSettingsFile(fitted, threshold.threshold);
  if (free) writeFreeFitFile(free);
  log(`wrote ${OUTPUT} in ${((performance.now() - started) / 1000).toFixed(0)} s`);
}

/**
 * Five grouped folds, for both choices of fitting pairs: weights fitted on four folds, the
 * threshold then fitted on the same four with those weights, both scored on the fifth, next
 * to the settings swept on the evaluation sets.
 */
function crossValidate(): void {
  const variants = ['all', 'original'] as const;
  const outOfFold = { all: new Float64Array(set.pairs.length), original: new Float64Array(set.pairs.length), rule: new Float64Array(set.pairs.length) };
  const columns: Record<string, number[]> = {};
  const push = (name: string, value: number) => (columns[name] ??= []).push(value);
  const scored = (settings: TrainableSettings, test: PairSelection, prefix: string) => {
    push(`${prefix} texts`, pearsonIn(fullSpace, settings, test.full));
    push(`${prefix} titles`, pearsonIn(titleSpace, settings, test.title));
  };
  for (let fold = 0; fold < FOLDS; fold++) {
    const test = select(everyPair.filter((p) => foldOf[p] === fold));
    const testOriginal = select(test.full.filter(isOriginal));
    scored(SWEPT_ON_EVAL, test, 'swept');
    scored(SWEPT_ON_EVAL, testOriginal, 'swept original');
    push('swept F1', f1Of(SWEPT_ON_EVAL, test, SWEPT_THRESHOLD));
    for (const variant of [...variants, 'rule'] as const) {
      log(`fold ${fold + 1}/${FOLDS}, ${variant === 'rule' ? 'shipping rule on all' : `free fit on ${variant}`} pairs …`);
      const training = variantPairs[variant === 'rule' ? 'all' : variant].filter((p) => foldOf[p] !== fold);
      const settings = fit(training, variant === 'rule' ? 'ship' : 'free');
      const similarities = fullSpace.pairSimilarities(settings);
      for (const p of test.full) outOfFold[variant][p] = similarities[p]!;
      scored(settings, test, variant);
      scored(settings, testOriginal, `${variant} original`);
      const cut = thresholdOf(settings, select(training)).threshold;
      push(`${variant} threshold`, cut);
      push(`${variant} F1`, f1Of(settings, test, cut));
    }
  }
  const row = (label: string, prefix: string): Cell[] => [label, ...columns[`${prefix} texts`]!.map(fmt), pm(columns[`${prefix} texts`]!), ...columns[`${prefix} titles`]!.map(fmt), pm(columns[`${prefix} titles`]!)];
  const foldHeaders = (what: string) => [...Array.from({ length: FOLDS }, (_, f) => `${what} ${f + 1}`), `${what} mean ± sd`];
  process.stdout.write(
    `\n${FOLDS}-fold CV (folds grouped by article, translations included), Pearson r vs sts22_style_score on the held-out fold, ` +
      'whole texts and titles alone (pairs with a title on both sides):\n\n' +
      textTable(
        ['settings, scored on', ...foldHeaders('texts'), ...foldHeaders('titles')],
        [
          row('swept on eval (v3), all pairs', 'swept'),
          row('free fit on all, all pairs', 'all'),
          row('free fit on original, all pairs', 'original'),
          row('shipping rule, all pairs', 'rule'),
          row('swept on eval (v3), original pairs', 'swept original'),
          row('free fit on all, original pairs', 'all original'),
          row('free fit on original, original pairs', 'original original'),
          row('shipping rule, original pairs', 'rule original'),
        ],
      ) +
      '\n\nSame-story threshold fitted on the other folds (both views pooled) and F1 of "same story" (overall ≤ 2) on the held-out fold:\n\n' +
      textTable(
        ['settings', ...Array.from({ length: FOLDS }, (_, f) => `fold ${f + 1}`), 'mean ± sd'],
        [
          ['swept on eval (v3), threshold', ...Array.from({ length: FOLDS }, () => SWEPT_THRESHOLD.toFixed(2)), ''],
          ['swept on eval (v3), F1', ...columns['swept F1']!.map(fmt), pm(columns['swept F1']!)],
          ...[...variants, 'rule' as const].flatMap((variant): Cell[][] => [
            [`${variant === 'rule' ? 'shipping rule' : `free fit on ${variant}`}, threshold`, ...columns[`${variant} threshold`]!.map((x) => x.toFixed(2)), pm(columns[`${variant} threshold`]!)],
            [`${variant === 'rule' ? 'shipping rule' : `free fit on ${variant}`}, F1`, ...columns[`${variant} F1`]!.map(fmt), pm(columns[`${variant} F1`]!)],
          ]),
        ],
      ) +
      '\n',
  );
  const swept = fullSpace.pairSimilarities(SWEPT_ON_EVAL);
  const pearsonOf = (similarities: Float64Array, members: readonly number[]) => pearson(pick(similarities, members), members.map((p) => set.pairs[p]!.score));
  const byLanguages = new Map<string, number[]>();
  everyPair.forEach((p) => byLanguages.set(set.pairs[p]!.languages, [...(byLanguages.get(set.pairs[p]!.languages) ?? []), p]));
  const languageRows = [...byLanguages.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([key, members]): Cell[] => [
      key,
      members.length,
      members.every((p) => set.pairs[p]!.machineTranslated) ? 'yes' : members.some((p) => set.pairs[p]!.machineTranslated) ? 'some' : 'no',
      fmt(pearsonOf(swept, members)),
      fmt(pearsonOf(outOfFold.all, members)),
      fmt(pearsonOf(outOfFold.original, members)),
      fmt(pearsonOf(outOfFold.rule, members)),
    ]);
  languageRows.push(['all', everyPair.length, '', ...[swept, outOfFold.all, outOfFold.original, outOfFold.rule].map((similarities) => fmt(pearsonOf(similarities, everyPair)))]);
  process.stdout.write(
    '\nPer language pair, whole texts, Pearson r of out-of-fold similarities (each pair scored with the weights fitted without its fold):\n\n' +
      textTable(['languages', 'pairs', 'machine-translated', 'swept on eval (v3)', 'free fit on all', 'free fit on original', 'shipping rule'], languageRows) +
      '\n',
  );
}

function writeSettingsFile(settings: TrainableSettings, sameStoryThreshold: number): void {
  const date = new Date().toISOString().slice(0, 10);
  const lines = TRAINABLE_KEYS.map((key) => `  ${key}: ${settings[key]},`);
  const text = `// Generated by \`npm run train\` (benchmarks/train.ts) on ${date} from
// ../shared/train/semeval2022-task8/train.pairs.jsonl (${variantPairs[fitPairs].length} pairs in the lexicon's languages, ${fitPairs === 'all' ? 'machine-translated ones included' : 'original ones only'}).
// Do not edit by hand: re-run \`npm run train\`; \`npm run train -- --check\` fails when this file
// and the fit differ. Only the training pairs are fitted on; the search starts from the
// incumbent values (benchmarks/settings/swept-v3.json, swept on the evaluation sets for v3)
// and leaves them only for a gain of ${SHIP_MIN_GAIN} in mean Pearson r.

import type { FeatureSettings } from './features.js';

/**
 * Feature weights from the SemEval-2022 training pairs: the shipping rule of benchmarks/train.ts
 * (start at the incumbent values, move only on a gain of ${SHIP_MIN_GAIN} in mean Pearson r of
 * detector-space similarity, whole texts and titles alone).
 */
export const TRAINED_FEATURE_SETTINGS = {
${lines.join('\n')}
} as const satisfies Partial<FeatureSettings>;

/**
 * F1-best threshold for "same story" (overall ≤ 2) on the training pairs with these weights,
 * both views pooled, in the detector's comparison space. Recorded, not shipped: SemEval's
 * "same story" is looser than a detector's (see SAME_STORY_THRESHOLD in lexical-embedder.ts),
 * and the stricter criteria's thresholds lowered OG2021 B-cubed F1 with dates too
 * (benchmarks/README.md, "Fitting on the training pairs").
 */
export const TRAIN_F1_THRESHOLD = ${sameStoryThreshold};
`;
  writeFileSync(OUTPUT, text);
}

/**
 * The free fit as a settings file for `npm run eval -- --lexical`, so that the evaluation
 * sets show what shipping it would do. It keeps the incumbent threshold: the row then
 * differs from the shipped one in its weights alone.
 */
function writeFreeFitFile(settings: TrainableSettings): void {
  const file = join(HERE, 'settings', fitPairs === 'all' ? 'free-fit.json' : 'free-fit-original.json');
  const spec = { label: `lexical-pivot, free fit on train (${fitPairs} pairs), threshold ${SWEPT_THRESHOLD}`, settings, threshold: SWEPT_THRESHOLD };
  writeFileSync(file, `${JSON.stringify(spec, null, 2)}\n`);
}
