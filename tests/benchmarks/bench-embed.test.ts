import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The benchmark rows of the built-in path must be measured as its users run it: without a
// neural runtime in the process (with onnxruntime-node or sharp loaded, the sparse index
// searched 1.3 times slower here). Every benchmark worker imports these libraries.
const BENCH_LIBS = ['bench-embed', 'bench-detector', 'bench-index', 'bench-sparse-index', 'bench-cluster', 'bench-lexical', 'bench-install'];

// Imports `specifiers` in a fresh Node process and returns the native packages it loaded.
function nativeRuntimesLoadedBy(specifiers: readonly string[]): string[] {
  const script = [
    ...specifiers.map((specifier) => `await import(${JSON.stringify(specifier)});`),
    `const { createRequire } = await import('node:module');`,
    `const loaded = Object.keys(createRequire(import.meta.url).cache);`,
    `console.log(JSON.stringify(['onnxruntime-node', 'sharp'].filter((name) => loaded.some((file) => file.includes('/node_modules/' + name + '/')))));`,
  ].join('\n');
  const output = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', cwd: fileURLToPath(new URL('../..', import.meta.url)) });
  return JSON.parse(output.trim().split('\n').pop()!) as string[];
}

describe('benchmark libraries', () => {
  it('load no neural runtime until the transformers section runs', () => {
    const libs = BENCH_LIBS.map((name) => new URL(`../../benchmarks/lib/${name}.ts`, import.meta.url).href);
    expect(nativeRuntimesLoadedBy(libs)).toEqual([]);
  });

  it('would see onnxruntime-node if something imported it', () => {
    expect(nativeRuntimesLoadedBy(['onnxruntime-node'])).toEqual(['onnxruntime-node']);
  });
});
