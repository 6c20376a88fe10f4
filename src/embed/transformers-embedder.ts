// Embeds articles with a multilingual transformer encoder run by transformers.js (onnxruntime,
// CPU). Long articles are cut into token windows; each window is pooled and normalised, and an
// article's vector is the weighted mean of its window vectors, normalised again.

import fs from 'node:fs';
import path from 'node:path';
// Types only: the module itself is imported on the first create() (see load-transformers.ts).
import type { PreTrainedModel, PreTrainedTokenizer, Tensor } from '@huggingface/transformers';
import {
  InvalidArticleError,
  InvalidOptionsError,
  InvalidVectorError,
  ModelLoadError,
  ModelNotFoundError,
  throwIfAborted,
} from '../errors.js';
import { progressOf } from '../progress.js';
import type { EmbedInput, EmbedOptions, Embedder } from './embedder.js';
import { loadTransformers, type TransformersModule } from './load-transformers.js';
import { DEFAULT_MODEL, modelFacts } from './model-catalog.js';
import { isUnitVector, l2NormalizeInPlace, POOLINGS, poolHiddenStates, WeightedVectorSum, type Pooling, type TokenPooling } from './pooling.js';
import { planWindows } from './text-windows.js';

/** Weight formats samestory loads: full precision, or 8-bit weights (`onnx/model_quantized.onnx`). */
export type TransformersDtype = 'fp32' | 'q8';

export interface TransformersEmbedderOptions {
  /**
   * Model id: a folder under `localModelPath` (and the id on the Hugging Face hub). Models in the
   * catalog (src/embed/model-catalog.ts) come with their pooling, prefix and window length; for
   * other models set `pooling`, `prefix` and `maxTokens` yourself (they default to mean pooling,
   * no prefix, and the tokenizer's `model_max_length` capped at 512).
   * @default 'Xenova/multilingual-e5-small'
   * @example 'Xenova/paraphrase-multilingual-MiniLM-L12-v2'
   */
  model?: string;
  /**
   * Folder holding models as `<localModelPath>/<org>/<name>/…` (see models/README.md).
   * Relative paths are resolved against the current working directory.
   * @default './models'
   * @example '/opt/samestory/models'
   */
  localModelPath?: string;
  /**
   * Whether a model missing locally may be downloaded from the Hugging Face hub (into `cacheDir`).
   * Off by default, unlike transformers.js: a library that silently downloads 100-500 MB on the
   * first `embed()` call surprises servers, CI and offline users. Fetch models once with
   * `npx samestory fetch-model <id>`, or turn this on knowingly (the CLI's `--allow-remote`).
   * @default false
   * @example true
   */
  allowRemoteModels?: boolean;
  /**
   * Where downloaded model files are written. Defaults to `localModelPath`, so a model downloaded
   * once is found by later offline loads in the same folder layout.
   * @default localModelPath
   * @example '/var/cache/samestory'
   */
  cacheDir?: string;
  /**
   * Weight format. 'q8' (int8 weights, `onnx/model_quantized.onnx`) is the default: a quarter
   * of the download and memory and roughly twice the CPU speed of 'fp32', with vectors that
   * stay close to the fp32 ones (cosine typically above 0.99). Vectors of different dtypes get
   * different `id`s and must not be mixed in one index.
   * @default 'q8'
   * @example 'fp32'
   */
  dtype?: TransformersDtype;
  /**
   * Windows per forward pass. Windows are sorted by length and padding is masked, so with
   * 'fp32' a vector does not depend on its batchmates (bit-identical in tests) and batches of
   * 16 save some time on short texts. 'q8' models quantise activations with one scale per
   * tensor (onnxruntime's DynamicQuantizeLinear), so there a window's vector shifts slightly
   * (about 1e-4) with the other windows of its batch; the default of 1 keeps q8 vectors exact,
   * and measured no slower on a 2-core CPU.
   * @default 16 for 'fp32', 1 for 'q8'
   * @example 32
   */
  batchSize?: number;
  /**
   * Tokens per window, special tokens included. Must not exceed what the model's positions allow.
   * @default the catalog's value for the model (512 for e5, 128 for MiniLM)
   * @example 256
   */
  maxTokens?: number;
  /**
   * Tokens shared by neighbouring windows of a long article.
   * @default 32
   * @example 64
   */
  windowOverlap?: number;
  /**
   * How much more the first window (headline and lead) counts than a later window of the same
   * length; see `planWindows` in src/embed/text-windows.ts.
   * @default 2
   * @example 1
   */
  leadWindowWeight?: number;
  /**
   * How a window becomes a vector: 'mean' of the tokens, the 'cls' token, or the model's
   * 'pooler' output ([CLS] through the pooler's dense + tanh layer; the model's ONNX graph
   * must have a `pooler_output` or `sentence_embedding` output). Changing it from the
   * catalog's value changes the vector space (and the `id`).
   * @default the catalog's value for the model, else 'mean'
   * @example 'cls'
   */
  pooling?: Pooling;
  /**
   * Text put before every window. Changing it from the catalog's value changes the `id`.
   * @default the catalog's value for the model ('query: ' for e5), else ''
   * @example ''
   */
  prefix?: string;
  /**
   * onnxruntime intra-op threads.
   * @default onnxruntime's choice (all cores)
   * @example 2
   */
  threads?: number;
}

