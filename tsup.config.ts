import { defineConfig, type Options } from 'tsup';

// ESM-only dependencies (eld, any-ascii) are bundled so the CommonJS
// entry works; native and heavy ones (hnswlib-node, transformers.js, onnxruntime) stay external.
const shared: Options = {
  sourcemap: true,
  target: 'node20',
  platform: 'node',
  shims: true,
  splitting: false,
  noExternal: ['eld', 'any-ascii'],
  external: ['hnswlib-node', '@huggingface/transformers', 'onnxruntime-node'],
};

export default defineConfig([
  { ...shared, entry: { index: 'src/index.ts' }, format: ['esm', 'cjs'], dts: true, clean: true },
  // The executable needs one format only.
  { ...shared, entry: { cli: 'src/cli/bin.ts' }, format: ['esm'] },
]);
