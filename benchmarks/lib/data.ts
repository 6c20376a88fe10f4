// Loaders for the evaluation data in ../shared: seed articles with LABELS.json, SemEval-2022
// Task 8 style pair files and OG2021 style cluster files. They read the files where they
// lie (the texts belong to their publishers and never enter the repository).

import { readFile, readdir } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** An article as the evaluation hands it to every system (library and baselines alike). */
export interface EvalArticle {
  id: string;
  /** Body text; may be empty when the data has titles only. */
  text: string;
  title?: string;
  lang?: string;
  /** ISO date string, when the data has one. */
  publishedAt?: string;
}

const here = fileURLToPath(new URL('.', import.meta.url));
/** ../shared/ seen from the repository root. */
export const SHARED_DIR = resolve(here, '../../../shared');
export const DEFAULT_SEEDS_DIR = join(SHARED_DIR, 'seeds');
export const DEFAULT_PAIRS_FILE = join(SHARED_DIR, 'eval/semeval2022-task8/de-pl.eval.jsonl');
export const DEFAULT_CLUSTERS_FILE = join(SHARED_DIR, 'eval/og2021/og2021.titles.jsonl');

/** Name a dataset is reported under: its base name without `.jsonl` and `.eval`/`.titles`. */
export function datasetName(file: string): string {
  return basename(file).replace(/\.jsonl?$/i, '').replace(/\.(eval|titles)$/i, '');
}

async function readJsonLines(file: string): Promise<Record<string, unknown>[]> {
  const content = await readFile(file, 'utf8');
  const rows: Record<string, unknown>[] = [];
  content.split('\n').forEach((line, index) => {
    if (line.trim() === '') return;
    try {
      rows.push(JSON.parse(line) as Record<string, unknown>);
    } catch (error) {
      throw new Error(`${file}:${index + 1}: not valid JSON`, { cause: error });
    }
  });
  return rows;
}

function stringField(row: Record<string, unknown>, field: string): string | undefined {
  const value = row[field];
  if (value === undefined || value === null) return undefined;
  return String(value);
}

// ---------------------------------------------------------------- seeds

export interface SeedSet {
  articles: EvalArticle[];
  /** Gold clusters of article ids (file names). */
  clusters: string[][];
  /** The duplicate pair whose margin the issue asks for (000–001). */
  duplicatePair: [string, string];
}

/** Seed files: first non-empty line is the title; id = file name; LABELS.json holds the truth. */
export async function loadSeeds(dir = DEFAULT_SEEDS_DIR): Promise<SeedSet> {
  const labels = JSON.parse(await readFile(join(dir, 'LABELS.json'), 'utf8')) as {
    articles: Record<string, { lang?: string }>;
    clusters: string[][];
  };
  const files = (await readdir(dir)).filter((name) => name.endsWith('.txt')).sort();
  const articles: EvalArticle[] = [];
  for (const file of files) {
    const content = (await readFile(join(dir, file), 'utf8')).replace(/\r\n?/g, '\n');
    const lines = content.split('\n');
    const first = lines.findIndex((line) => line.trim() !== '');
    const article: EvalArticle = {
      id: file,
      title: first >= 0 ? lines[first]!.trim() : undefined,
      text: first >= 0 ? lines.slice(first + 1).join('\n').trim() : '',
    };
    const lang = labels.articles[file]?.lang;
    if (lang) article.lang = lang;
    articles.push(article);
  }
  const duplicate = labels.clusters.find((cluster) => cluster.length === 2);
  if (!duplicate) throw new Error(`${dir}/LABELS.json: no two-article cluster to measure the margin on`);
  return { articles, clusters: labels.clusters, duplicatePair: [duplicate[0]!, duplicate[1]!] };
}

// ---------------------------------------------------------------- pairs

