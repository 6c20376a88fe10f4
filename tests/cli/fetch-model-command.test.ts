// `samestory fetch-model` run in this process, with transformers.js's fetch replaced by one that
// fails as it does offline: no test reaches the network.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { env } from '@huggingface/transformers';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';
import { fetchTransformersModel } from '../../src/embed/transformers-embedder.js';
import { ModelNotFoundError } from '../../src/errors.js';

afterEach(() => {
  vi.restoreAllMocks();
});

function offline() {
  return vi.spyOn(env, 'fetch').mockImplementation(() => Promise.reject(new TypeError('fetch failed')));
}

describe('samestory fetch-model offline', () => {
  it('exits 1 with MODEL_NOT_FOUND, the reason and what to do instead', async () => {
    offline();
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'samestory-fetch-'));
    let stderr = '';
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      stderr += String(chunk);
      return true;
    });
    const code = await main(['fetch-model', 'Xenova/multilingual-e5-small', '--models-dir', empty, '--quiet']);
    expect(code).toBe(1);
    expect(stderr).toContain(`could not download model 'Xenova/multilingual-e5-small' (q8) into ${path.join(empty, 'Xenova/multilingual-e5-small')}: `);
    expect(stderr).toContain('fetch failed');
    expect(stderr).toContain('run the same command on a machine with internet and copy the folder here');
    expect(stderr).toMatch(/\[MODEL_NOT_FOUND\]\n$/);
  });
});

describe('fetchTransformersModel', () => {
  it('throws ModelNotFoundError with the cause when the hub cannot be reached', async () => {
    offline();
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'samestory-fetch-'));
    const error = await fetchTransformersModel({ model: 'Xenova/multilingual-e5-small', localModelPath: empty }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelNotFoundError);
    expect((error as ModelNotFoundError).searchedPaths).toEqual([path.join(empty, 'Xenova/multilingual-e5-small')]);
    expect((error as Error).cause).toBeInstanceOf(Error);
  });

  it('reports a model already in the folder without any request', async () => {
    const fetchSpy = offline();
    const models = path.join(import.meta.dirname, '../../models');
    const result = await fetchTransformersModel({ model: 'tiny-random-bert', dtype: 'q8', localModelPath: models });
    expect(result).toMatchObject({ folder: path.join(models, 'tiny-random-bert'), modelFile: 'onnx/model_quantized.onnx', alreadyPresent: true });
    expect(result.bytes).toBeGreaterThan(0);
    expect(fetchSpy).not.toHaveBeenCalled();
  });
});
