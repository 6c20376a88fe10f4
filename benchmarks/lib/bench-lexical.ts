// The built-in embedder against its targets (issue 4): articles of 3,000 characters per
// second on one core, time to load the tables, memory of the loaded tables. Loading is
// measured in a process of its own (lexical-load-probe.ts) that has loaded nothing before.

import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { detectLanguage, LexicalEmbedder, type EmbedInput } from '../../src/index.js';
import { fitTfidf, wordAnalyzer } from './tfidf.js';

/** The issue's figures: at least 2,000 articles/s per core, load under 300 ms, tables under 150 MB. */
export const LEXICAL_TARGETS = { articlesPerSecond: 2_000, articleChars: 3_000, loadMs: 300, tableMiB: 150 } as const;

export interface LexicalTargetsResult {
  articles: number;
  article_chars: number;
  languages: string[];
  /** Importing the library (its code, language detection's model) in a fresh process, and from where. */
  import_from: string;
  import_ms: number;
  import_mib: number;
  /** Constructing the embedder plus the first article in each language (each loads its word table). */
  tables_ms: number;
  /** Heap + external growth after a forced GC once every table is loaded (and resident growth). */
  tables_mib: number;
  tables_rss_mib: number;
  /** The first article without `lang`. */
  first_detection_ms: number;
  with_lang_articles_per_s: number;
  detected_lang_articles_per_s: number;
  /** The word TF-IDF vectoriser (tokenise, count, weight, normalise) on the same texts, same process. */
  baseline_word_tfidf_articles_per_s: number;
}

/**
 * Articles of exactly `chars` characters (cut at a word boundary), each built from texts of
 * one language, so language detection sees a real single-language article.
 */
export function articlesOfLength(texts: readonly EmbedInput[], chars: number): EmbedInput[] {
  const byLang = new Map<string, string[]>();
  for (const input of texts) {
    const lang = input.lang ?? 'und';
    let list = byLang.get(lang);
    if (!list) byLang.set(lang, (list = []));
    list.push(`${input.title ? `${input.title}. ` : ''}${input.text}`.replace(/\s+/g, ' '));
  }
  const out: EmbedInput[] = [];
  for (const [lang, list] of byLang) {
    let buffer = '';
    for (let i = 0; i < list.length * 4; i++) {
      buffer += `${list[i % list.length]} `;
      if (buffer.length < chars + 50) continue;
      const cut = buffer.lastIndexOf(' ', chars);
      const body = buffer.slice(0, cut > chars - 40 ? cut : chars).padEnd(chars, ' ');
      const title = body.slice(0, body.indexOf(' ', 60));
      out.push({ title, text: body.slice(title.length).padEnd(chars - title.length, '.'), lang });
      buffer = buffer.slice(chars);
    }
  }
  return out;
}

async function throughput(embedder: LexicalEmbedder, inputs: readonly EmbedInput[], minSeconds: number): Promise<number> {
  await embedder.embed(inputs.slice(0, 32)); // warm the JIT and the word caches for this path
  let articles = 0;
  const started = performance.now();
  while ((performance.now() - started) / 1000 < minSeconds) {
    for (let i = 0; i < inputs.length; i += 64) {
      const chunk = inputs.slice(i, i + 64);
      await embedder.embed(chunk);
      articles += chunk.length;
    }
  }
  return articles / ((performance.now() - started) / 1000);
}

function loadProbe(): Pick<LexicalTargetsResult, 'import_from' | 'import_ms' | 'import_mib' | 'tables_ms' | 'tables_mib' | 'tables_rss_mib' | 'first_detection_ms'> {
  const probe = fileURLToPath(new URL('./lexical-load-probe.mjs', import.meta.url));
  const built = existsSync(fileURLToPath(new URL('../../dist/index.js', import.meta.url)));
  const out = execFileSync(process.execPath, ['--expose-gc', ...(built ? [] : ['--import', 'tsx']), probe], { encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').pop()!);
}

export async function benchLexicalTargets(texts: readonly EmbedInput[], minSeconds: number): Promise<LexicalTargetsResult> {
  // Texts are grouped by language (detected where untagged) into single-language articles.
  const tagged = texts.map((input) => (input.lang ? input : { ...input, lang: detectLanguage(`${input.title ?? ''}\n${input.text}`) ?? 'und' }));
  const inputs = articlesOfLength(tagged.filter((input) => input.lang !== 'und'), LEXICAL_TARGETS.articleChars);
  const languages = [...new Set(inputs.map((input) => input.lang!))].sort();
  const load = loadProbe();
  const embedder = new LexicalEmbedder();

  const withLang = await throughput(embedder, inputs, minSeconds);
  const detected = await throughput(
    embedder,
    inputs.map(({ lang: _lang, ...rest }) => rest),
    minSeconds,
  );

  const joined = inputs.map((input) => `${input.title ?? ''}\n${input.text}`);
  fitTfidf(joined.slice(0, 32), wordAnalyzer);
  let vectorised = 0;
  const baselineStarted = performance.now();
  while ((performance.now() - baselineStarted) / 1000 < minSeconds) {
    fitTfidf(joined, wordAnalyzer);
    vectorised += joined.length;
  }
  const baseline = vectorised / ((performance.now() - baselineStarted) / 1000);

  return {
    articles: inputs.length,
    article_chars: LEXICAL_TARGETS.articleChars,
    languages,
    ...load,
    with_lang_articles_per_s: withLang,
    detected_lang_articles_per_s: detected,
    baseline_word_tfidf_articles_per_s: baseline,
  };
}