export interface LabelledPair {
  first: EvalArticle;
  second: EvalArticle;
  /** Annotators' overall score, 1 = very similar … 4 = very dissimilar. */
  scoreOverall: number;
  /** 5 - scoreOverall: higher = more similar. */
  stsScore: number;
}

function pairSide(row: Record<string, unknown>, side: 1 | 2, fallbackId: string): EvalArticle {
  const text = stringField(row, `text${side}`) ?? '';
  const description = stringField(row, `description${side}`)?.trim();
  const article: EvalArticle = {
    id: stringField(row, `id${side}`) ?? fallbackId,
    // Paywalled pages scraped only the paywall notice; their meta description carries the
    // story, so it goes first for every system alike.
    text: description ? `${description}\n\n${text}` : text,
  };
  const title = stringField(row, `title${side}`);
  if (title) article.title = title;
  const lang = stringField(row, `lang${side}`);
  if (lang) article.lang = lang;
  return article;
}

/** Reads a SemEval-2022 Task 8 pair file; pairs with `missing_text` are skipped, as the task does. */
export async function loadPairs(file = DEFAULT_PAIRS_FILE): Promise<{ pairs: LabelledPair[]; skipped: number }> {
  const rows = await readJsonLines(file);
  const pairs: LabelledPair[] = [];
  let skipped = 0;
  rows.forEach((row, index) => {
    if (row.missing_text === true) {
      skipped++;
      return;
    }
    const scoreOverall = Number(row.score_overall);
    const stsScore = row.sts22_style_score === undefined ? 5 - scoreOverall : Number(row.sts22_style_score);
    if (!Number.isFinite(scoreOverall) || !Number.isFinite(stsScore)) {
      throw new Error(`${file}: pair ${index + 1} has no numeric score_overall/sts22_style_score`);
    }
    pairs.push({
      first: pairSide(row, 1, `pair${index}-1`),
      second: pairSide(row, 2, `pair${index}-2`),
      scoreOverall,
      stsScore,
    });
  });
  return { pairs, skipped };
}

// ---------------------------------------------------------------- clusters

export interface ClusterSet {
  articles: EvalArticle[];
  /** Gold story label of each article, parallel to `articles`. */
  gold: string[];
}

/** Reads an OG2021-style clustering file (`id, lang, title, text?, date?, cluster`). */
export async function loadClusters(file = DEFAULT_CLUSTERS_FILE): Promise<ClusterSet> {
  const rows = await readJsonLines(file);
  const articles: EvalArticle[] = [];
  const gold: string[] = [];
  const seen = new Set<string>();
  rows.forEach((row, index) => {
    const id = stringField(row, 'id') ?? `row${index}`;
    if (seen.has(id)) throw new Error(`${file}: id ${id} occurs twice`);
    seen.add(id);
    const cluster = stringField(row, 'cluster');
    if (cluster === undefined) throw new Error(`${file}: article ${id} has no cluster`);
    const article: EvalArticle = { id, text: stringField(row, 'text') ?? '' };
    const title = stringField(row, 'title');
    if (title) article.title = title;
    const lang = stringField(row, 'lang');
    if (lang) article.lang = lang;
    const date = stringField(row, 'date');
    if (date) article.publishedAt = date;
    articles.push(article);
    gold.push(cluster);
  });
  return { articles, gold };
}

/** Indices of the articles whose gold story spans two or more languages. */
export function multilingualMembers(set: ClusterSet): Set<number> {
  const languages = new Map<string, Set<string>>();
  set.articles.forEach((article, i) => {
    const langs = languages.get(set.gold[i]!) ?? new Set<string>();
    langs.add(article.lang ?? '?');
    languages.set(set.gold[i]!, langs);
  });
  const members = new Set<number>();
  set.gold.forEach((label, i) => {
    if (languages.get(label)!.size > 1) members.add(i);
  });
  return members;
}

/** Text a baseline sees: title and body, as one string. */
export function fullText(article: EvalArticle): string {
  return article.title ? `${article.title}\n${article.text}` : article.text;
}
