// Run in a fresh process by tests/embed/load-transformers.test.ts: imports the library, embeds
// one article with the built-in embedder, and prints which onnxruntime or sharp files the
// process has mapped (there should be none).

import { readFileSync } from 'node:fs';
import { LexicalEmbedder } from '../../src/index.js';

const embedder = await LexicalEmbedder.create();
await embedder.embed([{ title: 'Hochwasser an der Oder', text: 'Die Flutwelle hat Racibórz erreicht.' }]);
const mapped = readFileSync('/proc/self/maps', 'utf8')
  .split('\n')
  .map((line) => line.trim().split(/\s+/)[5])
  .filter((path): path is string => path !== undefined && /onnxruntime|sharp|vips/i.test(path));
process.stdout.write(JSON.stringify([...new Set(mapped)]));
