import { describe, expect, it } from 'vitest';
import { StoryDetector } from '../../src/detector.js';
import { LexicalEmbedder } from '../../src/embed/lexical/lexical-embedder.js';
import type { Article } from '../../src/article.js';
import { WordHashEmbedder } from '../support/word-hash-embedder.js';
import { electionPolish, otherQuakeGerman, quakeEnglish, quakeGerman } from './articles.js';

const stored: Article[] = [quakeGerman, otherQuakeGerman, electionPolish].map((a) => ({ id: a.id, title: a.title!, text: a.text, lang: a.lang! }));
const query: Article = { id: 'query', title: quakeEnglish.title!, text: quakeEnglish.text, lang: 'en' };

async function builtInDetector() {
  const detector = await StoryDetector.create({ embedder: await LexicalEmbedder.create() });
  await detector.add(stored);
  return detector;
}

describe('StoryDetector.match with the second stage', () => {
  it('re-scores the candidate stories with the built-in embedder and orders them by score', async () => {
    const detector = await builtInDetector();
    const matches = await detector.match(query, { explain: false });
    expect(matches[0]!.closestArticleId).toBe('quake-de');
    for (const match of matches) expect(match.score).toBeGreaterThanOrEqual(0);
    const scores = matches.map((m) => m.score!);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    expect(matches[0]!.score).toBeGreaterThan(0.5);
  });

  it('keeps sameStory as the threshold decision on similarity, the one add() makes', async () => {
    const detector = await builtInDetector();
    for (const match of await detector.match(query, { explain: false })) {
      expect(match.sameStory).toBe(match.similarity >= detector.similarityThreshold);
    }
  });

  it('orders by similarity alone and gives no score when told not to re-score', async () => {
    const detector = await builtInDetector();
    const matches = await detector.match(query, { explain: false, rerank: false });
    expect(matches.every((m) => m.score === undefined)).toBe(true);
    const similarities = matches.map((m) => m.similarity);
    expect(similarities).toEqual([...similarities].sort((a, b) => b - a));
  });

  it('leaves other embedders to the first stage by default', async () => {
    const detector = await StoryDetector.create({ embedder: new WordHashEmbedder() });
    await detector.add(stored);
    const matches = await detector.match(query, { explain: false });
    expect(matches.every((m) => m.score === undefined)).toBe(true);
  });

  it('still explains each match against its closest member', async () => {
    const detector = await builtInDetector();
    const [best] = await detector.match(query, { limit: 1 });
    expect(best!.explanation!.languages).toEqual(['en', 'de']);
    expect(best!.explanation!.sharedFeatures.length).toBeGreaterThan(0);
  });
});
