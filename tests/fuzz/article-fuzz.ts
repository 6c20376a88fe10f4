// Runs article cases through normalizeArticle and through a StoryDetector (add, match,
// similarity, save/load), checking after every case what the input boundary promises:
// accepted with documented handling, or a typed SamestoryError; and after a rejected add,
// nothing already added is lost and the detector keeps working.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MAX_TEXT_CHARS, MAX_TITLE_CHARS, normalizeArticle, type Article, type NormalizedArticle } from '../../src/article.js';
import { StoryDetector } from '../../src/detector.js';
import type { Embedder } from '../../src/embed/embedder.js';
import { seededRandom } from '../../src/seeded-random.js';
import { VALID_ARTICLES, type ArticleCase } from './article-cases.js';
import { FuzzTally, outcomeOfError, preview, runAsyncCase, runCase, type Outcome } from './fuzz-tally.js';

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const CONTROL = /[\u0000-\u0009\u000B-\u001F\u007F-\u009F]/;

/** What an accepted article must look like; undefined when it does. */
export function checkNormalized(article: NormalizedArticle): string | undefined {
  if (typeof article.id !== 'string' || article.id.trim() === '') return 'accepted without a usable id';
  for (const [field, value] of [['text', article.text], ['title', article.title]] as const) {
    if (value === undefined) continue;
    if (LONE_SURROGATE.test(value)) return `${field} holds a lone surrogate`;
    if (CONTROL.test(value.replace(/\t/g, ''))) return `${field} holds a control character`;
  }
  if (article.text.length > MAX_TEXT_CHARS) return `text of ${article.text.length} characters kept`;
  if ((article.title?.length ?? 0) > MAX_TITLE_CHARS) return `title of ${article.title!.length} characters kept`;
  if (!/[\p{L}\p{N}]/u.test(`${article.title ?? ''} ${article.text}`)) return 'accepted without a letter or digit';
  if (article.lang !== undefined && !/^[a-z]{2,3}$/.test(article.lang)) return `lang '${article.lang}' kept`;
  if (article.publishedAt !== undefined && !Number.isFinite(new Date(article.publishedAt).getTime())) return `publishedAt ${article.publishedAt} kept`;
  // Saved bundles are JSON: what is accepted must survive a round trip unchanged.
  if (JSON.stringify(JSON.parse(JSON.stringify(article))) !== JSON.stringify(article)) return 'does not survive a JSON round trip';
  return undefined;
}

export function runNormalizeFuzz(suite: string, cases: readonly ArticleCase[]): FuzzTally {
  const tally = new FuzzTally(suite);
  for (const { name, input } of cases) {
    let normalized: NormalizedArticle | undefined;
    const started = performance.now();
    const outcome = runCase(() => {
      normalized = normalizeArticle(input);
    });
    tally.record(name, outcome, performance.now() - started);
    const problem = normalized && checkNormalized(normalized);
    if (problem) tally.fail(name, problem);
  }
  return tally.finish();
}

interface DetectorFuzzOptions {
  embedder: Embedder;
  seed: number;
  /** @default 'exact' */
  index?: 'exact' | 'hnsw';
  /** Check save/load at the end (a few hundred ms). @default true */
  saveAndLoad?: boolean;
}

/** Every story's member ids, in story order: two equal snapshots mean nothing changed. */
function storySnapshot(detector: StoryDetector): string {
  return JSON.stringify(detector.clusters().map((story) => story.articleIds));
}

function idOf(input: unknown): string | undefined {
  try {
    const id = (input as { id?: unknown } | null)?.id;
    return typeof id === 'string' ? id : undefined;
  } catch {
    return undefined;
  }
}

const BACKGROUND_WORDS = {
  pl: 'powódź rzeka most ewakuacja rakieta wybory partia mecz bramka ceny bank inflacja'.split(' '),
  de: 'Hochwasser Fluss Brücke Evakuierung Rakete Wahl Partei Spiel Tor Preise Bank Inflation'.split(' '),
};

function backgroundArticles(random: () => number, count: number): Article[] {
  return Array.from({ length: count }, (_, i) => {
    const lang = i % 2 === 0 ? 'pl' : 'de';
    const words = BACKGROUND_WORDS[lang];
    return { id: `background-${i}`, lang, text: Array.from({ length: 12 }, () => words[Math.floor(random() * words.length)]!).join(' ') + '.' };
  });
}

async function* streamOf(items: readonly unknown[]): AsyncGenerator<Article> {
  for (const item of items) yield item as Article;
}

/**
 * Adds the cases to one detector that already holds VALID_ARTICLES: mostly one per add(),
 * sometimes several in an array or a stream (duplicates inside one call happen there).
 * Records the outcome of every add() and every match(), and checks the invariants.
 */
