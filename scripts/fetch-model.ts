// Downloads a model from the Hugging Face hub into ./models in the layout TransformersEmbedder
// loads offline: models/<org>/<name>/{config.json, tokenizer.json, tokenizer_config.json, onnx/…}.
//
//   npm run fetch-model -- [modelId] [--dtype q8|fp32] [--dir ./models]
//
// transformers.js writes downloads to `env.cacheDir/<modelId>/<file>`; pointing cacheDir at the
// models folder therefore leaves exactly the files a later offline load reads.

import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { AutoModel, AutoTokenizer, env } from '@huggingface/transformers';
import { DEFAULT_MODEL, MODEL_CATALOG } from '../src/embed/model-catalog.js';

const USAGE = `usage: npm run fetch-model -- [modelId] [--dtype q8|fp32] [--dir ./models]

  modelId   default ${DEFAULT_MODEL}; known models:
${[...MODEL_CATALOG.values()]
  .filter((m) => m.id.includes('/'))
  .map((m) => `              ${m.id}  (${m.description})`)
  .join('\n')}
  --dtype   q8 (default, onnx/model_quantized.onnx) or fp32 (onnx/model.onnx)
  --dir     models folder (default ./models)`;

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      dtype: { type: 'string', default: 'q8' },
      dir: { type: 'string', default: './models' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const model = positionals[0] ?? DEFAULT_MODEL;
  const dtype = values.dtype;
  if (dtype !== 'q8' && dtype !== 'fp32') {
    console.error(`--dtype must be q8 or fp32, got '${dtype}'\n\n${USAGE}`);
    return 2;
  }
  const dir = path.resolve(values.dir);
  const folder = path.join(dir, model);

  env.allowRemoteModels = true;
  env.allowLocalModels = true;
  env.localModelPath = dir;
  env.cacheDir = dir;

  console.log(`fetching ${model} (${dtype}) into ${folder} …`);
  try {
    let lastReport = 0;
    const progress_callback = (info: { status: string; file?: string; progress?: number }) => {
      if (info.status === 'progress' && info.file && info.progress !== undefined && Date.now() - lastReport > 2000) {
        lastReport = Date.now();
        console.log(`  ${info.file}: ${info.progress.toFixed(0)}%`);
      } else if (info.status === 'done' && info.file) {
        console.log(`  ${info.file}: done`);
      }
    };
    await AutoTokenizer.from_pretrained(model, { progress_callback });
    const loaded = await AutoModel.from_pretrained(model, { dtype, progress_callback });
    await loaded.dispose();
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    console.error(
      `could not fetch ${model}: ${reason}\n` +
        `The Hugging Face hub (${env.remoteHost}) must be reachable. Offline, download the model on another ` +
        `machine with this command and copy ${path.join(values.dir, model)} to the same place here ` +
        `(see models/README.md for the files needed).`,
    );
    return 1;
  }

  const modelFile = `onnx/model${dtype === 'q8' ? '_quantized' : ''}.onnx`;
  const files = ['config.json', 'tokenizer.json', 'tokenizer_config.json', modelFile];
  const missing = files.filter((file) => !fs.existsSync(path.join(folder, file)));
  if (missing.length > 0) {
    console.error(`download finished but ${missing.join(', ')} did not land in ${folder}; see models/README.md to place files by hand`);
    return 1;
  }
  const megabytes = fs.statSync(path.join(folder, modelFile)).size / 1e6;
  console.log(`ok: ${folder} (${modelFile}: ${megabytes.toFixed(0)} MB). Use it with { model: '${model}', dtype: '${dtype}' }.`);
  return 0;
}

process.exitCode = await main();