/** Bump when a change to windowing or pooling changes the vectors of an unchanged model. */
const VECTOR_VERSION = 'v1';
const DEFAULT_BATCH_SIZE: Record<TransformersDtype, number> = { fp32: 16, q8: 1 };
const DEFAULT_WINDOW_OVERLAP = 32;
const DEFAULT_LEAD_WINDOW_WEIGHT = 2;
/** Windows of this many batches are sorted by length together, so batches pad little. */
const SORT_POOL_BATCHES = 8;

const MODEL_FILE_SUFFIX: Record<TransformersDtype, string> = { fp32: '', q8: '_quantized' };

interface ResolvedSettings {
  model: string;
  dtype: TransformersDtype;
  localModelPath: string;
  cacheDir: string;
  allowRemoteModels: boolean;
  batchSize: number;
  maxTokens: number | undefined;
  windowOverlap: number;
  leadWindowWeight: number;
  pooling: Pooling;
  prefix: string;
  threads: number | undefined;
}

interface Window {
  input: number;
  ids: number[];
  weight: number;
}

export class TransformersEmbedder implements Embedder {
  readonly id: string;
  readonly dimension: number;
  /** Tokens per window, special tokens included, as used by this instance. */
  readonly maxTokens: number;
  private disposed = false;

  private constructor(
    private readonly transformers: TransformersModule,
    private readonly settings: ResolvedSettings,
    private readonly tokenizer: PreTrainedTokenizer,
    private readonly model: PreTrainedModel,
    dimension: number,
    maxTokens: number,
    /** Special tokens the tokenizer puts before and after a sequence ([CLS] … [SEP], <s> … </s>). */
    private readonly leadingIds: readonly number[],
    private readonly trailingIds: readonly number[],
    private readonly prefixIds: readonly number[],
    private readonly padId: number,
  ) {
    this.dimension = dimension;
    this.maxTokens = maxTokens;
    this.id = embedderId(settings);
  }

