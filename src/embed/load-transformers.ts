// transformers.js (`@huggingface/transformers`) is an optional peer dependency: it is imported
// here, on the first TransformersEmbedder or `samestory fetch-model`, never by `import 'samestory'`,
// so users of the built-in embedder neither install onnxruntime (about 430 MB with
// onnxruntime-web) nor map it into their process.

import { TransformersUnavailableError } from '../errors.js';

export type TransformersModule = typeof import('@huggingface/transformers');
export type TransformersImporter = () => Promise<TransformersModule>;

export const TRANSFORMERS_PACKAGE = '@huggingface/transformers';
/**
 * The version samestory is tested with, pinned in package.json (peer and dev dependency): a
 * transformers.js release can change tokenisation or pooling and so the vectors.
 */
export const TRANSFORMERS_VERSION = '4.3.1';
export const TRANSFORMERS_INSTALL_COMMAND = `npm install ${TRANSFORMERS_PACKAGE}@${TRANSFORMERS_VERSION}`;

// A dynamic import() in both builds: the CommonJS build loads the package's own CommonJS or ESM
// entry the same way, and bundlers leave the specifier external.
const importTransformers: TransformersImporter = () => import('@huggingface/transformers');

/**
 * The transformers.js module.
 * @param importer how to import it; tests pass one that fails.
 * @throws TransformersUnavailableError when the package is not installed or fails to load
 */
export async function loadTransformers(importer: TransformersImporter = importTransformers): Promise<TransformersModule> {
  try {
    return await importer();
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    if (isMissingPackage(error, TRANSFORMERS_PACKAGE)) {
      throw new TransformersUnavailableError(
        false,
        TRANSFORMERS_INSTALL_COMMAND,
        `transformers.js is not installed: TransformersEmbedder and \`samestory fetch-model\` need the optional peer ` +
          `dependency ${TRANSFORMERS_PACKAGE}. Install it with \`${TRANSFORMERS_INSTALL_COMMAND}\` ` +
          `(offline or on CPU-only machines with ONNXRUNTIME_NODE_INSTALL=skip), or use the built-in embedder (the default).`,
        { cause: error },
      );
    }
    throw new TransformersUnavailableError(
      true,
      TRANSFORMERS_INSTALL_COMMAND,
      `transformers.js (${TRANSFORMERS_PACKAGE}) is installed but could not be loaded: ${reason}. ` +
        `Reinstalling it with \`${TRANSFORMERS_INSTALL_COMMAND}\` usually helps (its onnxruntime-node must match this platform).`,
      { cause: error },
    );
  }
}

// "Cannot find package '@huggingface/transformers'" (ESM) or "Cannot find module …" (CommonJS);
// a missing dependency of transformers.js names that dependency instead, and is not this case.
function isMissingPackage(error: unknown, name: string): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (code !== 'ERR_MODULE_NOT_FOUND' && code !== 'MODULE_NOT_FOUND') return false;
  return error instanceof Error && error.message.includes(`'${name}'`);
}
