// The SemEval-2022 Task 8 *training* pairs (../shared/train), the only data the built-in
// embedder's weights and threshold are fitted on: loading, the articles behind the pairs,
// and cross-validation folds that keep every article (and its machine translations) in one
// fold.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const DEFAULT_TRAIN_FILE = join(fileURLToPath(new URL('.', import.meta.url)), '..', '..', '..', 'shared', 'train', 'semeval2022-task8', 'train.pairs.jsonl');

export interface TrainArticle {
  id: string;
  lang: string;
  title?: string;
  text: string;
}

export interface TrainPair {
  /** Positions of the two articles in `TrainSet.articles`. */
  first: number;
  second: number;
  /** "de–en" (sorted languages). */
  languages: string;
  /** 5 − overall score: 1..4, higher = more similar. */
  score: number;
  /** Overall score ≤ 2: the annotators' "same story". */
  sameStory: boolean;
  machineTranslated: boolean;
}

export interface TrainSet {
  articles: TrainArticle[];
  pairs: TrainPair[];
}

/** One line of the training file, as written (see ../shared/train's README). */
export interface TrainFileRow {
  id1: string;
  id2: string;
  lang1: string;
  lang2: string;
  text1: string;
  text2: string;
  sts22_style_score: number;
  same_story_binary_le2: boolean;
  machine_translated: boolean;
}

/** Longest title a split accepts: a longer first line is a body without a title. */
const MAX_TITLE_CHARS = 300;

/**
 * The training texts are the title followed by the body, joined by a newline, two spaces or
 * (in most of them) one space: the title is split off where a newline or a double space ends
 * it within the first 300 characters; otherwise the text has no title the embedder can see.
 */
export function splitTitle(raw: string): { title?: string; text: string } {
  const text = raw.trim();
  for (const separator of ['\n', '  ']) {
    const at = text.indexOf(separator);
    if (at > 0 && at <= MAX_TITLE_CHARS) return { title: text.slice(0, at).trim(), text: text.slice(at).trim() };
  }
  return { text };
}

/**
 * The same pairs seen through their titles alone (as headline feeds such as OG2021 give
 * them): only pairs whose two sides both have a title. `pairOf[k]` is the position in `set.pairs`
 * of title pair k.
 */
export function titleView(set: TrainSet): { set: TrainSet; pairOf: number[] } {
  const positionOf = new Map<number, number>();
  const articles: TrainArticle[] = [];
  set.articles.forEach((article, i) => {
    if (article.title === undefined) return;
    positionOf.set(i, articles.length);
    articles.push({ id: article.id, lang: article.lang, title: article.title, text: '' });
  });
  const pairs: TrainPair[] = [];
  const pairOf: number[] = [];
  set.pairs.forEach((pair, p) => {
    const first = positionOf.get(pair.first);
    const second = positionOf.get(pair.second);
    if (first === undefined || second === undefined) return;
    pairs.push({ ...pair, first, second });
    pairOf.push(p);
  });
  return { set: { articles, pairs }, pairOf };
}

/**
 * Pairs whose two languages are both in `languages` (the lexicon's: the embedder reads other
 * scripts only as names and numbers, so their pairs would fit weights to what it cannot read).
 * An id that occurs twice is one article (the file repeats texts across pairs).
 */
export function loadTrainSet(languages: readonly string[], file = DEFAULT_TRAIN_FILE): TrainSet {
  const known = new Set(languages);
  const rows = readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as TrainFileRow);
  const articles: TrainArticle[] = [];
  const positionOf = new Map<string, number>();
  const articleOf = (id: string, lang: string, raw: string): number => {
    const key = `${id}/${lang}`;
    let position = positionOf.get(key);
    if (position === undefined) {
      position = articles.length;
      articles.push({ id, lang, ...splitTitle(raw) });
      positionOf.set(key, position);
    }
    return position;
  };
  const pairs: TrainPair[] = [];
  for (const row of rows) {
    if (!known.has(row.lang1) || !known.has(row.lang2)) continue;
    pairs.push({
      first: articleOf(row.id1, row.lang1, row.text1),
      second: articleOf(row.id2, row.lang2, row.text2),
      languages: [row.lang1, row.lang2].sort().join('–'),
      score: row.sts22_style_score,
      sameStory: row.same_story_binary_le2,
      machineTranslated: row.machine_translated,
    });
  }
  return { articles, pairs };
}

/** The original article an id names: machine translations carry a language suffix (1483943089en). */
export function baseId(id: string): string {
  return id.replace(/[a-z]+$/i, '');
}

/**
 * Assigns each pair to one of `folds` folds so that pairs sharing an article, or a
 * translation of one, land in the same fold (connected components of the article graph),
 * with components dealt largest first to the smallest fold: deterministic and balanced.
 */
export function groupedFolds(set: TrainSet, folds: number): number[] {
  const parent = new Map<string, string>();
  const find = (x: string): string => {
    let root = x;
    while (parent.get(root) !== undefined && parent.get(root) !== root) root = parent.get(root)!;
    parent.set(x, root);
    return root;
  };
  const union = (a: string, b: string) => {
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent.set(ra, rb);
  };
  for (const pair of set.pairs) union(baseId(set.articles[pair.first]!.id), baseId(set.articles[pair.second]!.id));
  const members = new Map<string, number[]>();
  set.pairs.forEach((pair, p) => {
    const root = find(baseId(set.articles[pair.first]!.id));
    const list = members.get(root);
    if (list) list.push(p);
    else members.set(root, [p]);
  });
  const components = [...members.entries()].sort(([ka, a], [kb, b]) => b.length - a.length || (ka < kb ? -1 : 1));
  const sizes = new Array<number>(folds).fill(0);
  const foldOf = new Array<number>(set.pairs.length).fill(0);
  for (const [, list] of components) {
    let target = 0;
    for (let f = 1; f < folds; f++) if (sizes[f]! < sizes[target]!) target = f;
    for (const p of list) foldOf[p] = target;
    sizes[target]! += list.length;
  }
  return foldOf;
}
