// TransformersEmbedder on the generated test model models/tiny-random-bert (random weights,
// 32 dimensions, 128-token windows): everything runs offline.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { AutoTokenizer, env, type PreTrainedTokenizer } from '@huggingface/transformers';
import ort from 'onnxruntime-node';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { TransformersEmbedder, type TransformersEmbedderOptions } from '../../src/embed/transformers-embedder.js';
import { AbortedError, InvalidOptionsError, InvalidVectorError, ModelNotFoundError } from '../../src/errors.js';
import type { Progress } from '../../src/progress.js';
import { describeEmbedderConformance } from './embedder-conformance.js';

const MODELS = fileURLToPath(new URL('../../models', import.meta.url));
const TINY = 'tiny-random-bert';
const TINY_DIR = path.join(MODELS, TINY);

function tiny(options: TransformersEmbedderOptions = {}): Promise<TransformersEmbedder> {
  return TransformersEmbedder.create({ model: TINY, localModelPath: MODELS, ...options });
}

function maxDifference(a: Float32Array, b: Float32Array): number {
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}

function dot(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i]! * b[i]!;
  return sum;
}

function normalize(v: Float64Array): Float32Array {
  const norm = Math.sqrt(v.reduce((s, x) => s + x * x, 0));
  return Float32Array.from(v, (x) => x / norm);
}

// Two paragraphs long enough to need several 128-token windows.
const LONG_TEXT = [
  'Nordkorea hat am Montag erneut eine Rakete getestet, teilte die Regierung in Seoul mit.',
  'Korea Północna wystrzeliła rakietę balistyczną w kierunku morza, poinformował rząd.',
  'The missile flew east and fell into the sea; Japan and South Korea protested.',
].join(' ').repeat(6);

describeEmbedderConformance('TransformersEmbedder fp32', () => tiny({ dtype: 'fp32' }));
describeEmbedderConformance('TransformersEmbedder q8', () => tiny({ dtype: 'q8' }));