  /**
   * Loads tokenizer and model and returns a ready embedder (`dimension` is known).
   * @throws TransformersUnavailableError when transformers.js (an optional peer dependency) is not installed
   * @throws ModelNotFoundError when the model files are not there (and downloads are off or fail)
   * @throws ModelLoadError when files are there but cannot be loaded
   * @throws InvalidOptionsError for out-of-range options
   */
  static async create(options: TransformersEmbedderOptions = {}): Promise<TransformersEmbedder> {
    const settings = resolveSettings(options);
    const { model: modelId, dtype } = settings;
    // First: without transformers.js no model folder helps.
    const transformers = await loadTransformers();
    const missing = findMissingFiles(settings);
    if (missing !== undefined && !settings.allowRemoteModels) {
      throw new ModelNotFoundError(modelId, missing.searched, missingModelMessage(settings, missing));
    }

    const { AutoModel, AutoTokenizer } = transformers;
    let tokenizer: PreTrainedTokenizer;
    let model: PreTrainedModel;
    try {
      [tokenizer, model] = await withTransformersEnv(transformers.env, settings, async () => {
        const tok = await AutoTokenizer.from_pretrained(modelId);
        const mdl = await AutoModel.from_pretrained(modelId, {
          dtype,
          device: 'cpu',
          session_options: settings.threads === undefined ? {} : { intraOpNumThreads: settings.threads },
        });
        return [tok, mdl] as const;
      });
    } catch (error) {
      if (missing !== undefined) {
        throw new ModelNotFoundError(
          modelId,
          missing.searched,
          `model '${modelId}' (${dtype}) is not in ${missing.searched.join(' or ')} and downloading it failed: ` +
            `${messageOf(error)}. On a machine with internet run \`${fetchModelCommand(settings)}\` and copy the folder here.`,
          { cause: error },
        );
      }
      throw new ModelLoadError(modelId, `model '${modelId}' (${dtype}) could not be loaded: ${messageOf(error)}`, {
        cause: error,
      });
    }

    const config = model.config as unknown as { hidden_size?: unknown; max_position_embeddings?: unknown };
    const dimension = Number(config.hidden_size);
    if (!Number.isInteger(dimension) || dimension <= 0) {
      throw new ModelLoadError(modelId, `model '${modelId}': config.json has no valid hidden_size`);
    }
    const modelLimit = tokenLimitOf(tokenizer, config.max_position_embeddings);
    const maxTokens = settings.maxTokens ?? Math.min(modelLimit, 512);
    if (maxTokens > modelLimit) {
      throw new InvalidOptionsError('maxTokens', `${maxTokens} exceeds the ${modelLimit} tokens model '${modelId}' allows`);
    }

    if (settings.pooling === 'pooler') requirePooledOutput(model, modelId);
    const { leading, trailing } = specialTokensOf(tokenizer, modelId);
    const prefixIds = settings.prefix.trim() === '' ? [] : tokenizer.encode(settings.prefix.trimEnd(), { add_special_tokens: false });
    const contentSize = maxTokens - leading.length - trailing.length - prefixIds.length;
    if (contentSize < 1) {
      throw new InvalidOptionsError('maxTokens', `${maxTokens} leaves no room for text after special and prefix tokens`);
    }
    if (settings.windowOverlap >= contentSize) {
      throw new InvalidOptionsError('windowOverlap', `must be below the ${contentSize} text tokens of a window`);
    }
    const padId = typeof tokenizer.pad_token_id === 'number' ? tokenizer.pad_token_id : 0;
    return new TransformersEmbedder(transformers, settings, tokenizer, model, dimension, maxTokens, leading, trailing, prefixIds, padId);
  }

  async embed(inputs: readonly EmbedInput[], options: EmbedOptions = {}): Promise<Float32Array[]> {
    if (this.disposed) throw new ModelLoadError(this.settings.model, 'this embedder was disposed');
    const { signal, onProgress } = options;
    throwIfAborted(signal);
    inputs.forEach(validateInput);

    const sums = inputs.map(() => new WeightedVectorSum(this.dimension));
    const windowsLeft = new Array<number>(inputs.length).fill(0);
    let done = 0;
    const poolSize = this.settings.batchSize * SORT_POOL_BATCHES;

    for (let next = 0; next < inputs.length; ) {
      // Tokenise articles until a pool of windows is full, then embed the pool longest first,
      // so each batch holds windows of similar length and little padding.
      const pool: Window[] = [];
      while (next < inputs.length && pool.length < poolSize) {
        const windows = this.windowsOf(inputs[next]!, next);
        windowsLeft[next] = windows.length;
        pool.push(...windows);
        next++;
      }
      pool.sort((a, b) => b.ids.length - a.ids.length || a.input - b.input);

      for (let start = 0; start < pool.length; start += this.settings.batchSize) {
        throwIfAborted(signal);
        const batch = pool.slice(start, start + this.settings.batchSize);
        const vectors = await this.runBatch(batch);
        batch.forEach((window, i) => {
          sums[window.input]!.add(l2NormalizeInPlace(vectors[i]!), window.weight);
          if (--windowsLeft[window.input]! === 0) done++;
        });
        onProgress?.(progressOf('embed', done, inputs.length));
      }
    }

    return sums.map((sum, i) => {
      const vector = l2NormalizeInPlace(sum.mean());
      if (!isUnitVector(vector)) {
        throw new InvalidVectorError(
          `model '${this.settings.model}' produced a non-finite or zero vector for input ${i}`,
          String(i),
        );
      }
      return vector;
    });
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    await this.model.dispose();
  }

