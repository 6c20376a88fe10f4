import { describe, expect, it } from 'vitest';
import { editedArticles, seededRandom, storyVectors } from '../../benchmarks/lib/synthetic.js';
import { sparseDot } from '../../benchmarks/lib/tfidf.js';

describe('storyVectors', () => {
  const data = storyVectors({ count: 400, dimension: 1024, seed: 5 });

  it('makes unit vectors whose sparse and dense forms agree', () => {
    data.vectors.forEach((dense, i) => {
      const sparse = data.sparse[i]!;
      expect(sparseDot(sparse, sparse)).toBeCloseTo(1, 5);
      sparse.indices.forEach((k, a) => expect(dense[k]).toBe(sparse.values[a]));
    });
  });

  it('puts articles of one story much closer together than articles of different stories', () => {
    let same = 0;
    let sameCount = 0;
    let other = 0;
    let otherCount = 0;
    for (let i = 0; i + 1 < data.vectors.length; i++) {
      const similarity = sparseDot(data.sparse[i]!, data.sparse[i + 1]!);
      if (data.story[i] === data.story[i + 1]) {
        same += similarity;
        sameCount++;
      } else {
        other += similarity;
        otherCount++;
      }
    }
    expect(same / sameCount).toBeGreaterThan(0.35);
    expect(other / otherCount).toBeLessThan(0.05);
  });

  it('is the same for the same seed', () => {
    const again = storyVectors({ count: 400, dimension: 1024, seed: 5 });
    expect(Array.from(again.story)).toEqual(Array.from(data.story));
    expect(Array.from(again.vectors[17]!)).toEqual(Array.from(data.vectors[17]!));
  });
});

describe('editedArticles', () => {
  const bases = [
    { title: 'Sturm über Hamburg', text: 'Der Sturm traf Hamburg am Morgen. Die Elbe trat über die Ufer. Schulen blieben geschlossen.', lang: 'de' },
    { title: 'Wybory w Polsce', text: 'Polacy wybrali nowy parlament. Frekwencja była wysoka. Wyniki poznamy jutro.', lang: 'pl' },
  ];

  it('makes the requested number of articles, each with a story, in the language of its base', () => {
    const { inputs, story } = editedArticles(bases, 50);
    expect(inputs).toHaveLength(50);
    expect(story).toHaveLength(50);
    for (const input of inputs) expect(['de', 'pl']).toContain(input.lang);
    expect(new Set(story).size).toBeGreaterThan(1);
  });

  it('keeps the lead of the base in every article (edited, not replaced)', () => {
    const { inputs } = editedArticles(bases, 20, { storyEditRate: 0, articleEditRate: 0 });
    for (const input of inputs) {
      expect(input.text.startsWith(input.lang === 'de' ? 'Der Sturm traf Hamburg am Morgen.' : 'Polacy wybrali nowy parlament.')).toBe(true);
    }
  });
});

describe('seededRandom', () => {
  it('repeats its sequence for a seed and stays in [0, 1)', () => {
    const a = seededRandom(42);
    const b = seededRandom(42);
    for (let i = 0; i < 100; i++) {
      const x = a();
      expect(x).toBe(b());
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThan(1);
    }
  });
});
