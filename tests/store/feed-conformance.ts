// One conformance suite for every way of keeping a feed's stories: the in-process
// StoryDetector and the PostgreSQL-backed PostgresFeed run the same cases (hono's pattern,
// see STYLE.md). `open` gives a fresh, empty feed for each case.

import { describe, expect, it } from 'vitest';
import type { Article } from '../../src/article.js';
import type { StoryChange } from '../../src/cluster/live-stories.js';
import { storyIdFor, type StoryCluster } from '../../src/cluster/story-cluster.js';
import type { AddResult, StoryDetectorOptions, StoryMatch } from '../../src/detector.js';
import { DuplicateIdError, NotFoundError } from '../../src/errors.js';
import { SparseWordHashEmbedder, WordHashEmbedder } from '../support/word-hash-embedder.js';
import { firstArticles, floodQuery, laterArticles, reports } from '../persist/story-articles.js';

/** What every feed answers; the in-process detector's synchronous readers are wrapped. */
export interface FeedUnderTest {
  add(articles: Article[]): Promise<AddResult>;
  clusters(options?: { includeArchived?: boolean }): Promise<StoryCluster[]>;
  story(storyId: string): Promise<StoryCluster | undefined>;
  storyOfArticle(id: string): Promise<StoryCluster>;
  match(article: Article): Promise<StoryMatch[]>;
  size(): Promise<number>;
  close(): Promise<void>;
}

export type OpenFeed = (options: StoryDetectorOptions) => Promise<FeedUnderTest>;

const groups = (stories: StoryCluster[]) => stories.map((s) => [...s.articleIds].sort()).sort();

async function using<T>(feed: FeedUnderTest, work: (feed: FeedUnderTest) => Promise<T>): Promise<T> {
  try {
    return await work(feed);
  } finally {
    await feed.close();
  }
}

export function feedConformance(name: string, open: OpenFeed): void {
  describe(`${name} (feed conformance)`, () => {
    for (const [kind, embedder] of [
      ['dense', () => new WordHashEmbedder()],
      ['sparse', () => new SparseWordHashEmbedder()],
    ] as const) {
      it(`groups the story articles into their stories (${kind} vectors)`, async () => {
        await using(await open({ embedder: embedder() }), async (feed) => {
          await feed.add(firstArticles);
          await feed.add(laterArticles);
          expect(groups(await feed.clusters())).toEqual([
            ['bakery'],
            ['election-1', 'election-2'],
            ['flood-1', 'flood-2', 'flood-3'],
            ['launch-1', 'launch-2'],
            ['museum'],
          ]);
          expect(await feed.size()).toBe(9);
        });
      });
    }

    it('reports a new story as created and a later report of it as an update under the same id', async () => {
      await using(await open({ embedder: new WordHashEmbedder() }), async (feed) => {
        const first = await feed.add([firstArticles[0]!]);
        expect(first.changes).toEqual([{ type: 'created', storyId: storyIdFor('flood-1'), articleIds: ['flood-1'] }]);
        const second = await feed.add([firstArticles[1]!]);
        expect(second.changes).toEqual<StoryChange[]>([
          { type: 'updated', storyId: storyIdFor('flood-1'), addedArticleIds: ['flood-2'], removedArticleIds: [] },
        ]);
        expect((await feed.storyOfArticle('flood-2')).id).toBe(storyIdFor('flood-1'));
        expect((await feed.story(storyIdFor('flood-1')))?.articleIds).toEqual(['flood-1', 'flood-2']);
      });
    });

    it('refuses an id the feed already holds and adds nothing of that batch', async () => {
      await using(await open({ embedder: new WordHashEmbedder() }), async (feed) => {
        await feed.add(firstArticles);
        const again = [{ id: 'fresh', text: 'A tram line opens downtown.' }, firstArticles[0]!];
        await expect(feed.add(again)).rejects.toThrow(DuplicateIdError);
        expect(await feed.size()).toBe(firstArticles.length);
        await expect(feed.storyOfArticle('fresh')).rejects.toThrow(NotFoundError);
      });
    });

    it('matches an article that is not added to its story', async () => {
      await using(await open({ embedder: new WordHashEmbedder() }), async (feed) => {
        await feed.add([...firstArticles, ...laterArticles]);
        const [best] = await feed.match(floodQuery);
        expect(best!.story.id).toBe(storyIdFor('flood-1'));
        expect(best!.sameStory).toBe(true);
      });
    });

    it('moves stories older than the active window to the archive and still answers for them', async () => {
      await using(await open({ embedder: new WordHashEmbedder(), activeWindowDays: 3, timeWindowDays: 1 }), async (feed) => {
        await feed.add(reports('flood', 'river flood closes the old bridge', 0));
        await feed.add(reports('launch', 'rocket puts weather satellite in orbit', 1));
        const { changes } = await feed.add(reports('vote', 'voters choose new mayor after long count', 5));
        expect(changes.filter((c) => c.type === 'archived').map((c) => c.storyId).sort()).toEqual([storyIdFor('flood-0-0'), storyIdFor('launch-1-0')].sort());
        expect(await feed.size()).toBe(2);
        expect((await feed.clusters({ includeArchived: false })).map((s) => s.id)).toEqual([storyIdFor('vote-5-0')]);
        expect(await feed.clusters()).toHaveLength(3);
        expect((await feed.storyOfArticle('flood-0-1')).articleIds).toEqual(['flood-0-0', 'flood-0-1']);
        expect((await feed.story(storyIdFor('launch-1-0')))?.articleIds).toEqual(['launch-1-0', 'launch-1-1']);
      });
    });

    it('puts every article in exactly one story, batch after batch', async () => {
      await using(await open({ embedder: new WordHashEmbedder(), batchSize: 3 }), async (feed) => {
        const all = [...firstArticles, ...laterArticles];
        for (let i = 0; i < all.length; i += 2) await feed.add(all.slice(i, i + 2));
        const members = (await feed.clusters()).flatMap((s) => s.articleIds);
        expect(members.sort()).toEqual(all.map((a) => a.id).sort());
      });
    });
  });
}
