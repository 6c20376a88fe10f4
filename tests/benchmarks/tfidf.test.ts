import { describe, expect, it } from 'vitest';
import {
  charNgramAnalyzer,
  fitTfidf,
  sparseDot,
  SparseSimilarity,
  sparseNearestNeighbors,
  wordAnalyzer,
  type SparseVector,
} from '../../benchmarks/lib/tfidf.js';

describe('analyzers', () => {
  it('splits words of two or more letters or digits, lower-cased', () => {
    expect(wordAnalyzer('Wybory, WAHLEN! a 42 Łódź')).toEqual(['wybory', 'wahlen', '42', 'łódź']);
  });

  it('makes character n-grams over the whitespace-collapsed, padded text', () => {
    expect(charNgramAnalyzer(3, 3)('Ab   c')).toEqual([' ab', 'ab ', 'b c', ' c ']);
    expect(charNgramAnalyzer(3, 4)('ab')).toEqual([' ab', 'ab ', ' ab ']);
  });
});

describe('fitTfidf', () => {
  it('weights terms by sublinear tf and smoothed idf, then L2-normalises', () => {
    const { vectors, vocabularySize } = fitTfidf(['aa aa bb', 'bb cc'], wordAnalyzer);
    expect(vocabularySize).toBe(3);
    const idfRare = Math.log(3 / 2) + 1; // aa and cc occur in 1 of 2 texts; bb in both: idf 1.
    const norm0 = Math.hypot((1 + Math.log(2)) * idfRare, 1);
    const norm1 = Math.hypot(1, idfRare);
    expect(sparseDot(vectors[0]!, vectors[1]!)).toBeCloseTo((1 / norm0) * (1 / norm1), 6);
    for (const v of vectors) expect(sparseDot(v, v)).toBeCloseTo(1, 6);
  });

  it('gives a text without terms the empty vector', () => {
    const { vectors } = fitTfidf(['!!', 'word here'], wordAnalyzer);
    expect(vectors[0]!.indices.length).toBe(0);
    expect(sparseDot(vectors[0]!, vectors[1]!)).toBe(0);
  });
});

describe('sparseNearestNeighbors', () => {
  function bruteForce(vectors: SparseVector[], k: number) {
    return vectors.map((v, i) =>
      vectors
        .map((w, j) => ({ index: j, similarity: sparseDot(v, w) }))
        .filter((n) => n.index !== i && n.similarity > 0)
        .sort((a, b) => b.similarity - a.similarity || a.index - b.index)
        .slice(0, k),
    );
  }

  it('finds the same neighbours as comparing every pair', () => {
    // Deterministic pseudo-random texts over a small vocabulary, so many pairs share terms.
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const words = ['wahl', 'wybory', 'regierung', 'rząd', 'sturm', 'burza', 'nato', 'korea', 'gipfel', 'szczyt'];
    const texts = Array.from({ length: 60 }, () =>
      Array.from({ length: 3 + Math.floor(next() * 6) }, () => words[Math.floor(next() * words.length)]).join(' '),
    );
    const { vectors } = fitTfidf(texts, wordAnalyzer);
    const found = sparseNearestNeighbors(vectors, { k: 4 });
    const expected = bruteForce(vectors, 4);
    found.forEach((neighbors, i) => {
      expect(neighbors.map((n) => n.similarity)).toEqual(expected[i]!.map((n) => expect.closeTo(n.similarity, 5)));
    });
  });

  it('returns no neighbours for items that share no term with any other', () => {
    const { vectors } = fitTfidf(['alpha beta', 'gamma delta', 'alpha epsilon'], wordAnalyzer);
    const found = sparseNearestNeighbors(vectors, { k: 5 });
    expect(found[1]).toEqual([]);
    expect(found[0]!.map((n) => n.index)).toEqual([2]);
    expect(found[2]!.map((n) => n.index)).toEqual([0]);
  });
});

describe('SparseSimilarity', () => {
  it('gives the same cosine as sparseDot in any call order', () => {
    const { vectors, vocabularySize } = fitTfidf(
      ['wybory w polsce', 'wahlen in polen wybory', 'sturm über polen', 'burza nad polską wybory'],
      charNgramAnalyzer(3, 5),
    );
    const similarity = new SparseSimilarity(vectors, vocabularySize);
    for (const [i, j] of [[0, 1], [0, 2], [3, 0], [1, 3], [1, 1], [2, 3], [0, 1]] as const) {
      expect(similarity.similarity(i, j)).toBeCloseTo(sparseDot(vectors[i]!, vectors[j]!), 6);
    }
  });
});
