// OG2021 in order of publication, cut into the batches the shared-feed benchmark hands to
// its writer processes (batch i to writer i mod n: interleaved shares of one date-ordered feed).

import type { Article } from '../../src/article.js';
import { DEFAULT_CLUSTERS_FILE, loadClusters } from './data.js';

export interface OgFeed {
  articles: Article[];
  /** Gold story of each article, same order. */
  gold: Array<string | number>;
}

export async function loadOgFeed(): Promise<OgFeed> {
  const set = await loadClusters(DEFAULT_CLUSTERS_FILE);
  const order = set.articles.map((_, i) => i).sort((a, b) => {
    const ta = Date.parse(set.articles[a]!.publishedAt as string);
    const tb = Date.parse(set.articles[b]!.publishedAt as string);
    return ta - tb || a - b;
  });
  const articles: Article[] = order.map((i) => {
    const a = set.articles[i]!;
    return { id: a.id, text: a.text, ...(a.title ? { title: a.title } : {}), ...(a.lang ? { lang: a.lang } : {}), publishedAt: a.publishedAt! };
  });
  return { articles, gold: order.map((i) => set.gold[i]!) };
}

export function batchesOf<T>(items: readonly T[], size: number): T[][] {
  const batches: T[][] = [];
  for (let i = 0; i < items.length; i += size) batches.push(items.slice(i, i + size));
  return batches;
}
