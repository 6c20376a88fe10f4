import { defineConfig } from 'tsup';

// ESM-only dependencies (eld, multilingual-stemmer, any-ascii) are bundled so the CommonJS
// entry works; native and heavy ones (hnswlib-node, transformers.js, onnxruntime) stay external.
export default defineConfig({
  entry: { index: 'src/index.ts', cli: 'src/cli/bin.ts' },
  format: ['esm', 'cjs'],
  dts: { entry: { index: 'src/index.ts' } },
  sourcemap: true,
  clean: true,
  target: 'node20',
  platform: 'node',
  shims: true,
  splitting: false,
  noExternal: ['eld', 'multilingual-stemmer', 'any-ascii'],
  external: ['hnswlib-node', '@huggingface/transformers', 'onnxruntime-node', 'ml-distance'],
});