  /** Token windows of one input, each with the special and prefix tokens the model expects. */
  private windowsOf(input: EmbedInput, index: number): Window[] {
    const title = input.title?.trim();
    // A line break keeps headline and body apart for every tokenizer without adding a token.
    const text = title ? `${title}\n${input.text}` : input.text;
    const content = this.tokenizer.encode(text, { add_special_tokens: false });
    const size = this.maxTokens - this.leadingIds.length - this.trailingIds.length - this.prefixIds.length;
    const plan = planWindows(content.length, {
      size,
      overlap: this.settings.windowOverlap,
      leadWeight: this.settings.leadWindowWeight,
    });
    return plan.map((w) => ({
      input: index,
      ids: [...this.leadingIds, ...this.prefixIds, ...content.slice(w.start, w.end), ...this.trailingIds],
      weight: w.weight,
    }));
  }

  /** One forward pass; rows are right-padded and masked, so a window's vector ignores its batchmates. */
  private async runBatch(batch: readonly Window[]): Promise<Float32Array[]> {
    const width = Math.max(...batch.map((w) => w.ids.length));
    const ids = new BigInt64Array(batch.length * width).fill(BigInt(this.padId));
    const mask = new BigInt64Array(batch.length * width);
    batch.forEach((window, row) => {
      window.ids.forEach((id, col) => {
        ids[row * width + col] = BigInt(id);
        mask[row * width + col] = 1n;
      });
    });

    let hidden: Tensor;
    try {
      // token_type_ids (all zeros) are added by transformers.js when the graph has that input.
      const outputs = (await this.model({
        input_ids: new this.transformers.Tensor('int64', ids, [batch.length, width]),
        attention_mask: new this.transformers.Tensor('int64', mask, [batch.length, width]),
      })) as Record<string, Tensor | undefined>;
      if (this.settings.pooling === 'pooler') {
        const pooled = pooledOutputOf(outputs);
        if (pooled === undefined) throw new Error(`no pooled output among outputs ${Object.keys(outputs).join(', ')}`);
        return this.pooledRows(pooled, batch.length);
      }
      const found = outputs.last_hidden_state ?? outputs.token_embeddings;
      if (found === undefined) throw new Error(`no last_hidden_state among outputs ${Object.keys(outputs).join(', ')}`);
      hidden = found;
    } catch (error) {
      if (error instanceof ModelLoadError) throw error;
      throw new ModelLoadError(this.settings.model, `running model '${this.settings.model}' failed: ${messageOf(error)}`, {
        cause: error,
      });
    }
    const [b, s, d] = hidden.dims;
    if (hidden.dims.length !== 3 || b !== batch.length || s !== width || d !== this.dimension) {
      throw new ModelLoadError(
        this.settings.model,
        `model '${this.settings.model}' returned hidden states of shape [${hidden.dims.join(', ')}], expected [${batch.length}, ${width}, ${this.dimension}]`,
      );
    }
    return poolHiddenStates(hidden.data as Float32Array, [b, s, d], mask, this.settings.pooling as TokenPooling);
  }

  /** The model's own pooled vectors, `[batch, dimension]`, one row per window. */
  private pooledRows(pooled: Tensor, rows: number): Float32Array[] {
    const [b, d] = pooled.dims;
    if (pooled.dims.length !== 2 || b !== rows || d !== this.dimension) {
      throw new ModelLoadError(
        this.settings.model,
        `model '${this.settings.model}' returned a pooled output of shape [${pooled.dims.join(', ')}], expected [${rows}, ${this.dimension}]`,
      );
    }
    const data = pooled.data as Float32Array;
    return Array.from({ length: rows }, (_, row) => data.slice(row * d, (row + 1) * d));
  }
}

// transformers.js exports of BERT models name the pooler's result `pooler_output`;
// sentence-transformers exports name the finished vector `sentence_embedding`.
const POOLED_OUTPUT_NAMES = ['pooler_output', 'sentence_embedding'] as const;

function pooledOutputOf(outputs: Record<string, Tensor | undefined>): Tensor | undefined {
  for (const name of POOLED_OUTPUT_NAMES) if (outputs[name] !== undefined) return outputs[name];
  return undefined;
}

