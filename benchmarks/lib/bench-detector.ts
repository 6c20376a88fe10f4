// The detector end to end through its public API, default options, as a user runs it:
// ingest speed, quality and memory per article on OG2021 titles, answers on templated
// near-duplicates, match() latency with a large active window, and ingest growth with N.
// Each function runs in a worker process of its own (see bench.ts), so memory figures
// belong to one configuration alone. The baseline rows run the same calls with
// `index: 'hnsw'` over 4,096-d vectors, the dense path the built-in embedder used before.

import { LexicalEmbedder, StoryDetector, defaultEmbedder, type Article, type DetectorIndexChoice } from '../../src/index.js';
import { seededRandom } from '../../src/seeded-random.js';
import { loadClusters } from './data.js';
import { bcubed } from './metrics.js';
import { log, secondsSince } from './report.js';
import { frequentWords } from './synthetic.js';

const KiB = 1024;
const MiB = 1024 * 1024;
const DAY = 86_400_000;

function collect(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with node --expose-gc');
  gc();
  gc();
}

/** JS heap + external (array buffers included) and RSS, after a full collection. */
function memory(): { heapAndExternal: number; rss: number } {
  collect();
  const usage = process.memoryUsage();
  return { heapAndExternal: usage.heapUsed + usage.external, rss: usage.rss };
}

/**
 * The built-in embedder with its word tables loaded for every language of `articles` (each
 * language's table loads on first use, about 4 MiB each), so memory read afterwards is what
 * the articles themselves cost.
 */
async function warmEmbedder(articles: readonly Article[], dimension?: number) {
  const embedder = dimension === undefined ? await defaultEmbedder() : new LexicalEmbedder({ dimension });
  const step = Math.max(1, Math.floor(articles.length / 2_000));
  const sample = articles.filter((_, i) => i % step === 0).map((a) => ({ text: a.text, ...(a.title ? { title: a.title } : {}), ...(a.lang ? { lang: a.lang } : {}) }));
  await embedder.embed(sample);
  return embedder;
}

export interface IngestRow {
  index: DetectorIndexChoice;
  articles: number;
  seconds: number;
  articles_per_s: number;
  bcubed_f1?: number;
  stories: number;
  /** (heap + external) growth per active article after GC, KiB. */
  kib_per_article: number;
  /** Resident growth per article (includes native HNSW memory, which the heap does not see), KiB. */
  rss_kib_per_article: number;
}

/**
 * Adds `articles` to a new detector in calls of `batchSize` (default: all in one) and
 * measures time and memory. `activeWindowDays` Infinity keeps every article active, so
 * growth is that of the active set itself.
 */
async function ingest(
  articles: Article[],
  index: DetectorIndexChoice,
  options: { batchSize?: number; activeWindowDays?: number; dimension?: number; logEvery?: number } = {},
): Promise<{ detector: StoryDetector; row: IngestRow }> {
  const embedder = await warmEmbedder(articles, options.dimension);
  const before = memory();
  const detector = await StoryDetector.create({ embedder, index, ...(options.activeWindowDays ? { activeWindowDays: options.activeWindowDays } : {}) });
  const started = performance.now();
  const size = options.batchSize ?? articles.length;
  for (let start = 0; start < articles.length; start += size) {
    await detector.add(articles.slice(start, start + size));
    const done = Math.min(articles.length, start + size);
    if (options.logEvery && done % options.logEvery < size) log(`  ${done.toLocaleString('en-US')} of ${articles.length.toLocaleString('en-US')} articles in ${secondsSince(started).toFixed(0)} s`);
  }
  const stories = detector.clusters().length;
  const seconds = secondsSince(started);
  const after = memory();
  return {
    detector,
    row: {
      index,
      articles: articles.length,
      seconds,
      articles_per_s: articles.length / seconds,
      stories,
      kib_per_article: (after.heapAndExternal - before.heapAndExternal) / articles.length / KiB,
      rss_kib_per_article: (after.rss - before.rss) / articles.length / KiB,
    },
  };
}

/**
 * OG2021 titles (with dates), one add() of the whole set. The 'hnsw' baseline is the path
 * before sparse vectors: 4,096-d vectors made dense in HNSW.
 */
