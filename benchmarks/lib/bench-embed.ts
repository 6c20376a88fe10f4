// Embedding throughput: the built-in embedder, and TransformersEmbedder on a model with the
// real multilingual-e5-small architecture (random weights, generated locally), next to
// onnxruntime-node run directly on the very same token windows and batches.

import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { InferenceSession, Tensor } from 'onnxruntime-node';

import { LexicalEmbedder, TransformersEmbedder, type EmbedInput } from '../../src/index.js';
import { planWindows } from '../../src/embed/text-windows.js';
import { DEFAULT_PAIRS_FILE, DEFAULT_SEEDS_DIR, loadSeeds } from './data.js';
import { log } from './report.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const REPO = join(here, '../..');
export const CACHE_DIR = join(REPO, 'benchmarks/.cache');
/** The folder name under CACHE_DIR of the generated e5-small-sized model. */
export const E5_SIZED_MODEL = 'e5-small-size';
export const BATCH_SIZES = [1, 8, 32] as const;

/** multilingual-e5-small's architecture, as the generator script takes it. */
const E5_SMALL_ARGS = ['--layers', '12', '--hidden', '384', '--heads', '12', '--intermediate', '1536', '--vocab-size', '250037', '--max-position', '514'];
/** What the catalog says about e5-small: windows of 512 tokens, "query: " prefix, mean pooling. */
const E5_SETTINGS = { maxTokens: 512, prefix: 'query: ', pooling: 'mean' as const, windowOverlap: 32, leadWindowWeight: 2 };

/** Generates the model into benchmarks/.cache once (about a minute); later runs reuse it. */
export function ensureE5SizedModel(): { dir: string; generatedSeconds: number } {
  const dir = join(CACHE_DIR, E5_SIZED_MODEL);
  if (existsSync(join(dir, 'onnx/model_quantized.onnx')) && existsSync(join(dir, 'tokenizer.json'))) return { dir, generatedSeconds: 0 };
  log(`generating ${dir} with scripts/generate_bert_onnx.py (e5-small architecture, random weights) …`);
  const started = performance.now();
  execFileSync('/usr/bin/python3', [join(REPO, 'scripts/generate_bert_onnx.py'), ...E5_SMALL_ARGS, '--out', dir], { stdio: ['ignore', 'ignore', 'inherit'] });
  return { dir, generatedSeconds: (performance.now() - started) / 1000 };
}

/** Real news texts: the seed articles and the SemEval de–pl articles (title + lead), mixed. */
export async function benchmarkArticles(): Promise<EmbedInput[]> {
  const seeds = await loadSeeds(DEFAULT_SEEDS_DIR);
  const articlesFile = DEFAULT_PAIRS_FILE.replace('.eval.jsonl', '.articles.jsonl');
  const semeval = readFileSync(articlesFile, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as { title?: string; text?: string; lang?: string })
    .filter((row) => (row.text ?? '').length > 200)
    .map((row) => ({ title: row.title ?? '', text: row.text ?? '', ...(row.lang ? { lang: row.lang } : {}) }));
  const inputs: EmbedInput[] = [];
  // Seeds (2–4k characters) spread among the shorter SemEval leads.
  const seedInputs = seeds.articles.map((a) => ({ title: a.title ?? '', text: a.text, lang: a.lang ?? 'pl' }));
  semeval.forEach((input, i) => {
    if (i % 12 === 0 && seedInputs.length > 0) inputs.push(seedInputs.shift()!);
    inputs.push(input);
  });
  inputs.push(...seedInputs);
  return inputs;
}

function wordCount(input: EmbedInput): number {
  return (`${input.title ?? ''} ${input.text}`.match(/[\p{L}\p{N}]+/gu) ?? []).length;
}

export interface ThroughputRow {
  system: string;
  batch: number;
  articles: number;
  /** What `tokens` counts. */
  tokenUnit: string;
  tokens: number;
  seconds: number;
  articles_per_s: number;
  tokens_per_s: number;
}

function row(system: string, batch: number, articles: number, tokenUnit: string, tokens: number, seconds: number): ThroughputRow {
  return { system, batch, articles, tokenUnit, tokens, seconds, articles_per_s: articles / seconds, tokens_per_s: tokens / seconds };
}

