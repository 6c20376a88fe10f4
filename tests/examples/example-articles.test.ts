// The example articles the README starts with: well-formed, and clustered by the built-in
// embedder into the stories written down in examples/expected-stories.json.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readArticles } from '../../src/cli/read-articles.js';
import { StoryDetector } from '../../src/detector.js';
import { detectLanguage } from '../../src/language.js';
import type { Article } from '../../src/article.js';

const EXAMPLES = join(import.meta.dirname, '..', '..', 'examples');
const ARTICLES_DIR = join(EXAMPLES, 'articles');

interface Expected {
  stories: { id: string; articles: string[] }[];
  hardNegatives: { article: string; lookalike: string }[];
  publishedAt: Record<string, string>;
}
const expected = JSON.parse(readFileSync(join(EXAMPLES, 'expected-stories.json'), 'utf8')) as Expected;
const files = readdirSync(ARTICLES_DIR).sort();

/** Canonical form of a clustering: each group's ids sorted, groups sorted. */
function canonical(groups: string[][]): string[] {
  return groups.map((ids) => [...ids].sort().join(' + ')).sort();
}

describe('examples/articles', () => {
  it('holds only .txt articles, so the CLI can read the whole folder', () => {
    expect(files.length).toBeGreaterThanOrEqual(12);
    expect(files.filter((name) => !/^\d\d-(pl|de|en|fr|es)-[a-z0-9-]+\.txt$/.test(name))).toEqual([]);
  });

  it('lists every article in exactly one expected story, with a publication time', () => {
    const listed = expected.stories.flatMap((story) => story.articles).sort();
    expect(listed).toEqual(files);
    expect(Object.keys(expected.publishedAt).sort()).toEqual(files);
  });

  it('has multilingual stories, hard negatives and singletons', () => {
    const multilingual = expected.stories.filter((story) => new Set(story.articles.map((name) => name.slice(3, 5))).size >= 2);
    expect(multilingual.length).toBeGreaterThanOrEqual(3);
    for (const negative of expected.hardNegatives) {
      const lookalike = expected.stories.find((story) => story.id === negative.lookalike)!;
      // A hard negative shares a language with its look-alike story but is not in it.
      expect(lookalike.articles).not.toContain(negative.article);
      expect(lookalike.articles.map((name) => name.slice(3, 5))).toContain(negative.article.slice(3, 5));
    }
  });

  it.each(files)('%s has a headline and a 400–1,200 character body in the language its name says', (name) => {
    const [title, ...body] = readFileSync(join(ARTICLES_DIR, name), 'utf8').trim().split('\n');
    const text = body.join('\n').trim();
    expect(title!.length).toBeGreaterThan(10);
    expect(text.length).toBeGreaterThanOrEqual(400);
    expect(text.length).toBeLessThanOrEqual(1200);
    expect(detectLanguage(`${title}\n${text}`)).toBe(name.slice(3, 5));
  });
});

describe('the built-in embedder on examples/articles', () => {
  let articles: Article[];
  let detector: StoryDetector;
  beforeAll(async () => {
    articles = [];
    for await (const article of readArticles([ARTICLES_DIR])) articles.push(article);
    detector = await StoryDetector.create();
    await detector.add(articles);
  });

  it('finds exactly the expected stories from text alone, as `samestory cluster examples/articles` does', () => {
    const found = canonical(detector.clusters().map((story) => story.articleIds));
    expect(found).toEqual(canonical(expected.stories.map((story) => story.articles)));
  });

  it('finds exactly the expected stories when publication times are known', async () => {
    const dated = await StoryDetector.create();
    await dated.add(articles.map((article) => ({ ...article, publishedAt: expected.publishedAt[article.id]! })));
    const found = canonical(dated.clusters().map((story) => story.articleIds));
    expect(found).toEqual(canonical(expected.stories.map((story) => story.articles)));
  });

  it('ranks each hard negative below the translations of its same-language look-alike', () => {
    for (const negative of expected.hardNegatives) {
      const story = expected.stories.find((s) => s.id === negative.lookalike)!.articles;
      const lang = negative.article.slice(3, 5);
      const sameLanguage = story.find((name) => name.slice(3, 5) === lang)!;
      for (const translation of story.filter((name) => name.slice(3, 5) !== lang)) {
        expect(detector.similarity(sameLanguage, translation)).toBeGreaterThan(detector.similarity(sameLanguage, negative.article));
      }
    }
  });
});
