// Which of the library's embedders can run here: the built-in one always; transformers.js
// models when their files are in ./models (nothing is downloaded).

import { fileURLToPath } from 'node:url';
import { DEFAULT_MODEL, TransformersEmbedder, defaultEmbedder, type Embedder } from '../../src/index.js';

/** ./models of the repository, wherever the harness is started from. */
export const MODELS_DIR = fileURLToPath(new URL('../../models', import.meta.url));

export interface AvailableEmbedders {
  embedders: Embedder[];
  /** Embedders that were asked for or probed but cannot run, with the reason. */
  skipped: Record<string, string>;
}

/**
 * The built-in embedder plus each transformers.js model in `models` (and the default
 * transformers model when its files happen to be present).
 */
export async function availableEmbedders(models: readonly string[]): Promise<AvailableEmbedders> {
  const embedders: Embedder[] = [await defaultEmbedder()];
  const skipped: Record<string, string> = {};
  const wanted = models.length > 0 ? models : [DEFAULT_MODEL];
  for (const model of wanted) {
    try {
      embedders.push(await TransformersEmbedder.create({ model, localModelPath: MODELS_DIR }));
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      skipped[`transformers:${model}`] = message.split('\n')[0]!;
    }
  }
  return { embedders, skipped };
}
