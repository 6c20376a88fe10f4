// StoryDetector under concurrent use, through its public API only: overlapping add() calls
// (arrays and async iterables), reads while adds run, save() between adds. The promise: the
// final state is the one the same calls made one after another give, and nothing throws.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Article } from '../src/article.js';
import { StoryDetector } from '../src/detector.js';
import type { EmbedInput, Embedder, EmbedOptions } from '../src/embed/embedder.js';
import { DuplicateIdError, InvalidArticleError } from '../src/errors.js';
import { seededRandom } from '../src/seeded-random.js';
import { WordHashEmbedder } from './support/word-hash-embedder.js';

/** Gives way to other tasks before answering, so that concurrent calls really interleave. */
class YieldingEmbedder implements Embedder {
  readonly id: string;
  readonly dimension: number;
  readonly sameStoryThreshold: number;
  private readonly inner = new WordHashEmbedder();

  constructor() {
    this.id = this.inner.id;
    this.dimension = this.inner.dimension;
    this.sameStoryThreshold = this.inner.sameStoryThreshold;
  }

  async embed(inputs: readonly EmbedInput[], options?: EmbedOptions): Promise<Float32Array[]> {
    await yieldToOthers();
    return this.inner.embed(inputs, options);
  }
}

const yieldToOthers = () => new Promise<void>((resolve) => setImmediate(resolve));

const TOPICS = [
  ['flood', 'river', 'oder', 'bridges', 'evacuated', 'wroclaw', 'water'],
  ['satellite', 'rocket', 'launch', 'orbit', 'kourou', 'climate', 'vega'],
  ['election', 'vote', 'parliament', 'party', 'ballot', 'coalition', 'minister'],
  ['football', 'match', 'goal', 'league', 'coach', 'stadium', 'penalty'],
  ['inflation', 'prices', 'bank', 'interest', 'rates', 'economy', 'euro'],
];

/** `count` articles on five topics, reproducible from `seed`, ids prefixed by `prefix`. */
function articles(prefix: string, count: number, seed: number): Article[] {
  const random = seededRandom(seed);
  return Array.from({ length: count }, (_, i) => {
    const topic = TOPICS[Math.floor(random() * TOPICS.length)]!;
    const words = Array.from({ length: 12 }, () => topic[Math.floor(random() * topic.length)]!);
    return { id: `${prefix}-${i}`, title: words.slice(0, 3).join(' '), text: words.join(' ') + '.', publishedAt: Date.UTC(2026, 10, 20) + i * 60_000 };
  });
}

async function* slowly(items: readonly Article[]): AsyncGenerator<Article> {
  for (const item of items) {
    await yieldToOthers();
    yield item;
  }
}

/** Everything observable about the detector's result: its size and its stories. */
function stateOf(detector: StoryDetector): { size: number; stories: string[][] } {
  return { size: detector.size, stories: detector.clusters().map((story) => [...story.articleIds].sort()) };
}

const BATCHES = [articles('a', 30, 1), articles('b', 25, 2), articles('c', 40, 3), articles('d', 15, 4)];

/**
 * The same add() calls made one after another. `streamed(i)` says which batches came as
 * async iterables: those are clustered `batchSize` articles at a time, an array as one batch,
 * and the two need not end in the same stories.
 */
async function sequential(batches: readonly Article[][], streamed: (i: number) => boolean = () => false): Promise<StoryDetector> {
  const detector = await StoryDetector.create({ embedder: new YieldingEmbedder(), batchSize: 8 });
  for (const [i, batch] of batches.entries()) await detector.add(streamed(i) ? slowly(batch) : batch);
  return detector;
}

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

