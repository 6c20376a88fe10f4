import { describe, expect, it } from 'vitest';
import { clusterStories, type CandidateEdge } from '../../src/cluster/average-linkage.js';
import { LiveStories, type StoryChange } from '../../src/cluster/live-stories.js';
import { storyIdFor } from '../../src/cluster/story-cluster.js';
import { seededRandom } from '../../src/seeded-random.js';
import { dot, unit } from '../support/unit-vectors.js';

/** Live stories over a growing list of vectors, every pair a candidate. */
function feed(threshold = 0.6) {
  const vectors: Float32Array[] = [];
  const names: string[] = [];
  const stories = new LiveStories({ threshold }, (i) => names[i]!);
  const neighbors = (i: number): CandidateEdge[] =>
    vectors.map((v, j) => ({ index: j, similarity: dot(vectors[i]!, v) })).filter((e) => e.index !== i);
  return {
    stories,
    add(items: Array<[string, Float32Array]>): StoryChange[] {
      for (const [name, vector] of items) {
        names.push(name);
        vectors.push(vector);
      }
      stories.setSpace({ vectors });
      return stories.add(items.length, () => undefined, neighbors);
    },
    names: (group: number[]) => group.map((i) => names[i]),
  };
}

const x = (noise: number) => unit([1, noise, 0, 0]);
const y = (noise: number) => unit([0, 0, 1, noise]);

describe('LiveStories', () => {
  it('opens a story for an article unlike any other, named after its first article', () => {
    const live = feed();
    expect(live.add([['a', x(0)]])).toEqual([{ type: 'created', storyId: storyIdFor('a'), articleIds: ['a'] }]);
  });

  it('attaches a similar article to the existing story and keeps its id', () => {
    const live = feed();
    live.add([['a', x(0)]]);
    const changes = live.add([['b', x(0.1)]]);
    expect(changes).toEqual([{ type: 'updated', storyId: storyIdFor('a'), addedArticleIds: ['b'], removedArticleIds: [] }]);
    expect(live.names(live.stories.groups()[0]!)).toEqual(['a', 'b']);
  });

  it('merges two stories that a new article joins, and the older id survives', () => {
    const live = feed(0.9);
    // Two reports 0.85 alike (apart at 0.9), and a third 0.96 like each: together the three
    // average above 0.9.
    const at = (degrees: number) => unit([Math.cos((degrees * Math.PI) / 180), Math.sin((degrees * Math.PI) / 180), 0, 0]);
    live.add([['left', at(29.1)]]);
    live.add([['right', at(60.9)]]);
    expect(live.stories.groups()).toHaveLength(2);
    const changes = live.add([['middle', at(45)]]);
    expect(live.stories.groups()).toEqual([[0, 1, 2]]);
    expect(changes).toEqual([
      { type: 'updated', storyId: storyIdFor('left'), addedArticleIds: ['middle'], removedArticleIds: [] },
      { type: 'merged', storyId: storyIdFor('left'), mergedStoryId: storyIdFor('right') },
    ]);
  });

  it('groups a batch exactly like clusterStories', () => {
    const random = seededRandom(11);
    const vectors = Array.from({ length: 60 }, (_, i) => {
      const centre = i % 6;
      return unit(Array.from({ length: 8 }, (_, d) => (d === centre ? 1 : 0) + 0.35 * (random() - 0.5)));
    });
    const neighbors = (i: number): CandidateEdge[] =>
      vectors.map((v, j) => ({ index: j, similarity: dot(vectors[i]!, v) })).filter((e) => e.index !== i);
    const batch = clusterStories({ count: vectors.length, neighbors, vectors }, { threshold: 0.8 });
    const live = new LiveStories({ threshold: 0.8 }, String);
    live.setSpace({ vectors });
    live.add(vectors.length, () => undefined, neighbors);
    expect(live.groups()).toEqual(batch);
  });

  it('one article at a time ends close to the batch grouping on well-separated stories', () => {
    const random = seededRandom(3);
    const vectors = Array.from({ length: 40 }, (_, i) =>
      unit(Array.from({ length: 8 }, (_, d) => (d === i % 4 ? 1 : 0) + 0.2 * (random() - 0.5))),
    );
    const live = feed(0.8);
    for (let i = 0; i < vectors.length; i++) live.add([[String(i), vectors[i]!]]);
    expect(live.stories.groups().map((g) => g.map((i) => i % 4))).toEqual([
      Array(10).fill(0),
      Array(10).fill(1),
      Array(10).fill(2),
      Array(10).fill(3),
    ]);
  });

  it('re-clusters with a new threshold and reports splits and merges against the old stories', () => {
    const live = feed(0.9);
    live.add([
      ['a1', x(0)],
      ['a2', x(0.1)],
      ['b1', unit([1, 0.9, 0, 0])],
      ['c1', y(0)],
    ]);
    expect(live.stories.groups()).toEqual([[0, 1], [2], [3]]);
    const vectors = [x(0), x(0.1), unit([1, 0.9, 0, 0]), y(0)];
    const neighbors = (i: number): CandidateEdge[] =>
      vectors.map((v, j) => ({ index: j, similarity: dot(vectors[i]!, v) })).filter((e) => e.index !== i);
    const looser = live.stories.recluster({ threshold: 0.7 }, { vectors }, () => undefined, neighbors);
    expect(live.stories.groups()).toEqual([[0, 1, 2], [3]]);
    expect(looser).toEqual([
      { type: 'updated', storyId: storyIdFor('a1'), addedArticleIds: ['b1'], removedArticleIds: [] },
      { type: 'merged', storyId: storyIdFor('a1'), mergedStoryId: storyIdFor('b1') },
    ]);
    const stricter = live.stories.recluster({ threshold: 0.999 }, { vectors }, () => undefined, neighbors);
    expect(live.stories.groups()).toEqual([[0], [1], [2], [3]]);
    expect(stricter).toEqual([
      { type: 'updated', storyId: storyIdFor('a1'), addedArticleIds: [], removedArticleIds: ['a2', 'b1'] },
      { type: 'created', storyId: storyIdFor('a2'), articleIds: ['a2'] },
      { type: 'created', storyId: storyIdFor('b1'), articleIds: ['b1'] },
    ]);
  });

  it('forgets removed stories and renumbers the rest on compaction', () => {
    const live = feed(0.8);
    live.add([
      ['a1', x(0)],
      ['c1', y(0)],
      ['a2', x(0.1)],
      ['c2', y(0.1)],
    ]);
    live.stories.remove(live.stories.rootOf(0));
    expect(live.stories.groups()).toEqual([[1, 3]]);
    live.stories.compact(Int32Array.from([-1, 0, -1, 1]), 2);
    expect(live.stories.groups()).toEqual([[0, 1]]);
    expect(live.stories.firstOf(1)).toBe(0);
  });
});
