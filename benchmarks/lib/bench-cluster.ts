// Clustering cost from precomputed vectors, and the whole way from raw text to stories.

import { StoryDetector, clusterStories, defaultEmbedder } from '../../src/index.js';
import { bcubed } from './metrics.js';
import { editedArticles, storyVectors } from './synthetic.js';
import type { EmbedInput } from '../../src/index.js';
import { sparseNearestNeighbors } from './tfidf.js';
import { CANDIDATE_NEIGHBORS, LINKAGE_COHESION, TIME_WINDOW_DAYS } from './systems.js';

export interface ClusterRow {
  articles: number;
  dimension: number;
  threshold: number;
  /** Harness time to build the exact k-NN candidate graph above the threshold (inverted index over the sparse features). */
  candidate_graph_s: number;
  /** clusterStories alone. */
  cluster_s: number;
  /** Resident memory before clustering (vectors and graph) and the process's peak after it. */
  rss_before_mib: number;
  peak_rss_mib: number;
  stories: number;
  /** Agreement with the generated stories (a sanity check, not a quality figure). */
  bcubed_f1_vs_generated: number;
}

function mib(bytes: number): number {
  return bytes / 2 ** 20;
}

/** clusterStories over `count` story-shaped vectors, with the library's defaults for the time window, neighbours and cohesion. */
export async function benchClustering(count: number, dimension: number, threshold: number): Promise<ClusterRow> {
  const data = storyVectors({ count, dimension, seed: 11 });
  let started = performance.now();
  // clusterStories ignores candidate edges below the threshold, so the graph can leave them out.
  const neighbors = sparseNearestNeighbors(data.sparse, { k: CANDIDATE_NEIGHBORS, minSimilarity: threshold * 0.999 });
  const graphSeconds = (performance.now() - started) / 1000;
  (globalThis as { gc?: () => void }).gc?.();
  const before = process.memoryUsage().rss;
  started = performance.now();
  const groups = clusterStories(
    { count, neighbors: (i) => neighbors[i]!, vectors: data.vectors, time: (i) => data.times[i] },
    { threshold, timeWindowMs: TIME_WINDOW_DAYS * 86_400_000, cohesion: LINKAGE_COHESION },
  );
  const clusterSeconds = (performance.now() - started) / 1000;
  const labels = new Int32Array(count);
  groups.forEach((group, g) => group.forEach((i) => (labels[i] = g)));
  return {
    articles: count,
    dimension,
    threshold,
    candidate_graph_s: graphSeconds,
    cluster_s: clusterSeconds,
    rss_before_mib: mib(before),
    peak_rss_mib: process.resourceUsage().maxRSS / 1024,
    stories: groups.length,
    bcubed_f1_vs_generated: bcubed(Array.from(labels), Array.from(data.story)).f1,
  };
}

export interface EndToEndRow {
  articles: number;
  mean_chars: number;
  embedder: string;
  /** StoryDetector.add: embedding, indexing and neighbour search. */
  add_s: number;
  /** StoryDetector.clusters(). */
  clusters_s: number;
  total_s: number;
  articles_per_s: number;
  stories: number;
  peak_rss_mib: number;
  bcubed_f1_vs_generated: number;
}

/** Raw text to stories through StoryDetector with the built-in embedder and all defaults. */
export async function benchEndToEnd(bases: readonly EmbedInput[], count: number): Promise<EndToEndRow> {
  const { inputs, story } = editedArticles(bases, count);
  const articles = inputs.map((input, i) => ({ id: `n${i}`, title: input.title, text: input.text, ...(input.lang ? { lang: input.lang } : {}) }));
  const embedder = await defaultEmbedder();
  await embedder.embed(inputs.slice(0, 2)); // loads the tables, which is not per-article work
  const detector = await StoryDetector.create({ embedder });
  const started = performance.now();
  await detector.add(articles);
  const added = performance.now();
  const stories = detector.clusters();
  const done = performance.now();
  const label = new Map<string, number>();
  stories.forEach((s, g) => s.articleIds.forEach((id) => label.set(id, g)));
  return {
    articles: count,
    mean_chars: inputs.reduce((sum, input) => sum + input.text.length + (input.title?.length ?? 0), 0) / count,
    embedder: embedder.id,
    add_s: (added - started) / 1000,
    clusters_s: (done - added) / 1000,
    total_s: (done - started) / 1000,
    articles_per_s: count / ((done - started) / 1000),
    stories: stories.length,
    peak_rss_mib: process.resourceUsage().maxRSS / 1024,
    bcubed_f1_vs_generated: bcubed(articles.map((a) => label.get(a.id)!), Array.from(story)).f1,
  };
}
