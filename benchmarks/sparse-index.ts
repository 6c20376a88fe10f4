// `npm run bench:sparse-index`: SparseIndex vs ExactIndex vs HnswIndex on the same sparse,
// embedder-shaped vectors (see lib/bench-sparse-index.ts), alone; `npm run bench` runs the
// same section among the others. `--quick` for smaller sizes.

import { parseArgs } from 'node:util';
import { benchSparseIndex, sparseIndexPlan, sparseIndexTable } from './lib/bench-sparse-index.js';
import { environment, log, textTable } from './lib/report.js';

const { values: args } = parseArgs({ options: { quick: { type: 'boolean', default: false } } });
const report = benchSparseIndex(sparseIndexPlan(args.quick), log);
const env = environment();
process.stdout.write(`${sparseIndexTable(report, textTable)}\n\nk = 10; on ${env.cpu}, ${env.cores} cores, Node ${env.node}, ${env.date.slice(0, 10)}\n`);
