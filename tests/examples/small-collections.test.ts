// A story must not depend on what else is in the batch: the example stories, the seeds and the
// README's API example cluster the same on their own as inside a larger collection.

import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Article } from '../../src/article.js';
import { readArticles } from '../../src/cli/read-articles.js';
import { StoryDetector } from '../../src/detector.js';

const EXAMPLES = join(import.meta.dirname, '..', '..', 'examples');
// The project's seed articles (read from ../shared, never copied into the repo).
const SEEDS = resolve(import.meta.dirname, '../../../shared/seeds');

const expected = JSON.parse(readFileSync(join(EXAMPLES, 'expected-stories.json'), 'utf8')) as { stories: { id: string; articles: string[] }[] };
const multiArticleStories = expected.stories.filter((story) => story.articles.length >= 2);

/** Canonical form of a clustering: each group's ids sorted, groups sorted. */
function canonical(groups: readonly (readonly string[])[]): string[] {
  return groups.map((ids) => [...ids].sort().join(' + ')).sort();
}

async function storiesOf(articles: readonly Article[]): Promise<string[][]> {
  const detector = await StoryDetector.create();
  await detector.add([...articles]);
  return detector.clusters().map((story) => story.articleIds);
}

function readSeeds(): { articles: Article[]; clusters: string[][] } {
  const labels = JSON.parse(readFileSync(join(SEEDS, 'LABELS.json'), 'utf8')) as { articles: Record<string, { lang: string }>; clusters: string[][] };
  const articles = readdirSync(SEEDS)
    .filter((file) => file.endsWith('.txt'))
    .sort()
    .map((file) => {
      const [title, ...body] = readFileSync(join(SEEDS, file), 'utf8').trim().split('\n');
      return { id: file, lang: labels.articles[file]!.lang, title: title!, text: body.join('\n') };
    });
  return { articles, clusters: labels.clusters };
}

describe('stories of a small collection', () => {
  let examples: Article[];
  let full: string[][];
  beforeAll(async () => {
    examples = [];
    for await (const article of readArticles([join(EXAMPLES, 'articles')])) examples.push(article);
    full = await storiesOf(examples);
  });

  it.each(multiArticleStories.map((story) => [story.id, story.articles] as const))('%s is one story alone, as among all the examples', async (_id, files) => {
    const alone = await storiesOf(examples.filter((article) => files.includes(article.id)));
    expect(canonical(alone)).toEqual([[...files].sort().join(' + ')]);
    expect(full.map((ids) => [...ids].sort().join(' + '))).toContain([...files].sort().join(' + '));
  });

  it('finds exactly the labelled seed stories on their own', async () => {
    const seeds = readSeeds();
    expect(canonical(await storiesOf(seeds.articles))).toEqual(canonical(seeds.clusters));
  });

  it('finds the same seed stories among the example articles', async () => {
    const seeds = readSeeds();
    const seedIds = new Set(seeds.articles.map((article) => article.id));
    const mixed = await storiesOf([...examples, ...seeds.articles]);
    expect(canonical(mixed.filter((ids) => ids.some((id) => seedIds.has(id))))).toEqual(canonical(seeds.clusters));
    expect(canonical(mixed.filter((ids) => !ids.some((id) => seedIds.has(id))))).toEqual(canonical(full));
  });

  it("puts the README's two flood articles in one story and the satellite launch in another", async () => {
    const stories = await storiesOf([
      { id: 'pl-1', lang: 'pl', title: 'Powódź na Odrze', text: 'Fala powodziowa dotarła do Raciborza. Ewakuowano 3400 osób.', publishedAt: '2026-09-17' },
      { id: 'de-1', lang: 'de', title: 'Hochwasser an der Oder', text: 'Die Flutwelle hat Racibórz erreicht. 3400 Menschen wurden evakuiert.', publishedAt: '2026-09-17' },
      { id: 'en-1', title: 'Satellite launched', text: 'A climate satellite lifted off from Kourou on a Vega-C rocket.' },
    ]);
    expect(canonical(stories)).toEqual(['de-1 + pl-1', 'en-1']);
  });
});
