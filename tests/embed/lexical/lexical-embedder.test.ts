import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { EmbedInput } from '../../../src/embed/embedder.js';
import { StoryDetector } from '../../../src/detector.js';
import { LexicalEmbedder } from '../../../src/embed/lexical/lexical-embedder.js';
import type { SparseVector } from '../../../src/vectors/sparse-vector.js';
import { dot } from '../../../src/vectors/vector-math.js';
import { describeEmbedderConformance } from '../embedder-conformance.js';

describeEmbedderConformance('LexicalEmbedder', () => LexicalEmbedder.create());

const cosine = dot; // the vectors are unit length

// An invented event, reported in three languages, and another event in Polish.
const FLOOD_PL: EmbedInput = {
  lang: 'pl',
  title: 'Powódź w Bawarii: tysiące ewakuowanych',
  text: 'Po ulewnych deszczach rzeka wylała w Bawarii. Strażacy ewakuowali 3000 mieszkańców, a premier regionu Markus Söder odwiedził we wtorek zalany Regensburg.',
};
const FLOOD_DE: EmbedInput = {
  lang: 'de',
  title: 'Hochwasser in Bayern: Tausende evakuiert',
  text: 'Nach heftigen Regenfällen ist der Fluss in Bayern über die Ufer getreten. Die Feuerwehr hat 3000 Einwohner evakuiert, Ministerpräsident Markus Söder besuchte am Dienstag das überflutete Regensburg.',
};
const FLOOD_EN: EmbedInput = {
  lang: 'en',
  title: 'Flood in Bavaria: thousands evacuated',
  text: 'After heavy rain the river burst its banks in Bavaria. Firefighters evacuated 3,000 residents, and the state premier Markus Söder visited flooded Regensburg on Tuesday.',
};
const BUDGET_PL: EmbedInput = {
  lang: 'pl',
  title: 'Sejm przyjął budżet na przyszły rok',
  text: 'Posłowie przegłosowali ustawę budżetową we wtorek. Minister finansów powiedział, że deficyt spadnie, a rząd zwiększy wydatki na szkoły i szpitale.',
};