export async function benchOgIngest(index: DetectorIndexChoice): Promise<IngestRow> {
  const set = await loadClusters();
  const articles: Article[] = set.articles.map((a) => ({
    id: a.id,
    text: a.text,
    ...(a.title ? { title: a.title } : {}),
    ...(a.lang ? { lang: a.lang } : {}),
    ...(a.publishedAt ? { publishedAt: a.publishedAt } : {}),
  }));
  const { detector, row } = await ingest(articles, index);
  const storyOf = new Map<string, number>();
  detector.clusters().forEach((story, s) => story.articleIds.forEach((id) => storyOf.set(id, s)));
  row.bcubed_f1 = bcubed(
    articles.map((a) => storyOf.get(a.id)!),
    set.gold,
  ).f1;
  return row;
}

/**
 * The templated set: `stories` stories, each of copies that differ only in one
 * number ("The event number S happened in Berlin with S people. Reported by desk N.").
 */
export function templatedArticles(count: number, stories = 50): Article[] {
  const perStory = Math.ceil(count / stories);
  return Array.from({ length: count }, (_, i) => {
    const s = i % stories;
    const desk = Math.floor(i / stories) % perStory;
    return { id: `t-${i}`, lang: 'en', title: `Story ${s}`, text: `The event number ${s} happened in Berlin with ${s} people. Reported by desk ${desk}.` };
  });
}

export interface TemplatedRow {
  index: DetectorIndexChoice;
  dimension: number;
  articles: number;
  stories: number;
  expected_stories: number;
  seconds: number;
}

/** `dimension` undefined: the default embedder's. */
export async function benchTemplated(count: number, index: DetectorIndexChoice, dimension?: number): Promise<TemplatedRow> {
  const { detector, row } = await ingest(templatedArticles(count), index, { batchSize: 10_000, ...(dimension ? { dimension } : {}) });
  return { index, dimension: detector.embedder.dimension, articles: count, stories: row.stories, expected_stories: 50, seconds: row.seconds };
}

/**
 * Generated articles in stories of 1–15, English, German and Polish words from the
 * frequency lists (as bench:feed makes them): `words` words of text, 8 of title, dated
 * over `days` days.
 */
export function generatedArticles(count: number, words: number, seed = 5, days = 7): Article[] {
  const random = seededRandom(seed);
  const vocabulary = { en: frequentWords('en', 300, 6000), de: frequentWords('de', 300, 6000), pl: frequentWords('pl', 300, 6000) };
  const languages = ['en', 'de', 'pl'] as const;
  const start = Date.UTC(2026, 0, 1);
  const out: Article[] = [];
  while (out.length < count) {
    const size = Math.min(count - out.length, 1 + Math.floor(random() * 15));
    const storyWords = Object.fromEntries(
      languages.map((lang) => [lang, Array.from({ length: 12 }, () => vocabulary[lang][Math.floor(random() * vocabulary[lang].length)]!)]),
    ) as Record<(typeof languages)[number], string[]>;
    // Stories arrive in order of time, as in a feed.
    const at = start + Math.floor((out.length / count) * days * DAY);
    for (let k = 0; k < size; k++) {
      const lang = languages[Math.floor(random() * languages.length)]!;
      const text = Array.from({ length: words }, () =>
        random() < 0.6 ? storyWords[lang][Math.floor(random() * 12)]! : vocabulary[lang][Math.floor(random() * vocabulary[lang].length)]!,
      );
      out.push({ id: `g-${out.length}`, lang, title: text.slice(0, 8).join(' '), text: text.join(' ') + '.', publishedAt: at + Math.floor(random() * 3_600_000) });
    }
  }
  return out;
}

export interface GrowthRow {
  articles: number;
  seconds: number;
  articles_per_s: number;
  kib_per_article: number;
}

/** Ingest of `count` generated title-sized articles (12 words), in batches of 10,000. */
export async function benchGrowth(count: number): Promise<GrowthRow> {
  const articles = generatedArticles(count, 12, 11, Math.max(1, Math.round(count / 100_000)) * 7);
  // A 1M run takes over an hour here: say how far it is.
  const { row } = await ingest(articles, 'auto', { batchSize: 10_000, activeWindowDays: Infinity, ...(count >= 500_000 ? { logEvery: 50_000 } : {}) });
  return { articles: count, seconds: row.seconds, articles_per_s: row.articles_per_s, kib_per_article: row.kib_per_article };
}

