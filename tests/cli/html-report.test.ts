// The HTML report renderer: one card per story, every article text escaped, nothing loaded
// from anywhere but the file itself.

import { describe, expect, it } from 'vitest';
import type { StoryCluster } from '../../src/cluster/story-cluster.js';
import type { MatchExplanation } from '../../src/explain.js';
import { escapeHtml, renderHtmlReport, type ReportArticle, type ReportStory } from '../../src/cli/html-report.js';
import { reportStories } from '../../src/cli/report-data.js';

const HOSTILE = `<script>alert("x")</script><img src=x onerror=alert(1)> & 'quotes'`;

function story(id: string, members: ReportArticle[], explanations: Record<string, MatchExplanation> = {}): ReportStory {
  const cluster: StoryCluster = {
    id,
    articleIds: members.map((m) => m.id),
    members: members.map((m, i) => ({ id: m.id, ...(m.lang ? { lang: m.lang } : {}), ...(m.title ? { title: m.title } : {}), similarityToRepresentative: i === 0 ? 1 : 0.5 })),
    languages: [...new Set(members.map((m) => m.lang).filter((l): l is string => !!l))].sort(),
    representativeId: members[0]!.id,
    cohesion: members.length === 1 ? 1 : 0.5,
  };
  const times = members.map((m) => m.publishedAt).filter((t): t is number => t !== undefined);
  if (times.length > 0) cluster.timeSpan = { from: Math.min(...times), to: Math.max(...times) };
  return { story: cluster, articles: new Map(members.map((m) => [m.id, m])), explanations: new Map(Object.entries(explanations)) };
}

const flood = story(
  'story-flood',
  [
    { id: 'pl-1', lang: 'pl', title: 'Powódź na Odrze', publishedAt: Date.UTC(2026, 8, 17, 8) },
    { id: 'de-1', lang: 'de', title: 'Hochwasser an der Oder', publishedAt: Date.UTC(2026, 8, 17, 11) },
  ],
  {
    'de-1': {
      similarity: 0.52,
      languages: ['pl', 'de'],
      timeGapHours: 3,
      sharedFeatures: [
        { kind: 'place', label: 'racibórz', contribution: 0.3 },
        { kind: 'number', label: '3400', contribution: 0.2 },
        { kind: 'name', label: HOSTILE, contribution: 0.1 },
      ],
      bestSentencePair: { a: 'Ewakuowano 3400 osób z Raciborza.', b: '3400 Menschen wurden evakuiert.', similarity: 0.71 },
    },
  },
);
const single = story('story-single', [{ id: 'en-1', lang: 'en', title: HOSTILE, publishedAt: Date.UTC(2026, 8, 20) }]);
const untitled = story('story-untitled', [{ id: 'feed.jsonl#7' }]);

function render(stories: ReportStory[]): string {
  return renderHtmlReport({ stories, embedder: { id: 'lexical-pivot:test', dimension: 4096 }, threshold: 0.33, articles: 4, maxExplainedPerStory: 50 });
}