/** The built-in embedder, calls of `batch` articles, repeated over the texts for at least `minSeconds`. */
export async function benchLexical(inputs: readonly EmbedInput[], minSeconds: number): Promise<ThroughputRow[]> {
  const embedder = await LexicalEmbedder.create();
  await embedder.embed(inputs); // loads the tables and warms the JIT, for every batch size alike
  const rows: ThroughputRow[] = [];
  for (const batch of BATCH_SIZES) {
    let articles = 0;
    let words = 0;
    const started = performance.now();
    while ((performance.now() - started) / 1000 < minSeconds) {
      for (let i = 0; i < inputs.length; i += batch) {
        const chunk = inputs.slice(i, i + batch);
        await embedder.embed(chunk);
        articles += chunk.length;
        for (const input of chunk) words += wordCount(input);
      }
    }
    rows.push(row(embedder.id, batch, articles, 'words', words, (performance.now() - started) / 1000));
  }
  await embedder.dispose?.();
  return rows;
}

interface RawWindow {
  ids: number[];
  input: number;
  weight: number;
}

/**
 * TransformersEmbedder.embed vs onnxruntime-node on the same windows and batches. Windows are
 * rebuilt here the way the embedder documents them (title + "\n" + text, planWindows, [CLS]
 * prefix … [SEP]); the raw side starts from ready token ids, so its time is the runtime alone,
 * and tokenisation is timed on its own. The two sides' vectors are compared, to show that
 * they did the same work.
 */
export async function benchTransformers(
  inputs: readonly EmbedInput[],
  options: { dtype: 'q8' | 'fp32'; articles: number; rounds: number },
): Promise<{ rows: ThroughputRow[]; tokenizeSeconds: number; overhead: Record<string, number>; minCosine: number; modelDir: string; generatedSeconds: number }> {
  const { dir, generatedSeconds } = ensureE5SizedModel();
  const texts = inputs.slice(0, options.articles);
  // Loaded here, not at the top: every benchmark worker imports this file, and with
  // onnxruntime-node (or sharp) loaded, the sparse index searched 1.3 times slower in the
  // same process (3.4 vs 4.4 ms p50, alternating runs), which would put a neural runtime's cost
  // on the built-in path's rows; its users never load one.
  const ort = await import('onnxruntime-node');
  const { AutoTokenizer, env } = await import('@huggingface/transformers');

  // Token windows, exactly as the embedder plans them.
  env.allowRemoteModels = false;
  env.localModelPath = CACHE_DIR;
  const tokenizer = await AutoTokenizer.from_pretrained(E5_SIZED_MODEL);
  // Encoding the empty text yields just the special tokens: [CLS] [SEP] for this BERT tokenizer.
  const [cls, sep] = tokenizer.encode('') as [number, number];
  const prefixIds = tokenizer.encode(E5_SETTINGS.prefix.trimEnd(), { add_special_tokens: false });
  const size = E5_SETTINGS.maxTokens - 2 - prefixIds.length;
  const tokenizeStarted = performance.now();
  const windowsOf = texts.map((input, index): RawWindow[] => {
    const content = tokenizer.encode(input.title ? `${input.title.trim()}\n${input.text}` : input.text, { add_special_tokens: false });
    return planWindows(content.length, { size, overlap: E5_SETTINGS.windowOverlap, leadWeight: E5_SETTINGS.leadWindowWeight }).map((w) => ({
      ids: [cls, ...prefixIds, ...content.slice(w.start, w.end), sep],
      input: index,
      weight: w.weight,
    }));
  });
  const tokenizeSeconds = (performance.now() - tokenizeStarted) / 1000;
  const tokens = windowsOf.flat().reduce((sum, w) => sum + w.ids.length, 0);

  const modelFile = join(dir, options.dtype === 'q8' ? 'onnx/model_quantized.onnx' : 'onnx/model.onnx');
  const session = await ort.InferenceSession.create(modelFile, { executionProviders: ['cpu'] });
  const rows: ThroughputRow[] = [];
  const overhead: Record<string, number> = {};
  let minCosine = 1;

  for (const batch of BATCH_SIZES) {
    const embedder = await TransformersEmbedder.create({
      model: E5_SIZED_MODEL,
      localModelPath: CACHE_DIR,
      dtype: options.dtype,
      batchSize: batch,
      ...E5_SETTINGS,
    });
    // Warm-up: first runs allocate arenas in both.
    await embedder.embed(texts.slice(0, 1));
    await runRaw(ort, session, windowsOf.slice(0, 1), batch);

    // Library and raw runtime take turns, twice; the faster round of each counts, so a
    // burst of load from elsewhere on the machine does not decide the ratio.
    let librarySeconds = Infinity;
    let rawSeconds = Infinity;
    let libraryVectors: Float32Array[] = [];
    let rawVectors: Float32Array[] = [];
    for (let round = 0; round < options.rounds; round++) {
      let started = performance.now();
      libraryVectors = [];
      for (let i = 0; i < texts.length; i += batch) libraryVectors.push(...(await embedder.embed(texts.slice(i, i + batch))));
      librarySeconds = Math.min(librarySeconds, (performance.now() - started) / 1000);
      started = performance.now();
      rawVectors = [];
      for (let i = 0; i < texts.length; i += batch) rawVectors.push(...(await runRaw(ort, session, windowsOf.slice(i, i + batch), batch)));
      rawSeconds = Math.min(rawSeconds, (performance.now() - started) / 1000);
    }

    libraryVectors.forEach((v, i) => {
      let dot = 0;
      for (let d = 0; d < v.length; d++) dot += v[d]! * rawVectors[i]![d]!;
      minCosine = Math.min(minCosine, dot);
    });
    rows.push(row(`TransformersEmbedder (${options.dtype})`, batch, texts.length, 'model tokens', tokens, librarySeconds));
    rows.push(row(`onnxruntime-node direct (${options.dtype})`, batch, texts.length, 'model tokens', tokens, rawSeconds));
    overhead[`batch_${batch}`] = librarySeconds / rawSeconds - 1;
    await embedder.dispose();
    log(`  transformers ${options.dtype} batch ${batch}: library ${librarySeconds.toFixed(1)} s, raw ${rawSeconds.toFixed(1)} s`);
  }
  await session.release();
  return { rows, tokenizeSeconds, overhead, minCosine, modelDir: dir, generatedSeconds };
}

