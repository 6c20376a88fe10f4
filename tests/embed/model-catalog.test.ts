// The model catalog: well-formed facts for every model, and each model's pooling carried
// through TransformersEmbedder. No real model can be downloaded here, so catalog models are
// played by the generated test models, copied under the catalog's ids.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { AutoTokenizer, env, type PreTrainedTokenizer } from '@huggingface/transformers';
import ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_MODEL, MODEL_CATALOG, modelFacts } from '../../src/embed/model-catalog.js';
import { POOLINGS } from '../../src/embed/pooling.js';
import { TransformersEmbedder } from '../../src/embed/transformers-embedder.js';
import { ModelLoadError } from '../../src/errors.js';

const MODELS = fileURLToPath(new URL('../../models', import.meta.url));
const TEXT = 'Korea Północna wystrzeliła rakietę, die Regierung in Seoul protestiert.';

describe('MODEL_CATALOG', () => {
  it.each([...MODEL_CATALOG.values()].map((m) => [m.id, m] as const))('describes %s completely', (_id, facts) => {
    expect(facts.id.trim()).toBe(facts.id);
    expect(Number.isInteger(facts.dimension) && facts.dimension > 0).toBe(true);
    expect(Number.isInteger(facts.maxTokens) && facts.maxTokens >= 3).toBe(true);
    expect(POOLINGS).toContain(facts.pooling);
    expect(typeof facts.prefix).toBe('string');
    expect(facts.licence).toMatch(/^[A-Za-z0-9.-]+$/);
    expect(facts.description.length).toBeGreaterThan(10);
    for (const score of Object.values(facts.sts22 ?? {})) expect(score).toBeGreaterThan(0), expect(score).toBeLessThan(100);
  });

  it('keeps multilingual-e5-small as the default', () => {
    expect(DEFAULT_MODEL).toBe('Xenova/multilingual-e5-small');
    expect(modelFacts(DEFAULT_MODEL)?.sts22?.dePl).toBe(34.6);
  });

  it('pools LaBSE through its pooler layer and bge-m3 by its [CLS] token, as their model cards say', () => {
    expect(modelFacts('Xenova/LaBSE')).toMatchObject({ dimension: 768, pooling: 'pooler', prefix: '', licence: 'Apache-2.0', sts22: { dePl: 58.7, plEn: 72.6 } });
    expect(modelFacts('Xenova/bge-m3')).toMatchObject({ dimension: 1024, pooling: 'cls', prefix: '', licence: 'MIT', sts22: { dePl: 53.1, plEn: 77.9 } });
  });
});

describe("TransformersEmbedder with a catalog model's pooling", () => {
  let folder: string;
  let pooler: ort.InferenceSession;
  let tokenizer: PreTrainedTokenizer;

  /** Puts a generated test model where the catalog id is looked up. */
  function playAs(catalogId: string, testModel: string): void {
    fs.cpSync(path.join(MODELS, testModel), path.join(folder, catalogId), { recursive: true });
  }

  beforeAll(async () => {
    folder = fs.mkdtempSync(path.join(os.tmpdir(), 'samestory-catalog-'));
    playAs('Xenova/bge-m3', 'tiny-random-bert');
    playAs('Xenova/LaBSE', 'tiny-random-bert-pooler');
    playAs('Xenova/LaBSE-without-pooler', 'tiny-random-bert');
    pooler = await ort.InferenceSession.create(path.join(MODELS, 'tiny-random-bert-pooler/onnx/model.onnx'));
    // Absolute folder path: read directly, never looked up remotely.
    const savedRemote = env.allowRemoteModels;
    env.allowRemoteModels = false;
    tokenizer = await AutoTokenizer.from_pretrained(path.join(MODELS, 'tiny-random-bert-pooler'));
    env.allowRemoteModels = savedRemote;
  });

  afterAll(async () => {
    await pooler.release();
    fs.rmSync(folder, { recursive: true, force: true });
  });

  // The test models allow 128 positions; the catalog's windows are longer.
  const create = (model: string, options: { localModelPath?: string; pooling?: 'mean' | 'cls' | 'pooler' } = {}) =>
    TransformersEmbedder.create({ model, localModelPath: folder, dtype: 'fp32', maxTokens: 128, ...options });

  it("gives bge-m3 the [CLS] vector: the test model's vector with pooling 'cls', not 'mean'", async () => {
    const bge = await create('Xenova/bge-m3');
    const cls = await create('tiny-random-bert', { localModelPath: MODELS, pooling: 'cls' });
    const mean = await create('tiny-random-bert', { localModelPath: MODELS, pooling: 'mean' });
    const [[v], [c], [m]] = await Promise.all([bge.embed([{ text: TEXT }]), cls.embed([{ text: TEXT }]), mean.embed([{ text: TEXT }])]);
    expect(bge.id).toBe('transformers:Xenova/bge-m3:fp32:v1'); // the catalog's pooling: nothing added to the id
    expect(Array.from(v!)).toEqual(Array.from(c!));
    expect(Array.from(v!)).not.toEqual(Array.from(m!));
    await Promise.all([bge.dispose(), cls.dispose(), mean.dispose()]);
  });

  it("gives LaBSE the model's pooler_output, normalised, exactly as onnxruntime computes it", async () => {
    const labse = await create('Xenova/LaBSE');
    const [vector] = await labse.embed([{ text: TEXT }]);
    // The same window run by hand ([CLS] text [SEP]), read from the graph's pooler_output.
    const ids = tokenizer.encode(TEXT);
    const n = ids.length;
    const out = await pooler.run({
      input_ids: new ort.Tensor('int64', BigInt64Array.from(ids, BigInt), [1, n]),
      attention_mask: new ort.Tensor('int64', new BigInt64Array(n).fill(1n), [1, n]),
      token_type_ids: new ort.Tensor('int64', new BigInt64Array(n), [1, n]),
    });
    const expected = out.pooler_output!.data as Float32Array;
    const norm = Math.hypot(...expected);
    expected.forEach((x, d) => expect(vector![d]).toBeCloseTo(x / norm, 5));
    await labse.dispose();
  });

  it('refuses a pooler model whose ONNX graph has no pooler_output, rather than pool the [CLS] token', async () => {
    const error = await create('Xenova/LaBSE-without-pooler', { pooling: 'pooler' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelLoadError);
    expect((error as Error).message).toMatch(/no pooler_output or sentence_embedding output \(it has last_hidden_state\)/);
  });
});
