// `npm run fetch-model -- [modelId] [--dtype q8|fp32] [--dir ./models]` in the repository: runs
// `samestory fetch-model` (src/cli/main.ts), with the default model when none is named and the
// script's older `--dir` spelling of `--models-dir`.

import { main } from '../src/cli/main.js';
import { DEFAULT_MODEL } from '../src/embed/model-catalog.js';

const args = process.argv.slice(2).map((arg) => arg.replace(/^--dir(?==|$)/, '--models-dir'));
const valued = new Set(['--dtype', '--models-dir']);
const hasModel = args.some((arg, i) => !arg.startsWith('-') && !valued.has(args[i - 1] ?? ''));
const wantsHelp = args.includes('--help') || args.includes('-h');
process.exitCode = await main(['fetch-model', ...(hasModel || wantsHelp ? [] : [DEFAULT_MODEL]), ...args]);
