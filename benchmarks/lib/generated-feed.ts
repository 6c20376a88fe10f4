// A generated live feed for the month-long benchmarks (bench:feed in process, bench:postgres
// on PostgreSQL): the same articles for both, so their windows can be compared.

import type { Article } from '../../src/article.js';
import { seededRandom } from '../../src/seeded-random.js';
import { frequentWords } from './synthetic.js';

const DAY = 86_400_000;

/**
 * A generated feed: stories of 1 to 15 articles within a day, in English, German and
 * Polish words from the frequency lists, so the built-in embedder does its usual work.
 */
export function* generatedFeed(days: number, perDay: number, seed: number): Generator<{ day: number; hour: number; articles: Article[] }> {
  const random = seededRandom(seed);
  const vocabulary = { en: frequentWords('en', 300, 6000), de: frequentWords('de', 300, 6000), pl: frequentWords('pl', 300, 6000) };
  const languages = ['en', 'de', 'pl'] as const;
  const start = Date.UTC(2026, 0, 1);
  let next = 0;
  for (let day = 0; day < days; day++) {
    const perHour: Article[][] = Array.from({ length: 24 }, () => []);
    let made = 0;
    while (made < perDay) {
      const size = Math.min(perDay - made, 1 + Math.floor(random() * 15));
      const storyWords = Object.fromEntries(
        languages.map((lang) => [lang, Array.from({ length: 12 }, () => vocabulary[lang][Math.floor(random() * vocabulary[lang].length)]!)]),
      ) as Record<(typeof languages)[number], string[]>;
      const hour = Math.floor(random() * 20);
      for (let k = 0; k < size; k++) {
        const lang = languages[Math.floor(random() * languages.length)]!;
        const words = Array.from({ length: 80 }, () =>
          random() < 0.6 ? storyWords[lang][Math.floor(random() * 12)]! : vocabulary[lang][Math.floor(random() * vocabulary[lang].length)]!,
        );
        const at = hour + Math.floor(random() * 4);
        perHour[at]!.push({
          id: `feed-${next++}`,
          lang,
          title: words.slice(0, 8).join(' '),
          text: words.join(' ') + '.',
          publishedAt: start + day * DAY + at * 3_600_000 + Math.floor(random() * 3_600_000),
        });
      }
      made += size;
    }
    for (let hour = 0; hour < 24; hour++) yield { day, hour, articles: perHour[hour]! };
  }
}

