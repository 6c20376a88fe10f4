// The articles the kill trials add: a few stories per hundred, words the test embedder can
// tell apart, so decisions merge and split real stories.

import type { Article } from '../../src/article.js';

const TOPICS = ['harbour strike', 'orchestra tour', 'tram crash', 'glacier melt', 'vaccine trial', 'library fire', 'drought alarm', 'stadium vote', 'bridge repair', 'museum theft'];
const PLACES = ['north', 'south', 'river', 'hill', 'market', 'airport', 'station'];

export function killTrialArticles(first: number, count: number): Article[] {
  const start = Date.UTC(2024, 4, 6);
  return Array.from({ length: count }, (_, k) => {
    const i = first + k;
    const topic = TOPICS[i % TOPICS.length]!;
    const place = PLACES[Math.floor(i / TOPICS.length) % PLACES.length]!;
    return {
      id: `kill-${i}`,
      title: `${topic} ${place}`,
      text: `Reports of the ${topic} near the ${place} district. Officials spoke about the ${topic}.`,
      lang: 'en',
      publishedAt: start + (i % 72) * 3_600_000,
    };
  });
}