describe('LexicalEmbedder across languages', () => {
  let embedder: LexicalEmbedder;
  let pl: SparseVector, de: SparseVector, en: SparseVector, budget: SparseVector;

  beforeAll(async () => {
    embedder = await LexicalEmbedder.create();
    [pl, de, en, budget] = (await embedder.embed([FLOOD_PL, FLOOD_DE, FLOOD_EN, BUDGET_PL])) as [SparseVector, SparseVector, SparseVector, SparseVector];
  });

  it('names its vector space with version and dimension', () => {
    expect(embedder.id).toMatch(/^lexical-pivot:v\d+\.\d+:d4096$/);
    expect(embedder.dimension).toBe(4096);
    expect(embedder.sameStoryThreshold).toBeGreaterThan(0);
  });

  it('puts one event in Polish and German closer than two Polish events', () => {
    expect(cosine(pl, de)).toBeGreaterThan(cosine(pl, budget));
  });

  it('puts one event in Polish and English closer than two Polish events', () => {
    expect(cosine(pl, en)).toBeGreaterThan(cosine(pl, budget));
  });

  it('puts one event in German and English closer than German and another event', () => {
    expect(cosine(de, en)).toBeGreaterThan(cosine(de, budget));
  });

  it('explains a match with the shared place, name, number and concepts', async () => {
    const shared = await embedder.explain(FLOOD_PL, FLOOD_DE, { limit: 20 });
    const labels = shared.map((f) => f.label);
    expect(labels).toEqual(expect.arrayContaining(['3000', 'soder']));
    expect(shared.some((f) => f.kind === 'place')).toBe(true);
    expect(shared.some((f) => f.kind === 'concept')).toBe(true);
    const total = shared.reduce((sum, f) => sum + f.contribution, 0);
    expect(total).toBeGreaterThan(0);
    expect(total).toBeLessThanOrEqual(1 + 1e-6);
    for (let i = 1; i < shared.length; i++) expect(shared[i]!.contribution).toBeLessThanOrEqual(shared[i - 1]!.contribution);
  });

  it('reads the capitals of a Title Case headline as style, not as names', () => {
    const kinds = (title: string) => [...embedder.features({ lang: 'en', title, text: '' }).values()].filter((f) => f.label === 'ceremony').map((f) => f.kind);
    expect(kinds('Opening Ceremony Kicks Off Tokyo Olympics')).not.toContain('name');
    expect(kinds('Athletes watch the Ceremony from the stands')).toContain('name');
  });

  it('drops the outlet name after a title', () => {
    const labels = (title: string) => [...embedder.features({ lang: 'en', title, text: '' }).values()].map((f) => f.label);
    expect(labels('Flood in Bavaria: thousands evacuated | Daily Bugle Online')).not.toContain('bugle');
    expect(labels('Flood in Bavaria: thousands evacuated | Daily Bugle Online')).toContain('bavaria');
  });

  it('finds the common word behind a capitalised headline word outside Polish', async () => {
    const shared = await embedder.explain({ lang: 'pt', title: 'Começam hoje os Jogos em Tóquio', text: '' }, { lang: 'en', title: 'The games begin today in Tokyo', text: '' });
    expect(shared.map((f) => f.label)).toContain('game');
  });

  it('adds surface forms of known words where cognates help, not in Polish', () => {
    const surfaces = (lang: string, title: string) => [...embedder.features({ lang, title, text: '' }).values()].filter((f) => f.kind === 'token').map((f) => f.label);
    expect(surfaces('pt', 'Brasil conquista medalha de ouro')).toContain('medalha');
    expect(surfaces('pl', 'Polska zdobywa złoty medal')).toEqual([]);
  });

  it('uses the caller language over detection', () => {
    expect(embedder.languageOf({ text: 'Nordkorea hat eine Rakete getestet.' })).toBe('de');
    expect(embedder.languageOf({ text: 'Nordkorea hat eine Rakete getestet.', lang: 'pl' })).toBe('pl');
  });

  it('gives different dimensions different vector spaces', async () => {
    const small = await LexicalEmbedder.create({ dimension: 1024 });
    const [vector] = await small.embed([FLOOD_PL]);
    expect(Math.max(...vector!.indices)).toBeLessThan(1024);
    expect(Math.max(...pl.indices)).toBeGreaterThanOrEqual(1024); // a 4,096-d vector of the same text uses more
    expect(small.id).not.toBe(embedder.id);
  });

  it('rejects a dimension outside the documented range', () => {
    expect(() => new LexicalEmbedder({ dimension: 10 })).toThrow(/dimension/);
  });
});

// Golden test on the project's seed articles (read from ../shared, never copied into the repo).
const SEEDS = resolve(__dirname, '../../../../shared/seeds');

describe('LexicalEmbedder on the seed articles', () => {
  it('keeps the Polish and German Rutte reports together and every other article apart', async () => {
    const labels = JSON.parse(readFileSync(resolve(SEEDS, 'LABELS.json'), 'utf8')) as {
      articles: Record<string, { lang: string }>;
      clusters: string[][];
    };
    const files = Object.keys(labels.articles).sort();
    const embedder = await LexicalEmbedder.create();
    const vectors = await embedder.embed(files.map((file) => ({ text: readFileSync(resolve(SEEDS, file), 'utf8'), lang: labels.articles[file]!.lang })));
    const sim = (i: number, j: number): number => cosine(vectors[i]!, vectors[j]!);
    // In the embedder's own space the duplicate already outranks every other pair ...
    for (let i = 0; i < files.length; i++) {
      for (let j = i + 1; j < files.length; j++) {
        if (i === 0 && j === 1) continue;
        expect(sim(i, j), `${files[i]} vs ${files[j]}`).toBeLessThan(sim(0, 1));
      }
    }
    // ... and the detector, with the shipped threshold, finds exactly the labelled stories.
    const detector = await StoryDetector.create({ embedder });
    await detector.add(files.map((file) => ({ id: file, text: readFileSync(resolve(SEEDS, file), 'utf8'), lang: labels.articles[file]!.lang })));
    const stories = detector.clusters().map((story) => [...story.articleIds].sort());
    expect(stories.sort()).toEqual([...labels.clusters].map((c) => [...c].sort()).sort());
  });
});
