import { describe, expect, it } from 'vitest';
import type { NormalizedArticle } from '../../src/article.js';
import type { ArticleSketch } from '../../src/rerank/pair-evidence.js';
import { SketchCache } from '../../src/rerank/sketch-cache.js';

const article = (id: string): NormalizedArticle => ({ id, text: `text of ${id}` });
const sketchOf = (length: number) => ({ length }) as ArticleSketch;

describe('SketchCache', () => {
  it('makes a sketch once per article while it is kept', async () => {
    const cache = new SketchCache(2);
    const a = article('a');
    let made = 0;
    const make = async () => sketchOf(++made);
    expect((await cache.get(a, make)).length).toBe(1);
    expect((await cache.get(a, make)).length).toBe(1);
    expect(made).toBe(1);
  });

  it('forgets the least recently used article beyond its capacity', async () => {
    const cache = new SketchCache(2);
    const [a, b, c] = [article('a'), article('b'), article('c')];
    let made = 0;
    const make = async () => sketchOf(++made);
    await cache.get(a, make);
    await cache.get(b, make);
    await cache.get(a, make); // a is now the most recent
    await cache.get(c, make); // b goes
    expect(cache.size).toBe(2);
    await cache.get(a, make);
    expect(made).toBe(3);
    await cache.get(b, make);
    expect(made).toBe(4);
  });
});