export async function runDetectorFuzz(suite: string, cases: readonly ArticleCase[], options: DetectorFuzzOptions): Promise<{ add: FuzzTally; match: FuzzTally }> {
  const add = new FuzzTally(`${suite}: add()`);
  const match = new FuzzTally(`${suite}: match()`);
  const random = seededRandom(options.seed);
  // No active window: every accepted article must stay findable with has(). Eviction, and
  // the feed clock that misdated articles cannot push forward, are tested in
  // tests/detector-live.test.ts.
  const detector = await StoryDetector.create({
    embedder: options.embedder,
    index: options.index ?? 'exact',
    batchSize: 2,
    activeWindowDays: Infinity,
  });
  // Enough articles in two languages that language calibration and collection weighting
  // are active, so odd queries meet every comparison path.
  const base = [...VALID_ARTICLES.map((article) => ({ ...article, id: `base-${article.id}` })), ...backgroundArticles(random, 70)];
  await detector.add(base);
  // Every id known to be in the detector: none may ever disappear.
  const present = new Set(base.map((article) => article.id));

  for (let i = 0; i < cases.length; ) {
    const r = random();
    const mode = r < 0.7 ? 'single' : r < 0.85 ? 'array' : 'stream';
    const group = cases.slice(i, i + (mode === 'single' ? 1 : 2 + Math.floor(random() * 3)));
    i += group.length;
    const name = `${mode} [${group.map((c) => c.name).join(' | ')}]`;
    const inputs = group.map((c) => c.input);
    const sizeBefore = detector.size;
    const storiesBefore = storySnapshot(detector);

    let outcome: Outcome;
    const started = performance.now();
    try {
      const result = await detector.add(mode === 'stream' ? streamOf(inputs) : (inputs as Article[]));
      outcome = { kind: 'accepted' };
      if (result.added.length !== inputs.length) add.fail(name, `added ${result.added.length} of ${inputs.length}`);
      for (const id of result.added) present.add(id);
    } catch (error) {
      outcome = outcomeOfError(error);
    }
    add.record(name, outcome, performance.now() - started);

    const lost = [...present].filter((id) => !detector.has(id));
    if (lost.length > 0) add.fail(name, `articles lost: ${lost.slice(0, 3).join(', ')}`);
    if (outcome.kind !== 'accepted') {
      if (mode === 'stream') {
        // Batches before the bad one stay added: they must be exactly the new ids present.
        const newIds = inputs.map(idOf).filter((id): id is string => id !== undefined && !present.has(id) && detector.has(id));
        for (const id of newIds) present.add(id);
        if (detector.size !== sizeBefore + new Set(newIds).size) add.fail(name, `size ${detector.size} after a rejected stream, expected ${sizeBefore + newIds.length}`);
      } else {
        if (detector.size !== sizeBefore) add.fail(name, `size changed from ${sizeBefore} to ${detector.size} after a rejected add`);
        if (storySnapshot(detector) !== storiesBefore) add.fail(name, 'stories changed after a rejected add');
      }
    } else if (detector.size !== present.size) {
      add.fail(name, `size ${detector.size} but ${present.size} ids known`);
    }

    // The first case as a query: match() must answer or reject with a typed error.
    const query = inputs[0];
    const matchStarted = performance.now();
    const matchOutcome = await runAsyncCase(async () => {
      const matches = await detector.match(query as Article, { limit: 3 });
      for (const m of matches) {
        if (!Number.isFinite(m.similarity)) throw new Error(`similarity ${m.similarity} for ${preview(query)}`);
      }
    });
    match.record(name, matchOutcome, performance.now() - matchStarted);
  }

  // Accepted odd articles are compared and persisted like any other.
  const ids = [...present];
  for (let k = 0; k < 20 && ids.length > 1; k++) {
    const a = ids[Math.floor(random() * ids.length)]!;
    const b = ids[Math.floor(random() * ids.length)]!;
    const similarity = detector.similarity(a, b);
    if (!Number.isFinite(similarity)) add.fail(`similarity(${preview(a)}, ${preview(b)})`, `not finite: ${similarity}`);
  }
  if (options.saveAndLoad ?? true) {
    const dir = await mkdtemp(join(tmpdir(), 'samestory-fuzz-'));
    try {
      await detector.save(dir);
      const loaded = await StoryDetector.load(dir, { embedder: options.embedder });
      if (loaded.size !== detector.size || storySnapshot(loaded) !== storySnapshot(detector)) add.fail('save/load', 'the loaded detector differs');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
  // And the detector still takes ordinary articles.
  await detector.add([{ id: 'after-fuzz', title: 'Flood on the Oder', text: 'The river rose by two metres overnight.' }]);
  if (!detector.has('after-fuzz')) add.fail('final add', 'a valid article was not added');
  return { add: add.finish(), match: match.finish() };
}