describe('renderHtmlReport', () => {
  it('draws one card per story, carrying its id and member count', () => {
    const html = render([flood, single, untitled]);
    expect(html.match(/<details class="story"/g)).toHaveLength(3);
    expect(html).toContain('data-story-id="story-flood" data-members="2"');
    expect(html).toContain('data-story-id="story-single" data-members="1"');
  });

  it('escapes every text that comes from an article', () => {
    const html = render([flood, single]);
    expect(html).not.toContain('<script>alert');
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    // The page's own script is the only one.
    expect(html.match(/<script>/g)).toHaveLength(1);
  });

  it('references no resource outside the file: no URL, no protocol-relative link', () => {
    const html = render([flood, single, untitled]);
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).not.toMatch(/(?:src|href|action)\s*=\s*["']?\/\//i);
    expect(html).not.toMatch(/url\(\s*["']?\/\//i);
    expect(html).not.toMatch(/@import|<link\b|<iframe\b/i);
    expect(html).not.toMatch(/(?<![:\w])\/\/[a-z0-9.-]+\.[a-z]{2,}/i);
  });

  it('shows why a member belongs: shared features with their kind and the best-aligned sentences', () => {
    const html = render([flood]);
    expect(html).toContain('<li class="feature place"');
    expect(html).toMatch(/<span class="kind">place<\/span> racibórz/);
    expect(html).toMatch(/<span class="kind">number<\/span> 3400/);
    expect(html).toContain('3400 Menschen wurden evakuiert.');
    expect(html).toContain('Ewakuowano 3400 osób z Raciborza.');
    expect(html).toContain('3 h apart');
  });

  it("marks each story on the time axis all cards share, and its members on the story's own span", () => {
    const html = render([flood, single]);
    // The whole input runs from 17 Sep 08:00 to 20 Sep 00:00 UTC (64 h): the flood story takes its first 3 h.
    expect(html).toContain('<span class="range" style="left:0.00%;width:4.69%">');
    expect(html).toContain('<span class="range" style="left:100.00%;width:0.60%">');
    // Within the flood story's own 3 hours, its two articles sit at either end.
    expect(html).toMatch(/class="dot" style="left:0\.00%[^"]*" title="pl · 2026-09-17 08:00 UTC · Powódź na Odrze"/);
    expect(html).toMatch(/class="dot" style="left:100\.00%[^"]*" title="de · 2026-09-17 11:00 UTC · Hochwasser an der Oder"/);
  });

  it('shows the id where an article has no title', () => {
    const html = render([untitled]);
    expect(html).toContain('<h2>feed.jsonl#7</h2>');
    expect(html).toContain('<span class="untitled">feed.jsonl#7</span>');
    expect(html).toContain('undated');
  });

  it('explains what cohesion and similarity mean', () => {
    expect(render([flood])).toMatch(/<b>cohesion<\/b>: mean similarity of every pair/);
  });

  it('says how many members of a story went unexplained past the cap', () => {
    const big = story('story-big', [{ id: 'a' }, { id: 'b' }, { id: 'c' }], { b: flood.explanations.get('de-1')! });
    const html = renderHtmlReport({ stories: [big], embedder: { id: 'x', dimension: 1 }, threshold: 0.3, articles: 3, maxExplainedPerStory: 1 });
    expect(html).toContain('1 more article not explained here: the page explains at most 1 members');
  });
});

describe('escapeHtml', () => {
  it('escapes the five characters that can end text or an attribute', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
  });
});

describe('reportStories', () => {
  it('explains at most the cap of members per story, most similar first, against the representative', async () => {
    const calls: Array<[string, string]> = [];
    const detector = {
      article: (id: string) => ({ id, text: 'text', title: `title ${id}` }),
      explain: async (a: string, b: string): Promise<MatchExplanation> => {
        calls.push([a, b]);
        return { similarity: 0.5, languages: [undefined, undefined], sharedFeatures: [] };
      },
    };
    const cluster: StoryCluster = {
      id: 's',
      articleIds: ['a', 'b', 'c', 'd'],
      members: [
        { id: 'a', similarityToRepresentative: 0.4 },
        { id: 'b', similarityToRepresentative: 1 },
        { id: 'c', similarityToRepresentative: 0.9 },
        { id: 'd', similarityToRepresentative: 0.6 },
      ],
      languages: [],
      representativeId: 'b',
      cohesion: 0.5,
    };
    const [report] = await reportStories(detector as never, [cluster], { maxExplainedPerStory: 2 });
    expect(calls).toEqual([
      ['b', 'c'],
      ['b', 'd'],
    ]);
    expect([...report!.explanations.keys()]).toEqual(['c', 'd']);
    expect(report!.articles.get('a')!.title).toBe('title a');
  });
});
