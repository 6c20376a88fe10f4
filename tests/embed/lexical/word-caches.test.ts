import { describe, expect, it } from 'vitest';
import { WordEntryCache, WordFeatureCache, WordFeatureList } from '../../../src/embed/lexical/word-caches.js';

function featuresOf(cache: WordFeatureCache, word: string): { hash: number; weight: number; kind: number; ref: string | number }[] {
  const entry = cache.find(word);
  const out = [];
  for (let k = cache.start(entry); k < cache.end(entry); k++) out.push({ hash: cache.hashes[k]!, weight: cache.weights[k]!, kind: cache.kinds[k]!, ref: cache.refs[k]! });
  return out;
}

describe('WordFeatureCache', () => {
  it('gives back the features stored for each word, after many words made its arrays grow', () => {
    const cache = new WordFeatureCache(10_000);
    const list = new WordFeatureList();
    for (let w = 0; w < 3000; w++) {
      list.clear();
      for (let f = 0; f < w % 4; f++) list.add(w * 10 + f, 0.5 + f, f, f === 0 ? `word${w}` : w);
      cache.store(`w${w}`, list);
    }
    expect(cache.size).toBe(3000);
    expect(featuresOf(cache, 'w7')).toEqual([
      { hash: 70, weight: 0.5, kind: 0, ref: 'word7' },
      { hash: 71, weight: 1.5, kind: 1, ref: 7 },
      { hash: 72, weight: 2.5, kind: 2, ref: 7 },
    ]);
    expect(featuresOf(cache, 'w2996')).toEqual([]);
    expect(featuresOf(cache, 'w2999')).toHaveLength(3);
  });

  it('keeps no feature whose weight is not positive', () => {
    const list = new WordFeatureList();
    list.add(1, 0, 0, 'zero');
    list.add(2, Number.NaN, 0, 'nan');
    list.add(3, 0.25, 0, 'kept');
    const cache = new WordFeatureCache(10);
    cache.store('x', list);
    expect(featuresOf(cache, 'x').map((f) => f.ref)).toEqual(['kept']);
  });

  it('forgets every word once its limit is reached, so a long run stays bounded', () => {
    const cache = new WordFeatureCache(3);
    const list = new WordFeatureList();
    list.add(5, 1, 0, 'five');
    for (const word of ['a', 'b', 'c']) cache.store(word, list);
    expect(cache.find('a')).toBe(0);
    cache.store('d', list);
    expect(cache.size).toBe(1);
    expect(cache.find('a')).toBe(-1);
    expect(featuresOf(cache, 'd')).toEqual([{ hash: 5, weight: 1, kind: 0, ref: 'five' }]);
  });
});

describe('WordEntryCache', () => {
  const entry = (ic: number, ids: number[], weights: number[]) => ({ informationContent: ic, conceptIds: Uint32Array.from(ids), conceptWeights: Float32Array.from(weights) });

  it('hands out copies of what was stored, and undefined for unknown words', () => {
    const cache = new WordEntryCache(100);
    const stored = entry(7.5, [3, 9], [0.75, 0.25]);
    cache.store('krieg', stored);
    stored.conceptIds[0] = 99;
    const found = cache.get('krieg')!;
    expect(found.informationContent).toBe(7.5);
    expect(Array.from(found.conceptIds)).toEqual([3, 9]);
    expect(Array.from(found.conceptWeights)).toEqual([0.75, 0.25]);
    expect(cache.get('frieden')).toBeUndefined();
  });

  it('keeps NaN information content and empty entries (words the table lacks)', () => {
    const cache = new WordEntryCache(100);
    cache.store('xyzzy', entry(Number.NaN, [], []));
    const found = cache.get('xyzzy')!;
    expect(found.informationContent).toBeNaN();
    expect(found.conceptIds).toHaveLength(0);
  });

  it('leaves entries handed out before intact when later words grow or clear it', () => {
    const cache = new WordEntryCache(2000);
    const first = cache.store('first', entry(1, [1, 2, 3], [0.5, 0.25, 0.25]));
    for (let w = 0; w < 1999; w++) cache.store(`w${w}`, entry(w, [w, w + 1, w + 2, w + 3], [0.25, 0.25, 0.25, 0.25]));
    cache.store('after-clear', entry(2, [7, 7, 7], [1, 1, 1]));
    expect(cache.size).toBe(1);
    expect(cache.get('first')).toBeUndefined();
    expect(Array.from(first.conceptIds)).toEqual([1, 2, 3]);
    expect(Array.from(first.conceptWeights)).toEqual([0.5, 0.25, 0.25]);
  });
});
