import { describe, expect, it } from 'vitest';
import { fnv1a, hashFeature, l2Normalise } from '../../../src/embed/lexical/hashing.js';

describe('feature hashing', () => {
  it('hashes strings with the standard FNV-1a constants', () => {
    expect(fnv1a('')).toBe(0x811c9dc5);
    expect(fnv1a('a')).toBe(0xe40c292c);
    expect(fnv1a('foobar')).toBe(0xbf9cf968);
  });

  it('puts a feature in the same dimension with the same sign every time', () => {
    const first = hashFeature('c:12345', 4096);
    expect(hashFeature('c:12345', 4096)).toEqual(first);
    expect(first.index).toBeGreaterThanOrEqual(0);
    expect(first.index).toBeLessThan(4096);
    expect([1, -1]).toContain(first.sign);
  });

  it('spreads features over dimensions and signs', () => {
    const indexes = new Set<number>();
    let negative = 0;
    for (let i = 0; i < 1000; i++) {
      const { index, sign } = hashFeature(`n:name${i}`, 4096);
      indexes.add(index);
      if (sign < 0) negative++;
    }
    expect(indexes.size).toBeGreaterThan(850);
    expect(negative).toBeGreaterThan(400);
    expect(negative).toBeLessThan(600);
  });

  it('normalises to unit length and leaves a zero vector alone', () => {
    const v = l2Normalise(Float32Array.from([3, 4]));
    expect(Array.from(v)).toEqual([expect.closeTo(0.6, 6), expect.closeTo(0.8, 6)]);
    expect(Array.from(l2Normalise(new Float32Array(3)))).toEqual([0, 0, 0]);
  });
});