describe('TransformersEmbedder', () => {
  let fp32: TransformersEmbedder;
  let tokenizer: PreTrainedTokenizer;
  let reference: ort.InferenceSession;

  /** The model run directly by onnxruntime on one window of ids, pooled by hand: the reference. */
  async function referenceWindow(ids: number[], pooling: 'mean' | 'cls' = 'mean'): Promise<Float32Array> {
    const n = ids.length;
    const feeds = {
      input_ids: new ort.Tensor('int64', BigInt64Array.from(ids, BigInt), [1, n]),
      attention_mask: new ort.Tensor('int64', new BigInt64Array(n).fill(1n), [1, n]),
      token_type_ids: new ort.Tensor('int64', new BigInt64Array(n), [1, n]),
    };
    const hidden = (await reference.run(feeds)).last_hidden_state!.data as Float32Array;
    const dimension = hidden.length / n;
    const pooled = new Float64Array(dimension);
    if (pooling === 'cls') pooled.set(hidden.subarray(0, dimension));
    else for (let t = 0; t < n; t++) for (let d = 0; d < dimension; d++) pooled[d]! += hidden[t * dimension + d]! / n;
    return normalize(pooled);
  }

  beforeAll(async () => {
    fp32 = await tiny({ dtype: 'fp32' });
    // Absolute folder path: transformers.js reads it directly, whatever env.localModelPath says.
    const savedRemote = env.allowRemoteModels;
    env.allowRemoteModels = false;
    tokenizer = await AutoTokenizer.from_pretrained(TINY_DIR);
    env.allowRemoteModels = savedRemote;
    reference = await ort.InferenceSession.create(path.join(TINY_DIR, 'onnx/model.onnx'));
  });

  afterAll(async () => {
    await fp32.dispose();
    await reference.release();
  });

  afterEach(() => {
    vi.unstubAllGlobals();
    vi.restoreAllMocks();
  });

  it('loads the test model offline, with its dimension known right after create()', () => {
    expect(fp32.dimension).toBe(32);
    expect(fp32.maxTokens).toBe(128);
    expect(fp32.id).toBe('transformers:tiny-random-bert:fp32:v1');
  });

  it.each(['mean', 'cls'] as const)('pools a short text exactly as onnxruntime run by hand (%s pooling)', async (pooling) => {
    const embedder = pooling === 'mean' ? fp32 : await tiny({ dtype: 'fp32', pooling });
    const text = 'Korea Północna wystrzeliła rakietę, die Regierung in Seoul protestiert.';
    const [vector] = await embedder.embed([{ text }]);
    const expected = await referenceWindow(tokenizer.encode(text), pooling);
    expect(maxDifference(vector!, expected)).toBeLessThan(1e-5);
    if (embedder !== fp32) await embedder.dispose();
  });

  it('embeds a long text as the weighted mean of its overlapping windows, lead window counted double', async () => {
    const content = tokenizer.encode(LONG_TEXT, { add_special_tokens: false });
    const size = 128 - 2; // [CLS] and [SEP] take two of the 128 positions
    const stride = size - 32; // default overlap
    expect(content.length).toBeGreaterThan(2 * size); // really several windows

    const sum = new Float64Array(32);
    for (let start = 0; ; start += stride) {
      const end = Math.min(start + size, content.length);
      const window = await referenceWindow([2, ...content.slice(start, end), 3]);
      const weight = (end - start) * (start === 0 ? 2 : 1);
      window.forEach((x, d) => (sum[d]! += weight * x));
      if (end === content.length) break;
    }
    const [vector] = await fp32.embed([{ text: LONG_TEXT }]);
    expect(maxDifference(vector!, normalize(sum))).toBeLessThan(1e-5);
  });

  it('gives a text the same vector alone and batched with texts of other lengths', async () => {
    const embedder = await tiny({ dtype: 'fp32', batchSize: 4 });
    const target = { title: 'Sturm in Berlin', text: 'Ein Sturm hat in Berlin Bäume umgeworfen.' };
    const [alone] = await embedder.embed([target]);
    const batched = await embedder.embed([
      { text: 'rain' },
      { text: LONG_TEXT },
      target,
      { text: 'Powódź w Warszawie: rzeka wystąpiła z brzegów i zalała ulice miasta.' },
      { text: LONG_TEXT.slice(0, 300) },
    ]);
    expect(maxDifference(batched[2]!, alone!)).toBeLessThan(1e-5);
    await embedder.dispose();
  });

  it('lets the title change the vector', async () => {
    const text = 'Die Regierung hat ein neues Gesetz beschlossen.';
    const [withTitle, without] = await fp32.embed([{ title: 'Wahl in Polen', text }, { text }]);
    expect(maxDifference(withTitle!, without!)).toBeGreaterThan(1e-3);
  });

  it('loads onnx/model_quantized.onnx for dtype q8: close to fp32 vectors but not equal', async () => {
    const q8 = await tiny({ dtype: 'q8' });
    expect(q8.id).toBe('transformers:tiny-random-bert:q8:v1');
    const inputs = [{ text: 'North Korea launched a missile towards the sea.' }];
    const [a] = await q8.embed(inputs);
    const [b] = await fp32.embed(inputs);
    expect(maxDifference(a!, b!)).toBeGreaterThan(1e-6);
    expect(dot(a!, b!)).toBeGreaterThan(0.99);
    await q8.dispose();
  });

  it('keeps q8 vectors within 1e-3 of their batch-1 values when batches are larger', async () => {
    // q8 graphs quantise activations with one scale per batch tensor, hence the default batchSize 1 for q8.
    const exact = await tiny({ dtype: 'q8' });
    const batched = await tiny({ dtype: 'q8', batchSize: 8 });
    const inputs = [{ text: 'rain' }, { text: LONG_TEXT }, { text: 'Powódź w Warszawie zalała ulice.' }];
    const a = await exact.embed(inputs);
    const b = await batched.embed(inputs);
    a.forEach((vector, i) => expect(maxDifference(vector, b[i]!)).toBeLessThan(1e-3));
    await Promise.all([exact.dispose(), batched.dispose()]);
  });

  it('throws ModelNotFoundError naming the absolute folder it searched and how to fetch the model', async () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'samestory-models-'));
    const error = await TransformersEmbedder.create({ model: 'Xenova/multilingual-e5-small', localModelPath: empty }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelNotFoundError);
    const notFound = error as ModelNotFoundError;
    expect(notFound.code).toBe('MODEL_NOT_FOUND');
    expect(notFound.searchedPaths).toEqual([path.join(empty, 'Xenova/multilingual-e5-small')]);
    expect(notFound.message).toContain(path.join(empty, 'Xenova/multilingual-e5-small'));
    expect(notFound.message).toContain(`npx samestory fetch-model Xenova/multilingual-e5-small --dtype q8 --models-dir ${empty}`);
    expect(notFound.message).toContain('--allow-remote on the command line, allowRemoteModels: true in the API');
  });

  it('says which dtype a model folder does hold when the requested one is missing', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'samestory-models-'));
    fs.cpSync(TINY_DIR, path.join(root, TINY), { recursive: true });
    fs.rmSync(path.join(root, TINY, 'onnx/model_quantized.onnx'));
    const error = await tiny({ localModelPath: root, dtype: 'q8' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelNotFoundError);
    expect((error as Error).message).toContain('onnx/model_quantized.onnx');
    expect((error as Error).message).toContain("holds dtype 'fp32'");
  });

  it('never touches the network when allowRemoteModels is false', async () => {
    const fetchSpy = vi.fn(() => Promise.reject(new Error('network used')));
    vi.stubGlobal('fetch', fetchSpy);
    vi.spyOn(env, 'fetch').mockImplementation(fetchSpy);
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'samestory-models-'));

    await expect(TransformersEmbedder.create({ model: 'Xenova/multilingual-e5-small', localModelPath: empty })).rejects.toThrow(ModelNotFoundError);
    const embedder = await tiny({ dtype: 'q8' });
    await embedder.embed([{ text: 'offline' }]);
    await embedder.dispose();
    expect(fetchSpy).not.toHaveBeenCalled();
  });

  it('reports a failed download as ModelNotFoundError with the cause when remote models are allowed', async () => {
    // Stands in for an offline machine: the hub request fails.
    vi.spyOn(env, 'fetch').mockImplementation(() => Promise.reject(new TypeError('fetch failed')));
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'samestory-models-'));
    const error = await TransformersEmbedder.create({ model: 'Xenova/multilingual-e5-small', localModelPath: empty, allowRemoteModels: true }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelNotFoundError);
    expect((error as Error).message).toContain('downloading it failed');
    expect((error as Error).cause).toBeInstanceOf(Error);
    expect(fs.readdirSync(empty)).toEqual([]); // nothing half-written
  });

  it('puts transformers.js env settings back after loading', async () => {
    const before = { localModelPath: env.localModelPath, allowRemoteModels: env.allowRemoteModels, cacheDir: env.cacheDir };
    const embedder = await tiny({ dtype: 'q8', cacheDir: os.tmpdir() });
    await embedder.dispose();
    expect({ localModelPath: env.localModelPath, allowRemoteModels: env.allowRemoteModels, cacheDir: env.cacheDir }).toEqual(before);
  });

  it('reports progress after each batch, counting finished articles', async () => {
    const embedder = await tiny({ dtype: 'q8' }); // batchSize 1: one report per window
    const reports: Progress[] = [];
    await embedder.embed([{ text: 'one' }, { text: 'two' }, { text: LONG_TEXT }], { onProgress: (p) => reports.push(p) });
    const windowsOfLongText = reports.length - 2;
    expect(windowsOfLongText).toBeGreaterThan(1);
    expect(reports.at(-1)).toEqual({ stage: 'embed', done: 3, total: 3, percent: 1 });
    expect(reports.map((r) => r.done)).toEqual([...reports.map((r) => r.done)].sort((x, y) => x - y));
    await embedder.dispose();
  });

  it('stops between batches with AbortedError when the signal fires', async () => {
    const embedder = await tiny({ dtype: 'q8' });
    const controller = new AbortController();
    const reports: Progress[] = [];
    const inputs = Array.from({ length: 6 }, (_, i) => ({ text: `article ${i} about the storm` }));
    const run = embedder.embed(inputs, {
      signal: controller.signal,
      onProgress: (p) => {
        reports.push(p);
        if (p.done === 2) controller.abort();
      },
    });
    await expect(run).rejects.toThrow(AbortedError);
    expect(reports.at(-1)!.done).toBe(2);
    await embedder.dispose();
  });

  it('changes the id when pooling or prefix leave the catalog values', async () => {
    const embedder = await tiny({ dtype: 'fp32', pooling: 'cls', prefix: 'query: ' });
    expect(embedder.id).toBe('transformers:tiny-random-bert:fp32:v1:pooling=cls:prefix="query: "');
    await embedder.dispose();
  });

  it('puts the prefix before every window', async () => {
    const embedder = await tiny({ dtype: 'fp32', prefix: 'query: ' });
    const text = 'Sturm in Berlin';
    const [vector] = await embedder.embed([{ text }]);
    expect(maxDifference(vector!, await referenceWindow(tokenizer.encode(`query: ${text}`)))).toBeLessThan(1e-5);
    await embedder.dispose();
  });

  it('rejects options outside the model limits with InvalidOptionsError', async () => {
    await expect(tiny({ maxTokens: 129 })).rejects.toThrow(InvalidOptionsError);
    await expect(tiny({ maxTokens: 16, windowOverlap: 14 })).rejects.toThrow(InvalidOptionsError);
    await expect(tiny({ batchSize: 0 })).rejects.toThrow(InvalidOptionsError);
    await expect(tiny({ dtype: 'fp16' as 'q8' })).rejects.toThrow(InvalidOptionsError);
  });

  it('throws InvalidVectorError rather than return a vector with NaN', async () => {
    const embedder = await tiny({ dtype: 'fp32' });
    // Simulates a model whose weights overflow: the forward pass yields NaN.
    vi.spyOn(embedder as unknown as { runBatch: () => Promise<Float32Array[]> }, 'runBatch').mockResolvedValue([
      new Float32Array(32).fill(Number.NaN),
    ]);
    await expect(embedder.embed([{ text: 'anything' }])).rejects.toThrow(InvalidVectorError);
    await embedder.dispose();
  });

  it('cannot embed after dispose', async () => {
    const embedder = await tiny({ dtype: 'q8' });
    await embedder.dispose();
    await expect(embedder.embed([{ text: 'late' }])).rejects.toThrow(/disposed/);
  });
});