export interface MatchRow {
  active_articles: number;
  mean_chars: number;
  ingest_s: number;
  kib_per_article: number;
  rss_mib: number;
  match_ms_p50: number;
  match_ms_p95: number;
  match_explained_ms_p50: number;
  /** match() p50 without the second stage (rerank: false, explain off): what it adds is the difference. */
  match_first_stage_ms_p50: number;
  /**
   * match() p50 the first time each query is matched (explain off): no member sketch is
   * kept yet, so each re-scored candidate is sketched. `match_ms_p50` repeats the queries,
   * so most member sketches come from the detector's cache, as for a feed's busy stories.
   */
  match_cold_ms_p50: number;
  /**
   * The same timing (explain off, second stage on) for held-out articles whose stories are
   * in the index: the rows above time articles of stories held out whole, where the best
   * neighbour scores about as low as the 10th and pruning reads most postings (the worst
   * case, which the target is about); a new report of a running story is the common one.
   */
  match_story_present_ms_p50: number;
  match_story_present_ms_p95: number;
  /** Share of those queries whose best match is a story (`sameStory`), showing their story was found. */
  match_story_present_same_story_share: number;
}

/**
 * `count` active articles of about 1,000 characters, then match() of held-out ones: the
 * first `queries` articles (whole stories, none of them in the index) and `queries` more
 * spread over the rest (most of their stories are).
 */
export async function benchMatch(count: number, queries: number): Promise<MatchRow> {
  const all = generatedArticles(count + 2 * queries, 150, 13);
  const held = all.splice(0, queries).map((a) => ({ ...a, id: `q-${a.id}` }));
  const step = all.length / queries;
  const spreadAt = new Set(Array.from({ length: queries }, (_, k) => Math.floor((k + 0.5) * step)));
  const present = all.filter((_, i) => spreadAt.has(i)).map((a) => ({ ...a, id: `q-${a.id}` }));
  for (let i = all.length - 1; i >= 0; i--) if (spreadAt.has(i)) all.splice(i, 1);
  const meanChars = all.slice(0, 1000).reduce((sum, a) => sum + a.text.length, 0) / Math.min(1000, all.length);
  const { detector, row } = await ingest(all, 'auto', { batchSize: 10_000, activeWindowDays: Infinity });
  // Sorted milliseconds, and how many queries' best match is a story.
  const time = async (explain: boolean, rerank?: boolean, queries = held): Promise<{ ms: number[]; sameStory: number }> => {
    const ms: number[] = [];
    let sameStory = 0;
    for (const query of queries) {
      const t = performance.now();
      const [best] = await detector.match(query, { explain, ...(rerank === undefined ? {} : { rerank }) });
      ms.push(performance.now() - t);
      if (best?.sameStory) sameStory++;
    }
    return { ms: ms.sort((a, b) => a - b), sameStory };
  };
  await time(false, false); // warm-up round, first stage only: no sketch is kept
  const { ms: cold } = await time(false);
  const { ms: plain } = await time(false);
  const { ms: explained } = await time(true);
  const { ms: firstStage } = await time(false, false);
  await time(false, undefined, present); // first matches: sketches of their stories' members
  const { ms: storyPresent, sameStory } = await time(false, undefined, present);
  const at = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
  return {
    active_articles: count,
    mean_chars: meanChars,
    ingest_s: row.seconds,
    kib_per_article: row.kib_per_article,
    rss_mib: process.memoryUsage().rss / MiB,
    match_ms_p50: at(plain, 0.5),
    match_ms_p95: at(plain, 0.95),
    match_explained_ms_p50: at(explained, 0.5),
    match_first_stage_ms_p50: at(firstStage, 0.5),
    match_cold_ms_p50: at(cold, 0.5),
    match_story_present_ms_p50: at(storyPresent, 0.5),
    match_story_present_ms_p95: at(storyPresent, 0.95),
    match_story_present_same_story_share: sameStory / present.length,
  };
}