/**
 * Refuses a 'pooler' model whose ONNX graph lacks the pooled output: pooling its [CLS] token
 * instead would skip the pooler's dense layer and give vectors that merely look right.
 */
function requirePooledOutput(model: PreTrainedModel, modelId: string): void {
  const sessions = (model as unknown as { sessions?: Record<string, { outputNames?: readonly string[] }> }).sessions;
  const outputNames = sessions?.model?.outputNames ?? [];
  if (POOLED_OUTPUT_NAMES.some((name) => outputNames.includes(name))) return;
  throw new ModelLoadError(
    modelId,
    `model '${modelId}' is pooled by its pooler layer ([CLS] through dense + tanh, as its model card prescribes), ` +
      `but its ONNX graph has no ${POOLED_OUTPUT_NAMES.join(' or ')} output (it has ${outputNames.join(', ') || 'none'}), ` +
      `so its vectors cannot be computed faithfully. Use an ONNX export that keeps that output ` +
      `(e.g. \`optimum-cli export onnx --library-name sentence_transformers\`), or another model.`,
  );
}

export interface FetchModelOptions {
  /** Model id on the Hugging Face hub, e.g. 'Xenova/multilingual-e5-small'. */
  model: string;
  /** @default 'q8' */
  dtype?: TransformersDtype;
  /** Models folder; the files land in `<localModelPath>/<model>/`. @default './models' */
  localModelPath?: string;
  /** Download progress of one file, in percent. */
  onProgress?: (file: string, percent: number) => void;
}

export interface FetchedModel {
  /** The model's folder (absolute). */
  folder: string;
  /** The ONNX file of the dtype, relative to `folder`. */
  modelFile: string;
  /** Size of that file. */
  bytes: number;
  /** True when every file was there already and nothing was downloaded. */
  alreadyPresent: boolean;
}

/**
 * Downloads a model from the Hugging Face hub into `<localModelPath>/<model>/`, the layout
 * TransformersEmbedder loads offline (`samestory fetch-model`). Downloads nothing when the
 * files are already there.
 * @throws TransformersUnavailableError when transformers.js is not installed
 * @throws ModelNotFoundError when the download fails (offline, unknown model) or leaves files missing
 * @throws InvalidOptionsError for an empty model id or an unknown dtype
 */
export async function fetchTransformersModel(options: FetchModelOptions): Promise<FetchedModel> {
  const settings = resolveSettings({ ...options, allowRemoteModels: true });
  const { model: modelId, dtype } = settings;
  const folder = path.join(settings.localModelPath, modelId);
  const modelFile = modelFileOf(dtype);
  const fetched = (alreadyPresent: boolean): FetchedModel => ({
    folder,
    modelFile,
    bytes: fs.statSync(path.join(folder, modelFile)).size,
    alreadyPresent,
  });
  if (findMissingFiles(settings) === undefined) return fetched(true);

  const transformers = await loadTransformers();
  const progress_callback = (info: { status: string; file?: string; progress?: number }) => {
    if (info.status === 'progress' && info.file !== undefined && info.progress !== undefined) options.onProgress?.(info.file, info.progress);
  };
  try {
    // transformers.js writes downloads to `cacheDir/<model>/<file>`, and cacheDir is the models
    // folder here: exactly the files a later offline load reads.
    await withTransformersEnv(transformers.env, settings, async () => {
      await transformers.AutoTokenizer.from_pretrained(modelId, { progress_callback });
      const model = await transformers.AutoModel.from_pretrained(modelId, { dtype, device: 'cpu', progress_callback });
      await model.dispose();
    });
  } catch (error) {
    throw new ModelNotFoundError(
      modelId,
      [folder],
      `could not download model '${modelId}' (${dtype}) into ${folder}: ${messageOf(error)}. The Hugging Face hub ` +
        `(${transformers.env.remoteHost}) must be reachable; offline, run the same command on a machine with internet ` +
        `and copy the folder here (models/README.md lists the files).`,
      { cause: error },
    );
  }
  const missing = findMissingFiles(settings);
  if (missing !== undefined) {
    throw new ModelNotFoundError(modelId, [folder], `download finished but ${missing.files.join(', ')} did not land in ${folder}; see models/README.md to place the files by hand`);
  }
  return fetched(false);
}

