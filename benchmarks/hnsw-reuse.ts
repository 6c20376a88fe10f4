// `npm run bench:hnsw-reuse`: what reusing deleted slots costs an add to hnswlib, the cause
// of the windowed live feed's slower run (see README, Live feed).
//
// Two native indexes get the same story-shaped 4,096-d vectors: 3,000 adds, half of them
// deleted, then 1,500 more adds. One index has `allowReplaceDeleted` and puts the new
// vectors into the deleted slots (what HnswIndex does, to keep memory bounded); the other
// adds them into fresh slots (the baseline).

import hnswlib from 'hnswlib-node';
import { storyVectors } from './lib/synthetic.js';
import { environment } from './lib/report.js';

const DIMENSION = 4096;
const FIRST = 3_000;
const DELETED = 1_500;
const LATER = 1_500;

function run(reuse: boolean, vectors: number[][]): { firstMs: number; laterMs: number } {
  const index = new hnswlib.HierarchicalNSW('ip', DIMENSION);
  index.initIndex({ maxElements: FIRST + LATER, m: 16, efConstruction: 200, randomSeed: 100, allowReplaceDeleted: reuse });
  let started = performance.now();
  for (let i = 0; i < FIRST; i++) index.addPoint(vectors[i]!, i, false);
  const firstMs = (performance.now() - started) / FIRST;
  for (let i = 0; i < DELETED; i++) index.markDelete(i);
  started = performance.now();
  for (let i = FIRST; i < FIRST + LATER; i++) index.addPoint(vectors[i]!, i, reuse);
  return { firstMs, laterMs: (performance.now() - started) / LATER };
}

const data = storyVectors({ count: FIRST + LATER, dimension: DIMENSION, seed: 3 });
const vectors = data.vectors.map((v) => Array.from(v));
const fresh = run(false, vectors);
const reused = run(true, vectors);
console.log(
  `${FIRST} story-shaped ${DIMENSION}-d vectors added, ${DELETED} deleted, ${LATER} more added (M 16, efConstruction 200)\n` +
    `fresh slots (baseline): ${fresh.firstMs.toFixed(2)} ms per add before, ${fresh.laterMs.toFixed(2)} ms after the deletions\n` +
    `reused slots:           ${reused.firstMs.toFixed(2)} ms per add before, ${reused.laterMs.toFixed(2)} ms after the deletions ` +
    `(×${(reused.laterMs / fresh.laterMs).toFixed(1)} the baseline)\n` +
    `on ${environment().cpu}, Node ${process.version}`,
);
