import { describe, expect, it } from 'vitest';
import { clusterStories, type CandidateEdge } from '../../src/cluster/average-linkage.js';
import { dot, unit } from '../support/unit-vectors.js';

/** Every pair is a candidate: the clustering's own rule decides. */
function allPairs(vectors: Float32Array[]) {
  return (i: number): CandidateEdge[] =>
    vectors.map((v, j) => ({ index: j, similarity: dot(vectors[i]!, v) })).filter((e) => e.index !== i);
}

// Two stories (x-ish and y-ish) and one article that mentions both.
const storyA = [unit([1, 0.05, 0]), unit([1, 0, 0.05]), unit([1, 0.08, 0.02])];
const storyB = [unit([0, 1, 0.05]), unit([0.05, 1, 0]), unit([0.02, 1, 0.08])];
const bridge = unit([1, 1, 0]);
const vectors = [...storyA, ...storyB, bridge];

describe('clusterStories', () => {
  it('does not chain two stories through an article similar to both', () => {
    // The bridge is 0.7 similar to every member of both stories: connected components at
    // threshold 0.6 would make one cluster of all seven.
    const groups = clusterStories({ count: vectors.length, neighbors: allPairs(vectors), vectors }, { threshold: 0.6 });
    // The bridge may join one story; the two stories stay apart.
    expect(groups).toHaveLength(2);
    expect(groups.some((g) => g.includes(0) && g.includes(3))).toBe(false);
    expect(groups.some((g) => [0, 1, 2].every((i) => g.includes(i)))).toBe(true);
    expect(groups.some((g) => [3, 4, 5].every((i) => g.includes(i)))).toBe(true);
  });

  it('gives the same groups from pairwise similarities as from vectors', () => {
    const fromVectors = clusterStories({ count: vectors.length, neighbors: allPairs(vectors), vectors }, { threshold: 0.6 });
    const fromPairs = clusterStories(
      { count: vectors.length, neighbors: allPairs(vectors), similarity: (i, j) => dot(vectors[i]!, vectors[j]!) },
      { threshold: 0.6 },
    );
    expect(fromPairs).toEqual(fromVectors);
  });

  it('keeps every article alone when the threshold is above all similarities', () => {
    const groups = clusterStories({ count: vectors.length, neighbors: allPairs(vectors), vectors }, { threshold: 0.9999 });
    expect(groups).toHaveLength(vectors.length);
  });

  it('refuses merges that would span more than the time window', () => {
    const day = 86_400_000;
    const times = [0, 1 * day, 10 * day];
    const same = [unit([1, 0]), unit([1, 0.01]), unit([1, 0.02])];
    const groups = clusterStories(
      { count: 3, neighbors: allPairs(same), vectors: same, time: (i) => times[i] },
      { threshold: 0.5, timeWindowMs: 3 * day },
    );
    expect(groups).toEqual([[0, 1], [2]]);
  });

  it('does not constrain undated articles by time', () => {
    const same = [unit([1, 0]), unit([1, 0.01])];
    const groups = clusterStories(
      { count: 2, neighbors: allPairs(same), vectors: same, time: (i) => (i === 0 ? 0 : undefined) },
      { threshold: 0.5, timeWindowMs: 1 },
    );
    expect(groups).toEqual([[0, 1]]);
  });

  it('only merges along candidate edges', () => {
    const same = [unit([1, 0]), unit([1, 0.01])];
    const groups = clusterStories({ count: 2, neighbors: () => [], vectors: same }, { threshold: 0.5 });
    expect(groups).toEqual([[0], [1]]);
  });

  it('merges a large random set deterministically into groups that partition it', () => {
    let seed = 7;
    const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    const centres = Array.from({ length: 20 }, () => Array.from({ length: 16 }, () => random() - 0.5));
    const items = Array.from({ length: 400 }, (_, i) => unit(centres[i % 20]!.map((c) => c + (random() - 0.5) * 0.15)));
    const neighbors = allPairs(items);
    const once = clusterStories({ count: items.length, neighbors, vectors: items }, { threshold: 0.7 });
    const twice = clusterStories({ count: items.length, neighbors, vectors: items }, { threshold: 0.7 });
    expect(twice).toEqual(once);
    expect(once.flat().sort((a, b) => a - b)).toEqual(items.map((_, i) => i));
    // Each group holds articles of a single centre.
    for (const group of once) expect(new Set(group.map((i) => i % 20)).size).toBe(1);
    expect(once).toHaveLength(20);
  });

  describe('with cohesion', () => {
    // One broad story told in three pairs of headlines: each pair shares its own angle (a
    // second word), every headline shares the story's core word, and neighbouring pairs are
    // linked by one headline each that shares a third word. Within a pair similarity is
    // 0.8, across pairs 0.42 except the two links (0.56). A different story shares nothing.
    const headline = (angle: number, own: number, link?: number) => {
      const v = new Array<number>(14).fill(0);
      v[0] = 1;
      v[1 + angle] = 0.9;
      v[4 + own] = 0.6;
      if (link !== undefined) v[10 + link] = 0.7;
      return unit(v);
    };
    const broad = [headline(0, 0), headline(0, 1, 0), headline(1, 2, 0), headline(1, 3, 1), headline(2, 4, 1), headline(2, 5)];
    const other = [unit([...new Array<number>(12).fill(0), 1, 0.2]), unit([...new Array<number>(12).fill(0), 1, 0.3])];
    const all = [...broad, ...other];
    const input = { count: all.length, neighbors: allPairs(all), vectors: all };

    it('lets a broad story grow where average linkage splits it into its angles', () => {
      expect(dot(broad[0]!, broad[2]!)).toBeCloseTo(0.416, 2);
      expect(dot(broad[1]!, broad[2]!)).toBeCloseTo(0.56, 2);
      // Average linkage: pair against pair averages (3 × 0.42 + 0.56) / 4 < 0.45.
      expect(clusterStories(input, { threshold: 0.45 })).toEqual([[0, 1], [2, 3], [4, 5], [6, 7]]);
      for (const cohesion of [0.5, 1]) {
        expect(clusterStories(input, { threshold: 0.45, cohesion })).toEqual([[0, 1, 2, 3, 4, 5], [6, 7]]);
      }
    });

    it('still compares two single articles by their similarity', () => {
      const pair = [broad[0]!, broad[2]!];
      const groups = clusterStories({ count: 2, neighbors: allPairs(pair), vectors: pair }, { threshold: 0.45, cohesion: 1 });
      expect(groups).toEqual([[0], [1]]);
    });

    it('gives the same groups from pairwise similarities as from vectors', () => {
      const fromPairs = clusterStories(
        { count: all.length, neighbors: allPairs(all), similarity: (i, j) => dot(all[i]!, all[j]!) },
        { threshold: 0.45, cohesion: 0.5 },
      );
      expect(fromPairs).toEqual(clusterStories(input, { threshold: 0.45, cohesion: 0.5 }));
      expect(fromPairs).toHaveLength(2);
    });

    it('rejects a cohesion outside 0..1', () => {
      expect(() => clusterStories(input, { threshold: 0.5, cohesion: 2 })).toThrow(RangeError);
    });
  });
});
