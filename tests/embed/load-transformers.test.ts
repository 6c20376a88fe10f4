// transformers.js is an optional peer dependency: what a user without it (or with a broken
// install) is told. The importer is injected, so nothing is uninstalled.

import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { loadTransformers, TRANSFORMERS_INSTALL_COMMAND, TRANSFORMERS_VERSION } from '../../src/embed/load-transformers.js';
import { TransformersUnavailableError } from '../../src/errors.js';

/** What Node's import() throws for a package that is not installed, or for one of its dependencies. */
function missing(name: string): Error {
  return Object.assign(new Error(`Cannot find package '${name}' imported from /app/node_modules/samestory/dist/index.js`), {
    code: 'ERR_MODULE_NOT_FOUND',
  });
}

describe('loadTransformers', () => {
  it('returns the transformers.js module when it is installed', async () => {
    const transformers = await loadTransformers();
    expect(typeof transformers.AutoModel.from_pretrained).toBe('function');
  });

  it('throws TransformersUnavailableError naming the install command when the package is missing', async () => {
    const error = await loadTransformers(() => Promise.reject(missing('@huggingface/transformers'))).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransformersUnavailableError);
    const unavailable = error as TransformersUnavailableError;
    expect(unavailable.code).toBe('TRANSFORMERS_UNAVAILABLE');
    expect(unavailable.installed).toBe(false);
    expect(unavailable.message).toContain('npm install @huggingface/transformers@4.3.1');
    expect(unavailable.cause).toBeInstanceOf(Error);
  });

  it('recognises the CommonJS form of a missing package too', async () => {
    const cjs = Object.assign(new Error("Cannot find module '@huggingface/transformers'\nRequire stack:\n- /app/x.cjs"), { code: 'MODULE_NOT_FOUND' });
    const error = await loadTransformers(() => Promise.reject(cjs)).catch((e: unknown) => e);
    expect((error as TransformersUnavailableError).installed).toBe(false);
  });

  it('tells a missing dependency of transformers.js apart from transformers.js itself', async () => {
    const error = await loadTransformers(() => Promise.reject(missing('onnxruntime-node'))).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransformersUnavailableError);
    expect((error as TransformersUnavailableError).installed).toBe(true);
    expect((error as Error).message).toMatch(/is installed but could not be loaded: Cannot find package 'onnxruntime-node'/);
  });

  it('names the version that package.json pins as peer and dev dependency', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as Record<string, Record<string, string>>;
    expect(pkg.peerDependencies!['@huggingface/transformers']).toBe(TRANSFORMERS_VERSION);
    expect(pkg.devDependencies!['@huggingface/transformers']).toBe(TRANSFORMERS_VERSION);
    expect(pkg.peerDependenciesMeta!['@huggingface/transformers']).toEqual({ optional: true });
    expect(TRANSFORMERS_INSTALL_COMMAND).toBe(`npm install @huggingface/transformers@${TRANSFORMERS_VERSION}`);
  });
});

describe('importing samestory', () => {
  it('maps no onnxruntime or sharp library into a process that only uses the built-in embedder', async () => {
    const tsx = join(import.meta.dirname, '../../node_modules/.bin/tsx');
    const { stdout } = await promisify(execFile)(tsx, [join(import.meta.dirname, '../support/import-probe.ts')]);
    expect(JSON.parse(stdout)).toEqual([]);
  });
});