/** The articles' windows, longest first, in batches of `batch`; mean pooling, L2 norm, weighted mean per article. */
async function runRaw(ort: { Tensor: typeof Tensor }, session: InferenceSession, windowsOf: readonly RawWindow[][], batch: number): Promise<Float32Array[]> {
  const windows = windowsOf.flat().sort((a, b) => b.ids.length - a.ids.length || a.input - b.input);
  const first = windowsOf[0]?.[0]?.input ?? 0;
  const sums = windowsOf.map(() => ({ vector: undefined as Float64Array | undefined, weight: 0 }));
  const wantsTypes = session.inputNames.includes('token_type_ids');
  for (let start = 0; start < windows.length; start += batch) {
    const chunk = windows.slice(start, start + batch);
    const width = Math.max(...chunk.map((w) => w.ids.length));
    const ids = new BigInt64Array(chunk.length * width);
    const mask = new BigInt64Array(chunk.length * width);
    chunk.forEach((w, r) => w.ids.forEach((id, c) => {
      ids[r * width + c] = BigInt(id);
      mask[r * width + c] = 1n;
    }));
    const feeds: Record<string, Tensor> = {
      input_ids: new ort.Tensor('int64', ids, [chunk.length, width]),
      attention_mask: new ort.Tensor('int64', mask, [chunk.length, width]),
    };
    if (wantsTypes) feeds.token_type_ids = new ort.Tensor('int64', new BigInt64Array(chunk.length * width), [chunk.length, width]);
    const output = await session.run(feeds);
    const hidden = (output.last_hidden_state ?? Object.values(output)[0]!) as Tensor;
    const data = hidden.data as Float32Array;
    const dim = hidden.dims[2]!;
    chunk.forEach((w, r) => {
      const pooled = new Float64Array(dim);
      for (let c = 0; c < w.ids.length; c++) for (let d = 0; d < dim; d++) pooled[d]! += data[(r * width + c) * dim + d]!;
      let norm = 0;
      for (let d = 0; d < dim; d++) norm += pooled[d]! * pooled[d]!;
      norm = Math.sqrt(norm);
      const sum = sums[w.input - first]!;
      sum.vector ??= new Float64Array(dim);
      for (let d = 0; d < dim; d++) sum.vector[d]! += (w.weight * pooled[d]!) / norm;
      sum.weight += w.weight;
    });
  }
  return sums.map(({ vector }) => {
    const out = Float32Array.from(vector!);
    let norm = 0;
    for (const x of out) norm += x * x;
    norm = Math.sqrt(norm);
    for (let d = 0; d < out.length; d++) out[d]! /= norm;
    return out;
  });
}