describe('StoryDetector under concurrent calls', () => {
  it('ends in the sequential state after overlapping add() calls with arrays', async () => {
    const detector = await StoryDetector.create({ embedder: new YieldingEmbedder(), batchSize: 8 });
    await Promise.all(BATCHES.map((batch) => detector.add(batch)));
    expect(stateOf(detector)).toEqual(stateOf(await sequential(BATCHES)));
  });

  it('ends in the sequential state after overlapping add() calls with async iterables', async () => {
    const detector = await StoryDetector.create({ embedder: new YieldingEmbedder(), batchSize: 8 });
    const streamed = (i: number) => i % 2 === 0;
    const results = await Promise.all(BATCHES.map((batch, i) => detector.add(streamed(i) ? slowly(batch) : batch)));
    expect(results.map((r) => r.added)).toEqual(BATCHES.map((batch) => batch.map((a) => a.id)));
    expect(stateOf(detector)).toEqual(stateOf(await sequential(BATCHES, streamed)));
  });

  it('answers match(), clusters() and similarity() consistently while adds run', async () => {
    const detector = await StoryDetector.create({ embedder: new YieldingEmbedder(), batchSize: 8 });
    await detector.add(BATCHES[0]!);
    const adds = BATCHES.slice(1).map((batch, i) => detector.add(i === 1 ? slowly(batch) : batch));
    const queries = articles('q', 10, 9);
    const reads: Promise<unknown>[] = [];
    let settled = false;
    void Promise.all(adds).then(() => (settled = true));
    const sizesSeen = new Set<number>();
    for (let round = 0; !settled && round < 1000; round++) {
      sizesSeen.add(detector.size);
      // A snapshot taken mid-add: every listed article is held, none twice.
      const listed = detector.clusters().flatMap((story) => story.articleIds);
      expect(new Set(listed).size).toBe(listed.length);
      expect(listed.length).toBe(detector.size);
      for (const id of listed) expect(detector.has(id)).toBe(true);
      expect(Number.isFinite(detector.similarity('a-0', listed[listed.length - 1]!))).toBe(true);
      reads.push(
        detector.match(queries[round % queries.length]!, { limit: 3 }).then((matches) => {
          for (const match of matches) expect(Number.isFinite(match.similarity)).toBe(true);
        }),
      );
      await yieldToOthers();
    }
    await Promise.all([...adds, ...reads]);
    // The reads really ran between batches, not only before or after the adds.
    const total = BATCHES.reduce((n, batch) => n + batch.length, 0);
    expect([...sizesSeen].filter((size) => size > BATCHES[0]!.length && size < total).length).toBeGreaterThan(2);
    expect(stateOf(detector)).toEqual(stateOf(await sequential(BATCHES, (i) => i === 2)));
  });

  it('saves exactly the adds called before save(), while later adds go on', async () => {
    const detector = await StoryDetector.create({ embedder: new YieldingEmbedder(), batchSize: 8 });
    const dirA = await mkdtemp(join(tmpdir(), 'samestory-concurrent-save-'));
    const dirB = await mkdtemp(join(tmpdir(), 'samestory-concurrent-save-'));
    dirs.push(dirA, dirB);
    const first = detector.add(slowly(BATCHES[0]!));
    const second = detector.add(BATCHES[1]!);
    const saveA = detector.save(dirA);
    const third = detector.add(slowly(BATCHES[2]!));
    const saveB = detector.save(dirB);
    const fourth = detector.add(BATCHES[3]!);
    await Promise.all([first, second, saveA, third, saveB, fourth]);

    const embedder = new YieldingEmbedder();
    const loadedA = await StoryDetector.load(dirA, { embedder });
    const loadedB = await StoryDetector.load(dirB, { embedder });
    const streamed = (i: number) => i === 0 || i === 2;
    expect(stateOf(loadedA)).toEqual(stateOf(await sequential(BATCHES.slice(0, 2), streamed)));
    expect(stateOf(loadedB)).toEqual(stateOf(await sequential(BATCHES.slice(0, 3), streamed)));
    expect(stateOf(detector)).toEqual(stateOf(await sequential(BATCHES, streamed)));
  });

  it('goes on with queued adds after one of them is rejected', async () => {
    const detector = await StoryDetector.create({ embedder: new YieldingEmbedder(), batchSize: 8 });
    const good = detector.add(BATCHES[0]!);
    const duplicate = detector.add([{ id: 'new-1', text: 'flood river' }, BATCHES[0]![0]!]);
    const invalid = detector.add(slowly([...BATCHES[1]!.slice(0, 3), { id: 'bad', text: '' }]));
    const later = detector.add(BATCHES[2]!);
    await expect(duplicate).rejects.toThrow(DuplicateIdError);
    await expect(invalid).rejects.toThrow(InvalidArticleError);
    await Promise.all([good, later]);
    expect(detector.has('new-1')).toBe(false);
    expect(detector.has('bad')).toBe(false);
    // The stream's first batch (three valid articles, fewer than batchSize) was not added:
    // the bad article is in the same batch.
    expect(stateOf(detector)).toEqual(stateOf(await sequential([BATCHES[0]!, BATCHES[2]!])));
  });
});