function resolveSettings(options: TransformersEmbedderOptions): ResolvedSettings {
  const model = options.model ?? DEFAULT_MODEL;
  if (typeof model !== 'string' || model.trim() === '') throw new InvalidOptionsError('model', 'must be a non-empty string');
  const facts = modelFacts(model);
  const dtype = options.dtype ?? 'q8';
  if (!(dtype in MODEL_FILE_SUFFIX)) throw new InvalidOptionsError('dtype', `must be 'fp32' or 'q8', got '${String(dtype)}'`);
  const localModelPath = path.resolve(options.localModelPath ?? './models');
  const pooling = options.pooling ?? facts?.pooling ?? 'mean';
  if (!POOLINGS.includes(pooling)) {
    throw new InvalidOptionsError('pooling', `must be ${POOLINGS.map((p) => `'${p}'`).join(', ')}, got '${String(pooling)}'`);
  }

  const settings: ResolvedSettings = {
    model,
    dtype,
    localModelPath,
    cacheDir: path.resolve(options.cacheDir ?? localModelPath),
    allowRemoteModels: options.allowRemoteModels ?? false,
    batchSize: options.batchSize ?? DEFAULT_BATCH_SIZE[dtype],
    maxTokens: options.maxTokens ?? facts?.maxTokens,
    windowOverlap: options.windowOverlap ?? DEFAULT_WINDOW_OVERLAP,
    leadWindowWeight: options.leadWindowWeight ?? DEFAULT_LEAD_WINDOW_WEIGHT,
    pooling,
    prefix: options.prefix ?? facts?.prefix ?? '',
    threads: options.threads,
  };
  requireInteger('batchSize', settings.batchSize, 1);
  if (settings.maxTokens !== undefined) requireInteger('maxTokens', settings.maxTokens, 3);
  requireInteger('windowOverlap', settings.windowOverlap, 0);
  if (settings.threads !== undefined) requireInteger('threads', settings.threads, 1);
  if (!Number.isFinite(settings.leadWindowWeight) || settings.leadWindowWeight <= 0) {
    throw new InvalidOptionsError('leadWindowWeight', `must be a positive number, got ${settings.leadWindowWeight}`);
  }
  return settings;
}

function requireInteger(option: string, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min) throw new InvalidOptionsError(option, `must be an integer ≥ ${min}, got ${value}`);
}

/**
 * `transformers:<model>:<dtype>:v1`, plus the pooling or prefix when they differ from the
 * catalog's, because those change the vector space. Window length, overlap and lead weight
 * only shift long articles a little within the same space, so they stay out of the id.
 */
function embedderId(settings: ResolvedSettings): string {
  const facts = modelFacts(settings.model);
  let id = `transformers:${settings.model}:${settings.dtype}:${VECTOR_VERSION}`;
  if (settings.pooling !== (facts?.pooling ?? 'mean')) id += `:pooling=${settings.pooling}`;
  if (settings.prefix !== (facts?.prefix ?? '')) id += `:prefix=${JSON.stringify(settings.prefix)}`;
  return id;
}

const REQUIRED_FILES = ['config.json', 'tokenizer.json', 'tokenizer_config.json'];

interface MissingFiles {
  /** Absolute model folders that were looked in. */
  searched: string[];
  /** Files missing from the most complete of those folders. */
  files: string[];
  /** Other dtypes whose model file is present there. */
  otherDtypes: TransformersDtype[];
}

/** Checks the files transformers.js will read, so a missing model gets a clear message, not a stack of fetch errors. */
function findMissingFiles(settings: ResolvedSettings): MissingFiles | undefined {
  const needed = [...REQUIRED_FILES, modelFileOf(settings.dtype)];
  const folders = [...new Set([settings.localModelPath, settings.cacheDir])].map((root) => path.join(root, settings.model));
  let best: { folder: string; files: string[] } | undefined;
  for (const folder of folders) {
    const files = needed.filter((file) => !fs.existsSync(path.join(folder, file)));
    if (files.length === 0) return undefined;
    if (best === undefined || files.length < best.files.length) best = { folder, files };
  }
  const otherDtypes = (Object.keys(MODEL_FILE_SUFFIX) as TransformersDtype[]).filter(
    (dtype) => dtype !== settings.dtype && fs.existsSync(path.join(best!.folder, modelFileOf(dtype))),
  );
  return { searched: folders, files: best!.files, otherDtypes };
}

