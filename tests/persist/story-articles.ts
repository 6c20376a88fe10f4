// Short made-up news articles for the persistence tests: three stories plus loners, with
// publication times, so saved and loaded detectors have real clusters to agree on.

import type { Article } from '../../src/article.js';

const day = Date.UTC(2024, 4, 6);
const DAY = 86_400_000;

/** The first day of the fixtures, for tests that place articles in time. */
export const fixturesStart = day;

/** Story `topic` on day `dayNumber` after fixturesStart: `count` reports with the topic's words. */
export function reports(topic: string, words: string, dayNumber: number, count = 2): Article[] {
  return Array.from({ length: count }, (_, i) => ({
    id: `${topic}-${dayNumber}-${i}`,
    title: `${words} ${i === 0 ? 'today' : 'report'}`,
    text: `${words}. ${words}, said officials.`,
    publishedAt: day + dayNumber * DAY + i * 3_600_000,
  }));
}

export const firstArticles: Article[] = [
  { id: 'flood-1', title: 'River flood', text: 'The river flooded the old town after heavy rain and the bridge closed.', publishedAt: day },
  { id: 'flood-2', title: 'River flood', text: 'Heavy rain: the river flooded the old town and the bridge was closed.', publishedAt: day + 3_600_000 },
  { id: 'launch-1', title: 'Satellite launch', text: 'A rocket carried a weather satellite into orbit this morning.', publishedAt: day },
  { id: 'launch-2', title: 'Weather satellite in orbit', text: 'This morning a rocket put a new weather satellite into orbit.', publishedAt: day + 7_200_000 },
  { id: 'election-1', title: 'Mayor elected', text: 'Voters chose a new mayor after a close count that lasted all night.', publishedAt: day },
  { id: 'bakery', title: 'Bakery opens', text: 'A family bakery opened on the market square with sourdough bread.', publishedAt: day },
];

export const laterArticles: Article[] = [
  { id: 'election-2', title: 'New mayor', text: 'After a close count lasting all night, voters chose a new mayor.', publishedAt: day + 3_600_000 },
  { id: 'flood-3', title: 'Flood update', text: 'The old town is still flooded; the river bridge stays closed after the rain.', publishedAt: day + 86_400_000 },
  { id: 'museum', title: 'Museum reopens', text: 'The art museum reopened its glass hall with paintings from the harbour.', publishedAt: day },
];

/** An article that is not added, to query with match(). */
export const floodQuery: Article = { id: 'query', title: 'Flood', text: 'Rain flooded the old town near the river bridge.', publishedAt: day };

/** `count` generated one-line articles with distinct ids, for bigger states. */
export function generatedArticles(prefix: string, count: number): Article[] {
  const topics = ['harbour', 'orchestra', 'tram', 'glacier', 'vaccine', 'library', 'drought', 'stadium'];
  return Array.from({ length: count }, (_, i) => ({
    id: `${prefix}-${i}`,
    text: `Report ${i} about the ${topics[i % topics.length]} and the ${topics[(i * 3 + 1) % topics.length]} in district ${i % 17}.`,
    lang: 'en',
    publishedAt: day + (i % 48) * 3_600_000,
  }));
}
