import { beforeAll, describe, expect, it } from 'vitest';
import { LexicalEmbedder } from '../../src/embed/lexical/lexical-embedder.js';
import { pairEvidence, sketchArticle, type ArticleSketch } from '../../src/rerank/pair-evidence.js';
import { rerankCandidates } from '../../src/rerank/rerank.js';
import { RERANK_MODEL, rerankLogit, rerankScore } from '../../src/rerank/rerank-model.js';
import { electionPolish, otherQuakeGerman, quakeEnglish, quakeGerman } from './articles.js';

describe('the second stage', () => {
  const sketch: Record<string, ArticleSketch> = {};

  beforeAll(async () => {
    const embedder = await LexicalEmbedder.create();
    for (const article of [quakeEnglish, quakeGerman, otherQuakeGerman, electionPolish]) sketch[article.id] = await sketchArticle(embedder, article);
  });

  it('ranks the translation of the event above another earthquake and an unrelated story', () => {
    const ranked = rerankCandidates(sketch['quake-en']!, [
      { candidate: 'election-pl', sketch: sketch['election-pl']! },
      { candidate: 'other-quake-de', sketch: sketch['other-quake-de']! },
      { candidate: 'quake-de', sketch: sketch['quake-de']! },
    ]);
    expect(ranked.map((r) => r.candidate)).toEqual(['quake-de', 'other-quake-de', 'election-pl']);
  });

  it('calls the translation the same story and the other earthquake not', () => {
    expect(rerankScore(pairEvidence(sketch['quake-en']!, sketch['quake-de']!))).toBeGreaterThan(0.5);
    expect(rerankScore(pairEvidence(sketch['quake-en']!, sketch['other-quake-de']!))).toBeLessThan(0.5);
  });

  it('returns a probability: the logistic of the linear score', () => {
    const evidence = pairEvidence(sketch['quake-en']!, sketch['other-quake-de']!);
    const score = rerankScore(evidence);
    expect(score).toBeGreaterThan(0);
    expect(score).toBeLessThan(1);
    expect(Math.log(score / (1 - score))).toBeCloseTo(rerankLogit(evidence), 6);
  });

  it('ships coefficients fitted for the built-in embedder', async () => {
    expect(RERANK_MODEL.embedderId).toBe((await LexicalEmbedder.create()).id);
  });
});