function modelFileOf(dtype: TransformersDtype): string {
  return `onnx/model${MODEL_FILE_SUFFIX[dtype]}.onnx`;
}

function missingModelMessage(settings: ResolvedSettings, missing: MissingFiles): string {
  const { model, dtype } = settings;
  let message =
    `model '${model}' (${dtype}) not found: looked in ${missing.searched.join(' and ')}, missing ${missing.files.join(', ')}; ` +
    `remote downloads are off. Fetch it with \`${fetchModelCommand(settings)}\` (on a machine with internet, then copy ` +
    `the folder here), or allow downloads: --allow-remote on the command line, allowRemoteModels: true in the API.`;
  if (missing.otherDtypes.length > 0) {
    message += ` The folder holds dtype ${missing.otherDtypes.map((d) => `'${d}'`).join(', ')}: pass that as dtype to use it.`;
  }
  return message;
}

/** The CLI command that downloads the model into the folder this embedder reads. */
function fetchModelCommand(settings: ResolvedSettings): string {
  const relative = path.relative(process.cwd(), settings.localModelPath) || '.';
  const folder = relative.startsWith('..') ? settings.localModelPath : relative;
  const dir = folder === 'models' ? '' : ` --models-dir ${/\s/.test(folder) ? JSON.stringify(folder) : folder}`;
  return `npx samestory fetch-model ${settings.model} --dtype ${settings.dtype}${dir}`;
}

/** Tokens one window may hold: the tokenizer's model_max_length, within the position table. */
function tokenLimitOf(tokenizer: PreTrainedTokenizer, maxPositions: unknown): number {
  const fromTokenizer = Number(tokenizer.model_max_length);
  const fromConfig = Number(maxPositions);
  const limits = [fromTokenizer, fromConfig].filter((n) => Number.isInteger(n) && n > 0 && n < 1e6);
  return limits.length > 0 ? Math.min(...limits) : 512;
}

/**
 * Finds the special tokens the tokenizer wraps a sequence in by encoding a probe with and
 * without them; works for BERT ([CLS] … [SEP]) and XLM-R (<s> … </s>) alike, without
 * relying on token names (transformers.js v4 leaves `cls_token_id` undefined for BERT).
 */
function specialTokensOf(tokenizer: PreTrainedTokenizer, model: string): { leading: number[]; trailing: number[] } {
  const probe = 'samestory probe';
  const plain = tokenizer.encode(probe, { add_special_tokens: false });
  const full = tokenizer.encode(probe);
  for (let start = 0; start + plain.length <= full.length; start++) {
    if (plain.every((id, i) => full[start + i] === id)) {
      return { leading: full.slice(0, start), trailing: full.slice(start + plain.length) };
    }
  }
  throw new ModelLoadError(model, `model '${model}': cannot tell the tokenizer's special tokens apart from text`);
}

function validateInput(input: EmbedInput, index: number): void {
  if (input === null || typeof input !== 'object' || typeof input.text !== 'string') {
    throw new InvalidArticleError(`input ${index}: text must be a string`);
  }
  if (input.title !== undefined && typeof input.title !== 'string') {
    throw new InvalidArticleError(`input ${index}: title must be a string when given`);
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

let envQueue: Promise<unknown> = Promise.resolve();

/**
 * transformers.js reads model locations from its global `env`. Loads are queued and each sets
 * the fields it needs and puts the previous values back afterwards, so two embedders with
 * different folders (or the host application's own use of transformers.js) do not see each
 * other's settings. Inference does not read these fields, so only loading is serialised.
 */
function withTransformersEnv<T>(env: TransformersModule['env'], settings: ResolvedSettings, load: () => Promise<T>): Promise<T> {
  const run = envQueue.then(async () => {
    const saved = {
      localModelPath: env.localModelPath,
      allowLocalModels: env.allowLocalModels,
      allowRemoteModels: env.allowRemoteModels,
      cacheDir: env.cacheDir,
    };
    env.localModelPath = settings.localModelPath;
    env.allowLocalModels = true;
    env.allowRemoteModels = settings.allowRemoteModels;
    env.cacheDir = settings.cacheDir;
    try {
      return await load();
    } finally {
      Object.assign(env, saved);
    }
  });
  envQueue = run.catch(() => undefined);
  return run;
}
