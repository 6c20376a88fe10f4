import { beforeAll, describe, expect, it } from 'vitest';
import { LexicalEmbedder } from '../../src/embed/lexical/lexical-embedder.js';
import { EVIDENCE_FIELDS, pairEvidence, rerankFitsEmbedder, sketchArticle, type ArticleSketch } from '../../src/rerank/pair-evidence.js';
import { WordHashEmbedder } from '../support/word-hash-embedder.js';
import { electionPolish, otherQuakeGerman, quakeEnglish, quakeGerman } from './articles.js';

describe('pair evidence', () => {
  let embedder: LexicalEmbedder;
  const sketch: Record<string, ArticleSketch> = {};

  beforeAll(async () => {
    embedder = await LexicalEmbedder.create();
    for (const article of [quakeEnglish, quakeGerman, otherQuakeGerman, electionPolish]) sketch[article.id] = await sketchArticle(embedder, article);
  });

  it('finds the shared place, numbers and names of one event told in two languages', () => {
    const evidence = pairEvidence(sketch['quake-en']!, sketch['quake-de']!);
    expect(evidence.crossLingual).toBe(1);
    expect(evidence.sharedPlaces).toBeGreaterThan(0); // Izmir
    expect(evidence.sharedNumbers).toBeGreaterThan(0); // 117, 6.8
    expect(evidence.sharedNumberCount).toBeCloseTo(Math.log1p(2), 6); // 6.8 / 6,8 and 117 as written
    expect(evidence.sharedWordCount).toBeGreaterThan(0); // Izmir, AFAD, Erdogan
    expect(evidence.titleCosine).toBeGreaterThan(0);
    expect(evidence.crossLingualCosine).toBe(evidence.cosine);
  });

  it('finds more of everything between reports of one event than between two earthquakes', () => {
    const same = pairEvidence(sketch['quake-en']!, sketch['quake-de']!);
    const related = pairEvidence(sketch['quake-en']!, sketch['other-quake-de']!);
    expect(same.titleCosine).toBeGreaterThan(related.titleCosine);
    expect(same.bestSentence).toBeGreaterThan(related.bestSentence);
    expect(same.sharedPlaces).toBeGreaterThan(related.sharedPlaces);
    expect(same.sharedNumberCount).toBeGreaterThan(related.sharedNumberCount);
    expect(same.surfaceOverlap).toBeGreaterThan(related.surfaceOverlap);
  });

  it('gives the same evidence whichever article comes first', () => {
    const ab = pairEvidence(sketch['quake-en']!, sketch['other-quake-de']!);
    const ba = pairEvidence(sketch['other-quake-de']!, sketch['quake-en']!);
    for (const field of EVIDENCE_FIELDS) expect(ba[field]).toBeCloseTo(ab[field], 6);
  });

  it('leaves the cross-lingual terms at zero for two articles of one language', () => {
    const evidence = pairEvidence(sketch['quake-de']!, sketch['other-quake-de']!);
    expect(evidence.crossLingual).toBe(0);
    expect(evidence.crossLingualCosine).toBe(0);
    expect(evidence.crossLingualConcepts).toBe(0);
    expect(evidence.crossLingualNames).toBe(0);
  });

  it('reads the article vector it is given instead of embedding the article again', async () => {
    const [vector] = await embedder.embed([{ text: 'unrelated words about a football match', lang: 'en' }]);
    const given = await sketchArticle(embedder, quakeEnglish, vector);
    expect(given.vector).toBe(vector);
    expect(given.sentenceVectors).toHaveLength(sketch['quake-en']!.sentenceVectors.length);
  });

  it('fits the built-in embedder only: others have no named features to share', () => {
    expect(rerankFitsEmbedder(embedder)).toBe(true);
    expect(rerankFitsEmbedder(new WordHashEmbedder())).toBe(false);
  });
});
