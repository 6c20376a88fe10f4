// Fuzzing the API's input boundary (issue 6): normalizeArticle, StoryDetector.add and
// StoryDetector.match with the hostile cases the issue lists and seeded mutations of valid
// articles. Every case must be accepted (with the documented handling) or rejected with a
// typed SamestoryError, and a rejected add() must leave the detector as it was.

import { describe, expect, it } from 'vitest';
import { MAX_TEXT_CHARS, normalizeArticle } from '../../src/article.js';
import { createEmbedder } from '../../src/embed/create-embedder.js';
import { DuplicateIdError } from '../../src/errors.js';
import { StoryDetector } from '../../src/detector.js';
import { WordHashEmbedder } from '../support/word-hash-embedder.js';
import { hostileArticles, mutatedArticles } from './article-cases.js';
import { runDetectorFuzz, runNormalizeFuzz } from './article-fuzz.js';
import { FUZZ_CONFIG } from './fuzz-config.js';

const ARTICLE_FUZZ = { ...FUZZ_CONFIG, seed: FUZZ_CONFIG.articleSeed };

describe('normalizeArticle under hostile input', () => {
  it('accepts or rejects every case of issue 6 with a typed error, and what it accepts is clean', () => {
    const tally = runNormalizeFuzz('normalizeArticle: issue 6 cases', hostileArticles());
    console.log(tally.describe());
    expect(tally.failures).toEqual([]);
    expect(tally.cases).toBeGreaterThan(150);
  });

  it(`does the same for ${ARTICLE_FUZZ.normalizeMutations} seeded mutations of valid articles`, () => {
    const tally = runNormalizeFuzz('normalizeArticle: mutations', mutatedArticles(ARTICLE_FUZZ.seed, ARTICLE_FUZZ.normalizeMutations));
    console.log(tally.describe());
    expect(tally.failures).toEqual([]);
    // The generator is meant to produce both: a run where all pass or all fail tests nothing.
    expect(tally.outcomes.get('accepted')).toBeGreaterThan(100);
    expect(tally.outcomes.get('INVALID_ARTICLE')).toBeGreaterThan(100);
  });

  it('handles odd but readable input as documented', () => {
    const tenMegabytes = 'Flood in Wrocław. '.repeat(600_000);
    expect(normalizeArticle({ id: 'big', text: tenMegabytes }).text.length).toBeLessThanOrEqual(MAX_TEXT_CHARS);
    expect(normalizeArticle({ id: 'h', text: '<style>p{}</style><p>Flood</p><script>x()</script>' }).text).toBe('Flood');
    expect(normalizeArticle({ id: 's', text: 'Flood \ud800 here' }).text).toBe('Flood \ufffd here');
    expect(normalizeArticle({ id: 'c', text: 'Flood\u0000 \u001b[31mhere' }).text).toBe('Flood [31mhere');
    expect(normalizeArticle({ id: 'r', text: 'גל השיטפון הגיע' }).text).toBe('גל השיטפון הגיע');
    expect(normalizeArticle({ id: 't', title: 'Only a headline', text: '' })).toEqual({ id: 't', title: 'Only a headline', text: '' });
  });
});

describe('StoryDetector under hostile input', () => {
  it('keeps every added article through hostile adds and matches (word-hash embedder)', async () => {
    const cases = [...hostileArticles(), ...mutatedArticles(ARTICLE_FUZZ.seed + 1, ARTICLE_FUZZ.detectorMutations)];
    const { add, match } = await runDetectorFuzz('detector, word-hash embedder', cases, {
      embedder: new WordHashEmbedder(),
      seed: ARTICLE_FUZZ.seed,
      index: 'hnsw',
    });
    console.log(add.describe());
    console.log(match.describe());
    expect([...add.failures, ...match.failures]).toEqual([]);
    expect(add.outcomes.get('DUPLICATE_ID')).toBeGreaterThan(0);
  });

  it('does the same with the built-in lexical embedder, which tokenises on its own', async () => {
    const cases = [...hostileArticles(), ...mutatedArticles(ARTICLE_FUZZ.seed + 2, ARTICLE_FUZZ.lexicalMutations)];
    const embedder = await createEmbedder({ kind: 'lexical' });
    const { add, match } = await runDetectorFuzz('detector, lexical embedder', cases, { embedder, seed: ARTICLE_FUZZ.seed + 3 });
    console.log(add.describe());
    console.log(match.describe());
    expect([...add.failures, ...match.failures]).toEqual([]);
  });

  it('rejects an id repeated inside one add() and keeps the detector as it was', async () => {
    const detector = await StoryDetector.create({ embedder: new WordHashEmbedder() });
    await detector.add([{ id: 'a', text: 'flood river bridges' }]);
    await expect(detector.add([{ id: 'b', text: 'one' }, { id: 'b', text: 'two' }])).rejects.toThrow(DuplicateIdError);
    expect(detector.size).toBe(1);
    expect(detector.has('b')).toBe(false);
  });

  it('rejects an id added by an earlier call and keeps the earlier article', async () => {
    const detector = await StoryDetector.create({ embedder: new WordHashEmbedder() });
    await detector.add([{ id: 'a', text: 'flood river bridges' }]);
    await expect(detector.add([{ id: 'a', text: 'something else entirely' }])).rejects.toThrow(DuplicateIdError);
    expect(detector.size).toBe(1);
    expect(detector.article('a').text).toBe('flood river bridges');
  });
});
