import { defineConfig, type Options } from 'tsup';

// ESM-only dependencies (eld, any-ascii) are bundled, so the CommonJS entry works and they are
// not installed again as dependencies; native and heavy ones (hnswlib-node, and transformers.js,
// an optional peer dependency imported on demand, like the PostgreSQL client `pg` and the
// queue pg-boss) stay external. No source maps: they were 60 %
// of the package, and users debug through src/ in the repository.
const shared: Options = {
  sourcemap: false,
  target: 'node20',
  platform: 'node',
  shims: true,
  splitting: false,
  noExternal: ['eld', 'any-ascii'],
  external: ['hnswlib-node', '@huggingface/transformers', 'onnxruntime-node', 'pg', 'pg-boss', './language-model.cjs'],
};

// language.ts falls back to import.meta.resolve only in a source checkout; the CommonJS build
// always finds language-model.cjs beside it, so there the expression is simply left undefined.
const cjsWithoutImportMetaResolve: Options['esbuildOptions'] = (options, { format }) => {
  if (format === 'cjs') options.define = { ...options.define, 'import.meta.resolve': 'undefined' };
};

export default defineConfig([
  { ...shared, entry: { index: 'src/index.ts' }, format: ['esm', 'cjs'], dts: true, clean: true, esbuildOptions: cjsWithoutImportMetaResolve },
  // The executable needs one format only.
  { ...shared, entry: { cli: 'src/cli/bin.ts' }, format: ['esm'] },
  // The language-identification model (1.6 MB of n-gram tables), required by language.ts on the
  // first detection rather than loaded with the library.
  { ...shared, entry: { 'language-model': 'src/language-model.ts' }, format: ['cjs'] },
]);
