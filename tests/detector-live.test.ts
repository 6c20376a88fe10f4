// The detector on a live feed: stories that update in place, a sliding active window with
// an archive, re-clustering without re-embedding, and stories that survive save/load.

import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Article } from '../src/article.js';
import { storyIdFor } from '../src/cluster/story-cluster.js';
import { StoryDetector } from '../src/detector.js';
import { NotFoundError } from '../src/errors.js';
import { WordHashEmbedder } from './support/word-hash-embedder.js';
import { firstArticles, fixturesStart, generatedArticles, laterArticles, reports } from './persist/story-articles.js';

const DAY = 86_400_000;
const start = fixturesStart;

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'samestory-live-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('StoryDetector on a live feed', () => {
  it('reports a new story as created and a later report of it as an update under the same id', async () => {
    const detector = await StoryDetector.create({ embedder: new WordHashEmbedder() });
    const first = await detector.add([firstArticles[0]!]);
    expect(first.changes).toEqual([{ type: 'created', storyId: storyIdFor('flood-1'), articleIds: ['flood-1'] }]);
    const second = await detector.add([firstArticles[1]!]);
    expect(second.changes).toEqual([
      { type: 'updated', storyId: storyIdFor('flood-1'), addedArticleIds: ['flood-2'], removedArticleIds: [] },
    ]);
    expect(detector.storyOfArticle('flood-2').id).toBe(storyIdFor('flood-1'));
  });

  it('ends with the same stories whether articles come one at a time or all at once', async () => {
    const all = [...firstArticles, ...laterArticles];
    const batch = await StoryDetector.create({ embedder: new WordHashEmbedder() });
    await batch.add(all);
    const live = await StoryDetector.create({ embedder: new WordHashEmbedder() });
    const created = new Set<string>();
    for (const article of all) {
      for (const change of (await live.add([article])).changes) if (change.type === 'created') created.add(change.storyId);
    }
    const groups = (d: StoryDetector) => d.clusters().map((s) => [...s.articleIds].sort()).sort();
    expect(groups(live)).toEqual(groups(batch));
    // Every story id the clusters show was announced by a 'created' change.
    for (const story of live.clusters()) expect(created.has(story.id)).toBe(true);
  });

  it('reports the stories of each batch of a stream as it is clustered', async () => {
    const detector = await StoryDetector.create({ embedder: new WordHashEmbedder(), batchSize: 2 });
    async function* stream() {
      yield* firstArticles;
    }
    const { added, changes } = await detector.add(stream());
    expect(added).toHaveLength(firstArticles.length);
    const mentioned = changes.flatMap((c) => (c.type === 'created' ? c.articleIds : c.type === 'updated' ? c.addedArticleIds : []));
    expect(mentioned.sort()).toEqual(firstArticles.map((a) => a.id).sort());
  });

  it('moves stories older than the active window to the archive and still answers for them', async () => {
    const detector = await StoryDetector.create({ embedder: new WordHashEmbedder(), activeWindowDays: 3, timeWindowDays: 1 });
    await detector.add(reports('flood', 'river flood closes the old bridge', 0));
    await detector.add(reports('launch', 'rocket puts weather satellite in orbit', 1));
    const { changes } = await detector.add(reports('vote', 'voters choose new mayor after long count', 5));
    expect(changes.filter((c) => c.type === 'archived').map((c) => c.storyId).sort()).toEqual(
      [storyIdFor('flood-0-0'), storyIdFor('launch-1-0')].sort(),
    );
    expect(detector.size).toBe(2);
    expect(detector.has('flood-0-0')).toBe(false);
    expect(detector.clusters({ includeArchived: false }).map((s) => s.id)).toEqual([storyIdFor('vote-5-0')]);
    expect(detector.clusters()).toHaveLength(3);
    expect(detector.storyOfArticle('flood-0-1').articleIds).toEqual(['flood-0-0', 'flood-0-1']);
    expect(detector.story(storyIdFor('launch-1-0'))?.articleIds).toEqual(['launch-1-0', 'launch-1-1']);
    expect(() => detector.similarity('flood-0-0', 'vote-5-0')).toThrow(NotFoundError);
  });

  it('does not let an article dated far in the future archive the active stories', async () => {
    const now = () => start + 2 * DAY;
    const detector = await StoryDetector.create({ embedder: new WordHashEmbedder(), activeWindowDays: 3, now });
    await detector.add(reports('flood', 'river flood closes the old bridge', 0));
    const { changes } = await detector.add([{ id: 'misdated', text: 'Tram line opens.', publishedAt: '2100-01-01' }]);
    expect(changes.some((c) => c.type === 'archived')).toBe(false);
    expect(detector.has('flood-0-0')).toBe(true);
    // Articles of the real present still move the window on.
    const later = await detector.add(reports('vote', 'voters choose new mayor after long count', 2.9));
    expect(later.changes.some((c) => c.type === 'archived')).toBe(false);
    const next = await StoryDetector.create({ embedder: new WordHashEmbedder(), activeWindowDays: 3, now: () => start + 10 * DAY });
    await next.add(reports('flood', 'river flood closes the old bridge', 0));
    expect((await next.add(reports('vote', 'voters choose new mayor after long count', 9))).changes.filter((c) => c.type === 'archived')).toHaveLength(1);
  });

  it('never archives what the same add() brought in: a collection added in one call stays whole', async () => {
    const detector = await StoryDetector.create({ embedder: new WordHashEmbedder(), activeWindowDays: 3 });
    const collection = [
      ...reports('flood', 'river flood closes the old bridge', 0),
      ...reports('vote', 'voters choose new mayor after long count', 20),
    ];
    const { changes } = await detector.add(collection);
    expect(changes.some((c) => c.type === 'archived')).toBe(false);
    expect(detector.size).toBe(4);
    expect(detector.similarity('flood-0-0', 'vote-20-0')).toBeLessThan(0.5);
    // The next add finds the flood story out of the window.
    const next = await detector.add(reports('tram', 'new tram line opens downtown', 21));
    expect(next.changes.filter((c) => c.type === 'archived').map((c) => c.storyId)).toEqual([storyIdFor('flood-0-0')]);
  });

  it('keeps a story active while its newest article is inside the window', async () => {
    const detector = await StoryDetector.create({ embedder: new WordHashEmbedder(), activeWindowDays: 3, timeWindowDays: 3 });
    await detector.add(reports('flood', 'river flood closes the old bridge', 0));
    await detector.add([{ ...reports('flood', 'river flood closes the old bridge', 2, 1)[0]!, id: 'flood-late' }]);
    const { changes } = await detector.add(reports('vote', 'voters choose new mayor after long count', 4));
    expect(changes.some((c) => c.type === 'archived')).toBe(false);
    expect(detector.storyOfArticle('flood-late').articleIds).toEqual(['flood-0-0', 'flood-0-1', 'flood-late']);
  });

  it('stays correct after evicting enough articles to compact, and its memory follows the window', async () => {
    // Stories span at most 4.8 hours here, so each day's reports are stories of their own.
    const detector = await StoryDetector.create({ embedder: new WordHashEmbedder(), activeWindowDays: 2, timeWindowDays: 0.2 });
    // The test embedder reads letters only: each day gets a word of its own.
    const dayWord = (day: number) => `day${String.fromCharCode(97 + (day % 26), 97 + Math.floor(day / 26))}`;
    const topics = ['harbour crane strike', 'orchestra tour cancelled', 'tram line opens', 'glacier melt record'];
    for (let day = 0; day < 40; day++) {
      const batch = topics.flatMap((words, t) => reports(`t${t}`, `${words} ${dayWord(day)}`, day, 3));
      await detector.add(batch);
      expect(detector.size).toBeLessThanOrEqual(3 * 12);
    }
    // 40 days x 4 stories: 3 days' worth active, the rest archived, none lost.
    const all = detector.clusters();
    expect(all).toHaveLength(160);
    expect(all.every((s) => s.articleIds.length === 3)).toBe(true);
    const [newest] = reports('t0', `${topics[0]} ${dayWord(39)}`, 39, 3);
    expect(detector.storyOfArticle(newest!.id).articleIds).toHaveLength(3);
    const [match] = await detector.match({ id: 'q', text: `${topics[2]} ${dayWord(39)}. ${topics[2]} ${dayWord(39)}, said officials.` });
    expect(match!.story.id).toBe(storyIdFor('t2-39-0'));
    // Articles arriving after the compaction are compared with the right vectors.
    const late = { ...reports('t1', `${topics[1]} ${dayWord(39)}`, 39, 3)[2]!, id: 'late' };
    const { changes } = await detector.add([late]);
    expect(changes).toEqual([{ type: 'updated', storyId: storyIdFor('t1-39-0'), addedArticleIds: ['late'], removedArticleIds: [] }]);
  });

  it('compares articles added right after a compaction with the right vectors', async () => {
    const detector = await StoryDetector.create({ embedder: new WordHashEmbedder(), activeWindowDays: 1, timeWindowDays: 0.5 });
    const at = (articles: Article[], days: number) => articles.map((a, i) => ({ ...a, publishedAt: start + days * DAY + i * 1000 }));
    await detector.add([...at(generatedArticles('a', 290), 0), ...at(generatedArticles('a2', 15), 0.7)]);
    // 290 evicted (a re-weighting follows), then 15 more: now the evicted outnumber the live
    // ones and positions are compacted, with too little changed for another re-weighting.
    await detector.add([...at(generatedArticles('b', 300), 1.5), ...at(reports('vote', 'voters choose new mayor after long count', 0), 1.5)]);
    await detector.add(at(generatedArticles('c', 1), 1.55));
    const { changes } = await detector.add(at(generatedArticles('d', 1), 1.8));
    expect(changes.filter((c) => c.type === 'archived')).not.toHaveLength(0);
    const late = { ...at(reports('vote', 'voters choose new mayor after long count', 0), 1.8)[1]!, id: 'late' };
    const after = await detector.add([late]);
    expect(after.changes).toEqual([{ type: 'updated', storyId: storyIdFor('vote-0-0'), addedArticleIds: ['late'], removedArticleIds: [] }]);
  });

  it('writes archived stories to archiveDir and finds them there after a restart', async () => {
    const archiveDir = path.join(dir, 'archive');
    const detector = await StoryDetector.create({ embedder: new WordHashEmbedder(), activeWindowDays: 2, timeWindowDays: 1, archiveDir });
    await detector.add(reports('flood', 'river flood closes the old bridge', 0));
    await detector.add(reports('vote', 'voters choose new mayor after long count', 5));
    await detector.save(path.join(dir, 'state'));
    const loaded = await StoryDetector.load(path.join(dir, 'state'), { embedder: new WordHashEmbedder() });
    expect(loaded.storyOfArticle('flood-0-0').id).toBe(storyIdFor('flood-0-0'));
    expect(loaded.clusters()).toHaveLength(2);
  });

  it('re-clusters with a new threshold without embedding again, and later adds use it', async () => {
    const embedder = new WordHashEmbedder();
    const detector = await StoryDetector.create({ embedder });
    await detector.add([...firstArticles, ...laterArticles]);
    const calls = embedder.calls;
    const before = detector.clusters().length;
    const changes = await detector.recluster({ similarityThreshold: 0.99 });
    expect(embedder.calls).toBe(calls);
    expect(detector.similarityThreshold).toBe(0.99);
    expect(detector.clusters().length).toBeGreaterThan(before);
    expect(changes.some((c) => c.type === 'created')).toBe(true);
    expect(changes.some((c) => c.type === 'updated' && c.removedArticleIds.length > 0)).toBe(true);
    const back = await detector.recluster({ similarityThreshold: 0.5 });
    expect(detector.clusters().length).toBe(before);
    expect(back.some((c) => c.type === 'merged')).toBe(true);
  });

  it('saves the stories it grew one at a time and loads exactly them, archive included', async () => {
    const detector = await StoryDetector.create({ embedder: new WordHashEmbedder(), activeWindowDays: 2, timeWindowDays: 1 });
    for (const article of [...reports('flood', 'river flood closes the old bridge', 0), ...generatedArticles('g', 30)]) {
      await detector.add([{ ...article, publishedAt: Number(article.publishedAt ?? start) + 4 * DAY }]);
    }
    await detector.add(reports('vote', 'voters choose new mayor after long count', 9));
    await detector.save(dir);
    const loaded = await StoryDetector.load(dir, { embedder: new WordHashEmbedder() });
    // Cohesion and member similarities are recomputed in the reloaded comparison space; the
    // stories themselves are the saved ones.
    const grouping = (d: StoryDetector) => d.clusters().map((s) => ({ id: s.id, articleIds: s.articleIds }));
    expect(grouping(loaded)).toEqual(grouping(detector));
    expect(loaded.size).toBe(detector.size);
    // The loaded detector goes on attaching to the saved stories.
    const next = await loaded.add([{ ...reports('vote', 'voters choose new mayor after long count', 9, 3)[2]!, id: 'vote-late' }]);
    expect(next.changes).toContainEqual({ type: 'updated', storyId: storyIdFor('vote-9-0'), addedArticleIds: ['vote-late'], removedArticleIds: [] });
  });

  it('gives every article indexed before an abort its story', async () => {
    const detector = await StoryDetector.create({ embedder: new WordHashEmbedder(), batchSize: 2 });
    const controller = new AbortController();
    await expect(
      detector.add(firstArticles, {
        signal: controller.signal,
        onProgress: (p) => {
          if (p.done >= 4) controller.abort();
        },
      }),
    ).rejects.toThrow();
    expect(detector.size).toBe(4);
    expect(detector.clusters().flatMap((s) => s.articleIds).sort()).toEqual(firstArticles.slice(0, 4).map((a) => a.id).sort());
  });

  it('cancels match, save, load and recluster through an AbortSignal, changing nothing', async () => {
    const detector = await StoryDetector.create({ embedder: new WordHashEmbedder() });
    await detector.add(firstArticles);
    await detector.save(dir);
    const aborted = AbortSignal.abort();
    await expect(detector.match(laterArticles[0]!, { signal: aborted })).rejects.toMatchObject({ code: 'ABORTED' });
    await detector.add(laterArticles);
    await expect(detector.save(dir, { signal: aborted })).rejects.toMatchObject({ code: 'ABORTED' });
    expect((await StoryDetector.load(dir, { embedder: new WordHashEmbedder() })).size).toBe(firstArticles.length);
    await expect(detector.recluster({ similarityThreshold: 0.9, signal: aborted })).rejects.toMatchObject({ code: 'ABORTED' });
    await expect(StoryDetector.load(dir, { embedder: new WordHashEmbedder(), signal: aborted })).rejects.toMatchObject({ code: 'ABORTED' });
    expect(detector.similarityThreshold).toBe(0.5);
  });

  it('refuses what is not a collection of articles with a typed error, adding nothing', async () => {
    const detector = await StoryDetector.create({ embedder: new WordHashEmbedder() });
    for (const bad of [null, 42, firstArticles[0], 'text']) {
      await expect(detector.add(bad as never)).rejects.toMatchObject({ code: 'INVALID_ARTICLE' });
    }
    await detector.add(firstArticles, null as never);
    expect(detector.size).toBe(firstArticles.length);
  });

  it('cuts texts longer than maxTextChars and keeps the setting through save and load', async () => {
    const detector = await StoryDetector.create({ embedder: new WordHashEmbedder(), maxTextChars: 20 });
    await detector.add([{ id: 'long', text: 'river flood '.repeat(100) }]);
    expect(detector.article('long').text.length).toBeLessThanOrEqual(20);
    await detector.save(dir);
    const loaded = await StoryDetector.load(dir, { embedder: new WordHashEmbedder() });
    await loaded.add([{ id: 'long-2', text: 'river flood '.repeat(100) }]);
    expect(loaded.article('long-2').text.length).toBeLessThanOrEqual(20);
  });

  it('rejects a non-positive active window with a typed error', async () => {
    await expect(StoryDetector.create({ embedder: new WordHashEmbedder(), activeWindowDays: 0 })).rejects.toMatchObject({
      code: 'INVALID_OPTIONS',
    });
  });
});
