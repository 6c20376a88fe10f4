import { describe, expect, it } from 'vitest';
import { StoryDetector } from '../src/detector.js';
import type { Article } from '../src/article.js';
import type { Embedder } from '../src/embed/embedder.js';
import { AbortedError, DimensionMismatchError, DuplicateIdError, InvalidArticleError, InvalidOptionsError, InvalidVectorError, NotFoundError } from '../src/errors.js';
import { WordHashEmbedder } from './support/word-hash-embedder.js';

const flood1: Article = { id: 'flood-1', title: 'River flood', text: 'The river flooded the old town after heavy rain and the bridge closed.' };
const flood2: Article = { id: 'flood-2', title: 'River flood', text: 'Heavy rain: the river flooded the old town and the bridge closed.' };
const launch: Article = { id: 'launch', title: 'Satellite launch', text: 'A rocket carried a weather satellite into orbit this morning.' };

async function detectorWith(articles: Article[], options = {}) {
  const detector = await StoryDetector.create({ embedder: new WordHashEmbedder(), ...options });
  await detector.add(articles);
  return detector;
}

describe('StoryDetector', () => {
  it('puts two reports of one event in one story and another event apart', async () => {
    const detector = await detectorWith([flood1, launch, flood2]);
    const stories = detector.clusters();
    expect(stories.map((s) => s.articleIds)).toEqual([['flood-1', 'flood-2'], ['launch']]);
    expect(stories[0]!.cohesion).toBeCloseTo(detector.similarity('flood-1', 'flood-2'), 6);
  });

  it('describes each story with its representative and member similarities', async () => {
    const detector = await detectorWith([flood1, flood2, launch]);
    const [story] = detector.clusters();
    expect(story!.articleIds).toContain(story!.representativeId);
    expect(story!.members.map((m) => m.title)).toEqual(['River flood', 'River flood']);
    for (const member of story!.members) {
      const expected = member.id === story!.representativeId ? 1 : detector.similarity('flood-1', 'flood-2');
      expect(member.similarityToRepresentative).toBeCloseTo(expected, 6);
    }
    expect(story!.languages).toEqual(['en']);
  });

  it('picks the member closest to all others as representative', async () => {
    const middle: Article = { id: 'middle', text: 'river flood rain town bridge' };
    const detector = await detectorWith([
      { id: 'left', text: 'river flood rain town' },
      middle,
      { id: 'right', text: 'flood rain town bridge' },
    ]);
    expect(detector.clusters()[0]!.representativeId).toBe('middle');
  });

  it('uses the embedder threshold unless one is given', async () => {
    expect((await StoryDetector.create({ embedder: new WordHashEmbedder() })).similarityThreshold).toBe(0.5);
    const strict = await detectorWith([flood1, flood2], { similarityThreshold: 0.999 });
    expect(strict.clusters()).toHaveLength(2);
  });

  it('keeps articles further apart in time than the window in separate stories', async () => {
    const detector = await detectorWith(
      [
        { ...flood1, publishedAt: '2026-03-01T08:00:00Z' },
        { ...flood2, publishedAt: '2026-03-20T08:00:00Z' },
      ],
      { timeWindowDays: 3 },
    );
    expect(detector.clusters()).toHaveLength(2);
  });

  it('adds articles from an async stream in batches and reports progress', async () => {
    const detector = await StoryDetector.create({ embedder: new WordHashEmbedder(), batchSize: 2 });
    async function* feed() {
      yield flood1;
      yield launch;
      yield flood2;
    }
    const seen: number[] = [];
    const result = await detector.add(feed(), { onProgress: (p) => seen.push(p.done) });
    expect(result.added).toEqual(['flood-1', 'launch', 'flood-2']);
    expect(seen).toEqual([2, 3]);
    expect(detector.clusters()).toHaveLength(2);
  });

  it('rejects a whole array when one article is invalid, adding nothing', async () => {
    const detector = await StoryDetector.create({ embedder: new WordHashEmbedder() });
    await expect(detector.add([flood1, { id: 'empty', text: '  ' }])).rejects.toThrow(InvalidArticleError);
    expect(detector.size).toBe(0);
  });

  it('rejects an id that was added before and keeps what it had', async () => {
    const detector = await detectorWith([flood1]);
    await expect(detector.add([flood1])).rejects.toThrow(DuplicateIdError);
    expect(detector.size).toBe(1);
  });

  it('serialises overlapping add calls', async () => {
    const detector = await StoryDetector.create({ embedder: new WordHashEmbedder() });
    await Promise.all([detector.add([flood1]), detector.add([flood2]), detector.add([launch])]);
    expect(detector.size).toBe(3);
    expect(detector.clusters()).toHaveLength(2);
  });

  it('stops between batches when aborted', async () => {
    const detector = await StoryDetector.create({ embedder: new WordHashEmbedder(), batchSize: 1 });
    const controller = new AbortController();
    const adding = detector.add([flood1, flood2, launch], {
      signal: controller.signal,
      onProgress: (p) => {
        if (p.done === 1) controller.abort();
      },
    });
    await expect(adding).rejects.toThrow(AbortedError);
    expect(detector.size).toBe(1);
  });

  it('matches a new article to its story without adding it', async () => {
    const detector = await detectorWith([flood1, flood2, launch]);
    const matches = await detector.match({ id: 'q', text: 'The river flooded the town; heavy rain closed the bridge.' });
    expect(matches[0]!.story.articleIds).toEqual(['flood-1', 'flood-2']);
    expect(matches[0]!.sameStory).toBe(true);
    expect(matches[0]!.explanation!.similarity).toBeGreaterThan(0.5);
    expect(matches[0]!.explanation!.bestSentencePair).toBeDefined();
    expect(matches.at(-1)!.story.articleIds).toEqual(['launch']);
    expect(matches.at(-1)!.sameStory).toBe(false);
    expect(detector.has('q')).toBe(false);
  });

  it('explains a pair with shared names and numbers when the embedder cannot explain itself', async () => {
    const detector = await detectorWith([
      { id: 'a', text: 'Mayor Kowalski said 120 homes in Opole were evacuated.', lang: 'en', publishedAt: '2026-03-01T00:00:00Z' },
      { id: 'b', text: 'Bürgermeister Kowalski: 120 Häuser in Opole evakuiert.', lang: 'de', publishedAt: '2026-03-01T06:00:00Z' },
    ]);
    const explanation = await detector.explain('a', 'b');
    expect(explanation.languages).toEqual(['en', 'de']);
    expect(explanation.timeGapHours).toBe(6);
    expect(explanation.sharedFeatures.map((f) => f.label)).toEqual(expect.arrayContaining(['Kowalski', '120', 'Opole']));
  });

  it('calibrates language pairs once two languages have enough articles, unless told not to', async () => {
    const words = ['rain', 'court', 'vote', 'match', 'bank', 'fire', 'train', 'school', 'storm', 'price'];
    const articles: Article[] = [];
    for (let i = 0; i < 60; i++) {
      const lang = i % 2 ? 'en' : 'pl';
      articles.push({ id: `a${i}`, lang, text: `${words[i % 10]} ${words[(i * 3) % 10]} ${lang === 'pl' ? 'jest' : 'is'} ${words[(i * 7) % 10]}` });
    }
    const calibrated = await detectorWith(articles);
    const pairs = calibrated.languageStatistics().map((s) => s.languages.join('-'));
    expect(pairs).toEqual(['en-en', 'en-pl', 'pl-pl']);
    const raw = await detectorWith(articles, { calibrateLanguages: false });
    expect(raw.languageStatistics()).toEqual([]);
  });

  it('throws NotFoundError for unknown ids', async () => {
    const detector = await detectorWith([flood1]);
    expect(() => detector.similarity('flood-1', 'nope')).toThrow(NotFoundError);
  });

  it('rejects out-of-range options with a typed error', async () => {
    const embedder = new WordHashEmbedder();
    await expect(StoryDetector.create({ embedder, similarityThreshold: 2 })).rejects.toThrow(InvalidOptionsError);
    await expect(StoryDetector.create({ embedder, timeWindowDays: 0 })).rejects.toThrow(InvalidOptionsError);
    await expect(StoryDetector.create({ embedder, neighbors: 0 })).rejects.toThrow(InvalidOptionsError);
    await expect(StoryDetector.create({ embedder, linkageCohesion: 1.5 })).rejects.toThrow(InvalidOptionsError);
    await expect(StoryDetector.create({ embedder, linkageCohesion: Number.NaN })).rejects.toThrow(InvalidOptionsError);
    await expect(StoryDetector.create({ embedder, index: 'faiss' as 'exact' })).rejects.toThrow(InvalidOptionsError);
  });

  it('refuses vectors of the wrong dimension or with NaN from a faulty embedder', async () => {
    const wrongSize: Embedder = { id: 'bad', dimension: 4, embed: async (xs) => xs.map(() => new Float32Array(3)) };
    const nan: Embedder = { id: 'nan', dimension: 2, embed: async (xs) => xs.map(() => Float32Array.of(NaN, 1)) };
    await expect((await StoryDetector.create({ embedder: wrongSize })).add([flood1])).rejects.toThrow(DimensionMismatchError);
    await expect((await StoryDetector.create({ embedder: nan })).add([flood1])).rejects.toThrow(InvalidVectorError);
  });

  it('gives the same stories with the HNSW index as with exact search on a small set', async () => {
    const articles = [flood1, flood2, launch];
    const exact = await detectorWith(articles, { index: 'exact' });
    const hnsw = await detectorWith(articles, { index: 'hnsw' });
    expect(hnsw.clusters().map((s) => s.articleIds)).toEqual(exact.clusters().map((s) => s.articleIds));
  });
});
