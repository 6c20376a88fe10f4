// Renders stories and their explanations as one self-contained HTML page (`samestory cluster
// --html`): inline CSS and script, no external resource, every text from an article escaped.

import type { StoryCluster } from '../cluster/story-cluster.js';
import type { SharedFeature } from '../embed/embedder.js';
import type { MatchExplanation } from '../explain.js';

/** What the page shows of one article beyond what the story lists. */
export interface ReportArticle {
  id: string;
  title?: string;
  lang?: string;
  /** Epoch milliseconds. */
  publishedAt?: number;
  source?: string;
}

export interface ReportStory {
  story: StoryCluster;
  /** Every member, by id. */
  articles: ReadonlyMap<string, ReportArticle>;
  /** Why a member belongs: its explanation against the representative, by member id. */
  explanations: ReadonlyMap<string, MatchExplanation>;
}

export interface HtmlReportInput {
  stories: readonly ReportStory[];
  embedder: { id: string; dimension: number };
  threshold: number;
  articles: number;
  /** Members explained at most per story; the page says when a story has more. */
  maxExplainedPerStory: number;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML content and quoted attribute values alike. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

const FEATURE_KIND_LABEL: Record<SharedFeature['kind'], string> = {
  name: 'name',
  place: 'place',
  number: 'number',
  concept: 'concept',
  token: 'word',
};

export function renderHtmlReport(input: HtmlReportInput): string {
  const axis = timeAxisOf(input.stories);
  const multi = input.stories.filter((s) => s.story.articleIds.length > 1).length;
  const languages = [...new Set(input.stories.flatMap((s) => s.story.languages))].sort();
  const summary =
    `${plural(input.stories.length, 'story', 'stories')} from ${plural(input.articles, 'article')} ` +
    `(${multi} with more than one article)`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>samestory: ${escapeHtml(summary)}</title>
<style>${STYLE}</style>
</head>
<body>
<header class="page">
<h1>samestory</h1>
<p class="summary">${escapeHtml(summary)}</p>
<p class="setup">embedder <code>${escapeHtml(input.embedder.id)}</code> (dimension ${input.embedder.dimension}), same-story threshold ${formatNumber(input.threshold)}${languages.length > 0 ? ` · languages ${languages.map(languageBadge).join(' ')}` : ''}</p>
${axis ? `<p class="setup">dates from ${escapeHtml(formatDate(axis.from))} to ${escapeHtml(formatDate(axis.to))}: under each story a thin bar marks its place in that range, and dots mark its articles on the story's own span</p>` : ''}
<p class="legend"><b>similarity</b>: cosine of an article to the story's representative (★), 1 = identical. <b>cohesion</b>: mean similarity of every pair of a story's articles; near the threshold the story is loose, well above it the articles agree closely. Open a story to see why each article belongs: features it shares with the representative and its best-aligned sentence pair.</p>
<p class="tools"><input type="search" id="filter" placeholder="filter stories by title, id or language" aria-label="filter stories"> <button type="button" id="open-all">open all</button> <button type="button" id="close-all">close all</button></p>
</header>
<main>
${input.stories.map((s, n) => renderStory(s, n, axis, input.maxExplainedPerStory)).join('\n')}
</main>
<script>${SCRIPT}</script>
</body>
</html>
`;
}

interface TimeAxis {
  from: number;
  to: number;
}

function timeAxisOf(stories: readonly ReportStory[]): TimeAxis | undefined {
  let from = Infinity;
  let to = -Infinity;
  for (const { articles } of stories) {
    for (const article of articles.values()) {
      if (article.publishedAt === undefined) continue;
      from = Math.min(from, article.publishedAt);
      to = Math.max(to, article.publishedAt);
    }
  }
  return from <= to ? { from, to } : undefined;
}

function renderStory(report: ReportStory, index: number, axis: TimeAxis | undefined, maxExplained: number): string {
  const { story, articles } = report;
  const representative = articles.get(story.representativeId);
  const headline = titleOf(representative ?? { id: story.representativeId });
  const size = story.articleIds.length;
  const meta = [
    plural(size, 'article'),
    story.languages.length > 0 ? story.languages.map(languageBadge).join(' ') : 'unknown language',
    size > 1 ? `cohesion ${formatNumber(story.cohesion)}` : '',
    story.timeSpan ? escapeHtml(formatSpan(story.timeSpan.from, story.timeSpan.to)) : 'undated',
  ].filter((part) => part !== '');
  const searchText = [headline, ...story.articleIds, ...story.members.map((m) => m.title ?? ''), ...story.languages].join(' ').toLowerCase();
  return `<details class="story" id="story-${index + 1}" data-story-id="${escapeHtml(story.id)}" data-members="${size}" data-search="${escapeHtml(searchText)}">
<summary>
<span class="story-number">${index + 1}</span>
<h2>${escapeHtml(headline)}</h2>
<p class="meta">${meta.join(' · ')}</p>
${axis ? renderTimeline(report, axis) : ''}
<ol class="members">
${story.members.map((member) => renderMember(member.id, member.similarityToRepresentative, articles.get(member.id), member.id === story.representativeId)).join('\n')}
</ol>
</summary>
<section class="explanation" aria-label="why these articles belong together">
${size === 1 ? '<p class="note">A single article: nothing else in the input is close enough to it.</p>' : renderExplanations(report, maxExplained)}
</section>
</details>`;
}

function renderMember(id: string, similarity: number, article: ReportArticle | undefined, isRepresentative: boolean): string {
  const date = article?.publishedAt !== undefined ? `<time>${escapeHtml(formatDate(article.publishedAt))}</time>` : '';
  const source = article?.source ? ` <span class="source">${escapeHtml(article.source)}</span>` : '';
  const score = isRepresentative ? '<span class="score rep" title="representative article">★</span>' : `<span class="score" title="similarity to the representative">${formatNumber(similarity)}</span>`;
  const title = article?.title ? escapeHtml(article.title) : `<span class="untitled">${escapeHtml(id)}</span>`;
  return `<li>${score} ${languageBadge(article?.lang)} <span class="title">${title}</span> <span class="id">${escapeHtml(id)}</span> ${date}${source}</li>`;
}

// Two strips: where the story sits in the whole collection (the axis all cards share), and
// its members' dates on the story's own span, where hours apart are visible.
function renderTimeline(report: ReportStory, axis: TimeAxis): string {
  const dated = report.story.articleIds
    .map((id) => report.articles.get(id))
    .filter((a): a is ReportArticle & { publishedAt: number } => a?.publishedAt !== undefined);
  if (dated.length === 0) return '<div class="timeline empty" title="no dated article"></div>';
  const from = Math.min(...dated.map((a) => a.publishedAt));
  const to = Math.max(...dated.map((a) => a.publishedAt));
  const position = (t: number, lo: number, hi: number) => (hi > lo ? ((t - lo) / (hi - lo)) * 100 : 50);
  const start = position(from, axis.from, axis.to);
  const width = Math.max(position(to, axis.from, axis.to) - start, 0.6);
  const overview = `<div class="overview" title="${escapeHtml(`this story within the whole input, ${formatDate(axis.from)} to ${formatDate(axis.to)}`)}"><span class="range" style="left:${start.toFixed(2)}%;width:${width.toFixed(2)}%"></span></div>`;
  const dots = dated.map(
    (a) =>
      `<span class="dot" style="left:${position(a.publishedAt, from, to).toFixed(2)}%;background:${languageColor(a.lang)}" title="${escapeHtml(`${a.lang ?? '??'} · ${formatDate(a.publishedAt)} · ${titleOf(a)}`)}"></span>`,
  );
  const ticks = from === to ? '' : `<span class="tick start">${escapeHtml(formatDate(from))}</span><span class="tick end">${escapeHtml(formatDate(to))}</span>`;
  return `${overview}<div class="timeline" role="img" aria-label="publication dates of the story's articles">${dots.join('')}${ticks}</div>`;
}

function renderExplanations(report: ReportStory, maxExplained: number): string {
  const { story, articles, explanations } = report;
  const others = story.articleIds.filter((id) => id !== story.representativeId);
  const rep = articles.get(story.representativeId);
  const parts = [`<p class="note">Each article compared with the representative, <b>${escapeHtml(titleOf(rep ?? { id: story.representativeId }))}</b>.</p>`];
  for (const id of others) {
    const explanation = explanations.get(id);
    if (explanation) parts.push(renderExplanation(id, articles.get(id), rep, explanation));
  }
  const unexplained = others.filter((id) => !explanations.has(id)).length;
  if (unexplained > 0) {
    parts.push(`<p class="note capped">${plural(unexplained, 'more article')} not explained here: the page explains at most ${maxExplained} members of a story, to stay quick to build and to open.</p>`);
  }
  return parts.join('\n');
}

function renderExplanation(id: string, article: ReportArticle | undefined, rep: ReportArticle | undefined, explanation: MatchExplanation): string {
  const features = explanation.sharedFeatures;
  const chips =
    features.length > 0
      ? `<ul class="features">${features
          .map((f) => `<li class="feature ${f.kind}" title="${escapeHtml(`${FEATURE_KIND_LABEL[f.kind]}: ${(f.contribution * 100).toFixed(0)} % of the similarity`)}"><span class="kind">${FEATURE_KIND_LABEL[f.kind]}</span> ${escapeHtml(f.label)}</li>`)
          .join('')}</ul>`
      : '<p class="note">No shared name, place, number or concept.</p>';
  const gap = explanation.timeGapHours !== undefined ? ` · ${escapeHtml(formatGap(explanation.timeGapHours))} apart` : '';
  const pair = explanation.bestSentencePair;
  const sentences = pair
    ? `<div class="pair"><p class="pair-head">best-aligned sentences (similarity ${formatNumber(pair.similarity)})</p>
<blockquote>${languageBadge(article?.lang)} ${escapeHtml(pair.b)}</blockquote>
<blockquote>${languageBadge(rep?.lang)} ${escapeHtml(pair.a)}</blockquote></div>`
    : '';
  return `<div class="why" data-article-id="${escapeHtml(id)}">
<h3>${languageBadge(article?.lang)} ${escapeHtml(titleOf(article ?? { id }))} <span class="score">similarity ${formatNumber(explanation.similarity)}${gap}</span></h3>
${chips}
${sentences}
</div>`;
}

function titleOf(article: { id: string; title?: string }): string {
  return article.title && article.title.trim() !== '' ? article.title : article.id;
}

function languageBadge(lang: string | undefined): string {
  const code = lang ?? '??';
  return `<span class="lang" style="background:${languageColor(lang)}">${escapeHtml(code)}</span>`;
}

// A stable colour per language code, so a language looks the same in every story and timeline.
function languageColor(lang: string | undefined): string {
  if (!lang) return 'hsl(0 0% 55%)';
  let hash = 0;
  for (const c of lang) hash = (hash * 31 + c.charCodeAt(0)) % 360;
  return `hsl(${(hash * 47) % 360} 55% 42%)`;
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en')} ${n === 1 ? one : many}`;
}

function formatNumber(x: number): string {
  return Number.isFinite(x) ? x.toFixed(2) : String(x);
}

// UTC throughout: the page must read the same wherever it is opened.
function formatDate(ms: number): string {
  const iso = new Date(ms).toISOString();
  return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

function formatSpan(from: number, to: number): string {
  return from === to ? formatDate(from) : `${formatDate(from)} – ${formatDate(to)}`;
}

function formatGap(hours: number): string {
  if (hours < 1) return `${Math.round(hours * 60)} min`;
  if (hours < 48) return `${Math.round(hours)} h`;
  return `${(hours / 24).toFixed(1)} days`;
}

const STYLE = `
:root{color-scheme:light;--ink:#1d232b;--muted:#5b6673;--line:#d9dee4;--card:#fff;--bg:#f3f5f7;--accent:#2456a6}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--ink);font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
header.page{padding:18px 28px 8px;max-width:1200px;margin:0 auto}
h1{margin:0 0 4px;font-size:22px}
.summary{margin:0;font-size:17px;font-weight:600}
.setup,.legend{margin:4px 0;color:var(--muted);font-size:13px}
code{font-size:12px}
.tools input{width:min(420px,100%);padding:5px 8px;border:1px solid var(--line);border-radius:6px;font:inherit}
.tools button{padding:5px 10px;border:1px solid var(--line);border-radius:6px;background:var(--card);font:inherit;cursor:pointer}
main{max-width:1200px;margin:0 auto;padding:4px 28px 28px;display:grid;gap:10px}
details.story{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:0}
details.story[open]{box-shadow:0 2px 10px rgb(0 0 0/.08)}
details.story>summary{list-style:none;cursor:pointer;padding:10px 14px 8px 48px;position:relative}
details.story>summary::-webkit-details-marker{display:none}
details.story>summary::before{content:"▸";position:absolute;left:16px;top:11px;color:var(--muted)}
details.story[open]>summary::before{content:"▾"}
.story-number{position:absolute;left:28px;top:11px;font-size:12px;color:var(--muted)}
h2{margin:0;font-size:16px}
.meta{margin:2px 0 6px;color:var(--muted);font-size:13px}
.lang{display:inline-block;min-width:24px;padding:0 5px;border-radius:4px;color:#fff;font-size:11px;font-weight:700;text-align:center;text-transform:uppercase;line-height:17px}
.overview{position:relative;height:4px;margin:2px 0 4px;border-radius:2px;background:#e4e8ec}
.overview .range{position:absolute;top:0;height:4px;border-radius:2px;background:var(--accent)}
.timeline{position:relative;height:14px;margin:4px 0 18px;background:linear-gradient(#c9d0d8,#c9d0d8) center/100% 2px no-repeat}
.timeline .tick{position:absolute;top:14px;font-size:11px;color:var(--muted)}
.timeline .tick.end{right:0}
.timeline .dot{position:absolute;top:2px;width:10px;height:10px;margin-left:-5px;border-radius:50%;border:1px solid #fff}
ol.members{margin:0;padding:0;list-style:none;font-size:14px}
ol.members li{padding:1px 0;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
.score{display:inline-block;min-width:34px;color:var(--muted);font-variant-numeric:tabular-nums;font-size:12px}
.score.rep{color:#b7791f}
.id,time,.source{color:var(--muted);font-size:12px;margin-left:4px}
.untitled{font-style:italic}
section.explanation{border-top:1px solid var(--line);padding:8px 14px 12px 48px;background:#fafbfc;border-radius:0 0 10px 10px}
.note{color:var(--muted);font-size:13px;margin:4px 0}
.why{margin:10px 0 0}
.why h3{margin:0 0 4px;font-size:14px;font-weight:600}
.why h3 .score{margin-left:6px;min-width:0}
ul.features{display:flex;flex-wrap:wrap;gap:4px;margin:0 0 4px;padding:0;list-style:none}
li.feature{border:1px solid var(--line);border-radius:12px;padding:0 8px;font-size:13px;background:#fff}
li.feature .kind{font-size:10px;text-transform:uppercase;letter-spacing:.04em;color:var(--muted)}
li.feature.name{border-color:#9ab6e4}li.feature.place{border-color:#8fcf9f}li.feature.number{border-color:#e2b77c}li.feature.concept{border-color:#c4a7e0}
.pair-head{margin:4px 0 2px;font-size:12px;color:var(--muted)}
blockquote{margin:2px 0;padding:2px 8px;border-left:3px solid var(--accent);font-size:13px;background:#fff}
`;

// Filtering and open/close all: the page works without it, it only saves clicks.
const SCRIPT = `
(function(){
  var cards=Array.prototype.slice.call(document.querySelectorAll('details.story'));
  var filter=document.getElementById('filter');
  filter.addEventListener('input',function(){
    var q=filter.value.trim().toLowerCase();
    cards.forEach(function(c){c.hidden=q!==''&&c.getAttribute('data-search').indexOf(q)<0;});
  });
  document.getElementById('open-all').addEventListener('click',function(){cards.forEach(function(c){if(!c.hidden)c.open=true;});});
  document.getElementById('close-all').addEventListener('click',function(){cards.forEach(function(c){c.open=false;});});
})();
`;
