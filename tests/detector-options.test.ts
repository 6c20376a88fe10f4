import { describe, expect, it } from 'vitest';
import {
  DAY_MS,
  checkSavedOptions,
  optionsFromSaved,
  resolveDetectorOptions,
  savedOptionsOf,
  type SavedDetectorOptions,
} from '../src/detector-options.js';
import { InvalidOptionsError } from '../src/errors.js';
import { WordHashEmbedder } from './support/word-hash-embedder.js';

const embedder = new WordHashEmbedder();

describe('detector options', () => {
  it('fill in the documented defaults and the embedder\'s threshold', () => {
    const settings = resolveDetectorOptions({}, embedder);
    expect(settings).toMatchObject({
      similarityThreshold: embedder.sameStoryThreshold,
      timeWindowMs: 2 * DAY_MS,
      activeWindowMs: 7 * DAY_MS,
      index: 'auto',
      neighbors: 10,
      linkageCohesion: 0.5,
      batchSize: 64,
      calibration: {},
      collectionWeighting: true,
      archiveDir: undefined,
      maxTextChars: 200_000,
    });
  });

  it.each([
    [{ neighbors: 0 }, 'neighbors'],
    [{ linkageCohesion: 1.5 }, 'linkageCohesion'],
    [{ batchSize: 2.5 }, 'batchSize'],
    [{ index: 'ivf' as never }, 'index'],
    [{ archiveDir: '' }, 'archiveDir'],
    [{ maxTextChars: -1 }, 'maxTextChars'],
    [{ now: 5 as never }, 'now'],
    [{ similarityThreshold: 2 }, 'similarityThreshold'],
    [{ timeWindowDays: 0 }, 'timeWindowDays'],
    [{ activeWindowDays: -3 }, 'activeWindowDays'],
  ])('refuse %o with InvalidOptionsError naming %s', (options, name) => {
    const error = (() => {
      try {
        resolveDetectorOptions(options, embedder);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(InvalidOptionsError);
    expect((error as InvalidOptionsError).option).toBe(name);
  });

  it('refuse a dense index for a sparse embedder whose dimension makes every vector large', () => {
    const wide = Object.assign(new WordHashEmbedder(), { vectorKind: 'sparse' as const, dimension: 65_536 });
    expect(() => resolveDetectorOptions({ index: 'hnsw' }, wide)).toThrow(/'sparse'.*at most 16384 dimensions/);
    expect(resolveDetectorOptions({ index: 'sparse' }, wide).index).toBe('sparse');
    expect(resolveDetectorOptions({ index: 'hnsw' }, Object.assign(new WordHashEmbedder(), { vectorKind: 'sparse' as const, dimension: 4096 })).index).toBe('hnsw');
  });

  it('survive a save: the saved form recreates the same settings', () => {
    const settings = resolveDetectorOptions(
      { similarityThreshold: 0.4, timeWindowDays: Infinity, activeWindowDays: 3, neighbors: 7, linkageCohesion: 0.25, index: 'sparse', calibrateLanguages: false, collectionWeighting: false, maxTextChars: 1000 },
      embedder,
    );
    const saved = JSON.parse(JSON.stringify(savedOptionsOf(settings))) as SavedDetectorOptions;
    expect(() => checkSavedOptions(saved, (m) => { throw new Error(m); })).not.toThrow();
    const again = resolveDetectorOptions(optionsFromSaved(saved), embedder);
    expect({ ...again, now: undefined }).toEqual({ ...settings, now: undefined });
  });

  it('read what older bundles lack as what those bundles were made with', () => {
    const saved = { similarityThreshold: 0.3, timeWindowDays: 2, neighbors: 20, batchSize: 64, calibrateLanguages: false, collectionWeighting: true, index: 'auto' } as SavedDetectorOptions;
    const settings = resolveDetectorOptions(optionsFromSaved(saved), embedder);
    expect(settings.linkageCohesion).toBe(0); // plain average linkage before the option existed
    expect(settings.activeWindowMs).toBe(Infinity); // nothing was archived before live feeds
  });

  it('refuse saved options that no version wrote', () => {
    const fail = (message: string): never => {
      throw new Error(message);
    };
    const good = savedOptionsOf(resolveDetectorOptions({}, embedder));
    expect(() => checkSavedOptions({ ...good, index: 'ivf' }, fail)).toThrow(/options.index/);
    expect(() => checkSavedOptions({ ...good, neighbors: 0 }, fail)).toThrow(/options.neighbors/);
    expect(() => checkSavedOptions({ ...good, timeWindowDays: -1 }, fail)).toThrow(/timeWindowDays/);
    expect(() => checkSavedOptions('options', fail)).toThrow(/must be an object/);
  });
});
