// `npm run bench:dimension`: how the built-in embedder's hashing dimension changes its
// agreement with annotators on the SemEval-2022 Task 8 *training* pairs (../shared/train:
// 2,431 pairs, 16 language pairs; fitting data, never the evaluation sets). Prints Pearson
// of the raw cosine against `sts22_style_score`, overall and per language pair with at
// least 50 pairs, for each dimension in one run. The shipped default was picked here.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LexicalEmbedder } from '../src/index.js';
import { dot } from '../src/vectors/vector-math.js';
import { pearson } from './lib/metrics.js';
import { log, textTable } from './lib/report.js';

const TRAIN = join(fileURLToPath(new URL('.', import.meta.url)), '..', '..', 'shared', 'train', 'semeval2022-task8', 'train.pairs.jsonl');
const DIMENSIONS = [4_096, 16_384, 65_536, 262_144];

interface TrainPair {
  lang1: string;
  lang2: string;
  text1: string;
  text2: string;
  sts22_style_score: number;
}

// The training texts are "title  body": two spaces end the title.
function inputOf(text: string, lang: string) {
  const at = text.indexOf('  ');
  return at > 0 ? { title: text.slice(0, at), text: text.slice(at + 2), lang } : { text, lang };
}

const pairs = readFileSync(TRAIN, 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => JSON.parse(line) as TrainPair);
const byLanguagePair = new Map<string, number[]>();
pairs.forEach((pair, i) => {
  const key = [pair.lang1, pair.lang2].sort().join('–');
  byLanguagePair.set(key, [...(byLanguagePair.get(key) ?? []), i]);
});
const groups = [...byLanguagePair].filter(([, members]) => members.length >= 50).sort(([a], [b]) => (a < b ? -1 : 1));
const gold = pairs.map((pair) => pair.sts22_style_score);

const rows: Array<Array<string | number>> = [];
for (const dimension of DIMENSIONS) {
  log(`dimension ${dimension} …`);
  const embedder = new LexicalEmbedder({ dimension });
  const first = await embedder.embed(pairs.map((pair) => inputOf(pair.text1, pair.lang1)));
  const second = await embedder.embed(pairs.map((pair) => inputOf(pair.text2, pair.lang2)));
  const cosine = pairs.map((_, i) => dot(first[i]!, second[i]!));
  const of = (members: number[]) => pearson(members.map((i) => cosine[i]!), members.map((i) => gold[i]!));
  rows.push([dimension, ...[pairs.map((_, i) => i), ...groups.map(([, members]) => members)].map((members) => of(members).toFixed(4))]);
}
process.stdout.write(
  `Pearson r of the built-in embedder's cosine vs sts22_style_score, ${pairs.length} SemEval-2022 training pairs:\n\n` +
    textTable(['dimension', 'all', ...groups.map(([key]) => key)], rows) +
    '\n',
);
