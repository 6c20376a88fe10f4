// Renders clustering results for the terminal (a readable listing) or for programs (JSON).

import type { StoryCluster } from '../cluster/story-cluster.js';
import type { Embedder } from '../embed/embedder.js';
import type { SkippedInput } from './skip-report.js';

export interface ClusterReport {
  embedder: { id: string; dimension: number };
  threshold: number;
  articles: number;
  /** Files and records left out of the input, by reason. */
  skipped?: SkippedInput;
  clusters: Array<{
    id: string;
    articles: Array<{ id: string; lang: string | null; title: string | null; similarity: number }>;
    languages: string[];
    cohesion: number;
    representative: string;
  }>;
  /** With --cache-dir: inputs answered from the embedding cache and inputs embedded. */
  cache?: { dir: string; hits: number; misses: number };
}

export function clusterReport(embedder: Embedder, threshold: number, articles: number, stories: StoryCluster[], skipped?: SkippedInput): ClusterReport {
  return {
    embedder: { id: embedder.id, dimension: embedder.dimension },
    threshold,
    articles,
    ...(skipped !== undefined ? { skipped } : {}),
    clusters: stories.map((story) => ({
      id: story.id,
      articles: story.members.map((m) => ({
        id: m.id,
        lang: m.lang ?? null,
        title: m.title ?? null,
        similarity: round(m.similarityToRepresentative),
      })),
      languages: story.languages,
      cohesion: round(story.cohesion),
      representative: story.representativeId,
    })),
  };
}

function round(x: number): number {
  return Math.round(x * 10_000) / 10_000;
}

function count(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

function clip(text: string, width: number): string {
  if (text.length <= width) return text;
  // Never cut a surrogate pair in half: the terminal would show a broken character.
  const end = /[\uD800-\uDBFF]/.test(text[width - 2] ?? '') ? width - 2 : width - 1;
  return text.slice(0, end) + '…';
}

export function formatClusterTable(report: ClusterReport, columns = 100): string {
  const lines: string[] = [];
  const multi = report.clusters.filter((c) => c.articles.length > 1).length;
  lines.push(
    `${count(report.clusters.length, 'story', 'stories')} from ${count(report.articles, 'article', 'articles')} (${multi} with more than one article)`,
    `embedder ${report.embedder.id} (dimension ${report.embedder.dimension}), threshold ${report.threshold}`,
    '',
  );
  const idWidth = Math.min(28, Math.max(4, ...report.clusters.flatMap((c) => c.articles.map((a) => a.id.length))));
  report.clusters.forEach((cluster, n) => {
    const langs = cluster.languages.length > 0 ? cluster.languages.join(', ') : 'unknown language';
    const cohesion = cluster.articles.length > 1 ? ` · cohesion ${cluster.cohesion.toFixed(2)}` : '';
    lines.push(`Story ${n + 1} · ${cluster.articles.length} article${cluster.articles.length === 1 ? '' : 's'} · ${langs}${cohesion}`);
    for (const article of cluster.articles) {
      const marker = article.id === cluster.representative ? '  *' : article.similarity.toFixed(2).padStart(5);
      const head = `  ${clip(article.id, idWidth).padEnd(idWidth)}  ${(article.lang ?? '??').padEnd(3)}${marker}  `;
      // An article without a title (a JSONL record with only text) is shown by its id, so no row is blank.
      const title = article.title !== null && article.title.trim() !== '' ? article.title : `(no title) ${article.id}`;
      lines.push(head + clip(title, Math.max(10, columns - head.length)));
    }
    lines.push('');
  });
  lines.push(
    '* = representative article; numbers = similarity to it (cosine, 1 = identical)',
    `cohesion = mean similarity of every pair of a story's articles: near the threshold (${report.threshold}) the story is loose, well above it the articles agree closely`,
  );
  return lines.join('\n');
}
