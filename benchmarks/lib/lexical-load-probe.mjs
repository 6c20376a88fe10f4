import { existsSync } from 'node:fs';

// Run in a fresh process by bench-lexical.ts: the cost of loading the library and the
// built-in embedder's tables, measured from a process that has loaded neither. Prints one
// JSON line. Plain JavaScript, so that with the built package (dist/) no TypeScript loader
// is in the way; without it bench-lexical.ts runs this under tsx and imports src/.

/** @returns {{ rss: number, held: number }} */
function memory() {
  globalThis.gc?.();
  const usage = process.memoryUsage();
  // Heap plus off-heap buffers: what the loaded data occupies, whatever V8 keeps reserved.
  return { rss: usage.rss / 2 ** 20, held: (usage.heapUsed + usage.external) / 2 ** 20 };
}

const start = memory();
let started = performance.now();
// The built package where it exists (what users import), else the TypeScript source.
const built = new URL('../../dist/index.js', import.meta.url);
const from = existsSync(built) ? 'dist/index.js' : 'src/index.ts (through tsx)';
const { LexicalEmbedder } = await import(existsSync(built) ? built.href : '../../src/index.ts');
const importMs = performance.now() - started;
const imported = memory();

started = performance.now();
const embedder = new LexicalEmbedder();
// The first word of each language loads that language's table.
for (const lang of ['pl', 'de', 'en', 'fr', 'es', 'it', 'pt', 'ru']) await embedder.embed([{ text: 'Test', lang }]);
const tablesMs = performance.now() - started;
const loaded = memory();

started = performance.now();
await embedder.embed([{ text: 'Der Gipfel in Brüssel endete am Abend ohne Einigung.' }]);
const detectionMs = performance.now() - started;
const detected = memory();

process.stdout.write(
  `${JSON.stringify({
    import_from: from,
    import_ms: importMs,
    import_mib: imported.held - start.held,
    import_rss_mib: imported.rss - start.rss,
    tables_ms: tablesMs,
    tables_mib: loaded.held - imported.held,
    tables_rss_mib: loaded.rss - imported.rss,
    first_detection_ms: detectionMs,
    first_detection_mib: detected.held - loaded.held,
  })}\n`,
);
