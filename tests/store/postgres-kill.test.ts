// Writers of a shared feed killed with SIGKILL at random points (10 trials here; the
// benchmark `npm run bench:postgres` runs 100): no acknowledged article is lost, none is in
// two stories, every writer after a kill goes on, and a fresh reader rebuilds the stories
// the database records.

import { describe, expect, it } from 'vitest';
import { runKillTrials } from '../../benchmarks/lib/feed-kill-trials.js';
import { freshDatabase } from '../support/postgres-test-database.js';

describe('PostgresFeed writers killed at random points', () => {
  it('lose no acknowledged article and leave every article in exactly one story', async () => {
    const url = await freshDatabase();
    let seed = 12345;
    const random = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    const report = await runKillTrials({ url, feed: 'kill', trials: 10, random });
    expect(report.killed).toBeGreaterThan(0);
    expect(report.acknowledged).toBeGreaterThan(0);
    expect(report.lost).toEqual([]);
    expect(report.inTwoStories).toEqual([]);
    expect(report.withoutStory).toEqual([]);
    expect(report.readerDisagrees).toBe(0);
  }, 180_000);
});
