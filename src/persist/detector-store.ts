// save(dir) / load(dir) of a whole detector: an atomic bundle switch (bundle-store.ts)
// around the bundle contents (detector-bundle.ts), plus the embedder check that keeps
// vectors of two embedding spaces apart.

import path from 'node:path';
import { defaultEmbedder } from '../embed/create-embedder.js';
import { vectorKindOf, type Embedder } from '../embed/embedder.js';
import { DimensionMismatchError, EmbedderMismatchError, throwIfAborted } from '../errors.js';
import { commitBundle, currentBundle } from './bundle-store.js';
import { MANIFEST_FILE, readDetectorBundle, readManifest, writeDetectorBundle, type DetectorState } from './detector-bundle.js';

export interface LoadDetectorOptions {
  /**
   * The embedder new articles and queries are embedded with. Its id and dimension must be
   * the saved ones.
   * @default the built-in LexicalEmbedder (which must then be the embedder the bundle was saved with)
   * @example { embedder: await createEmbedder({ kind: 'transformers', model: 'Xenova/multilingual-e5-small' }) }
   */
  embedder?: Embedder;
  /**
   * Folder of the archived stories, when the detector was saved with `archiveDir` and the
   * folder has moved since.
   * @default the folder recorded in the bundle
   */
  archiveDir?: string;
  /** Cancels the load between reading the manifest and reading the rest. */
  signal?: AbortSignal;
  /**
   * The wall clock for the active window (see StoryDetectorOptions.now).
   * @default Date.now
   */
  now?: () => number;
}

/** Writes `state` as the new current bundle of `dir`; the previous one stays loadable until the switch. */
export async function saveDetectorState(dir: string, state: DetectorState): Promise<void> {
  await commitBundle(dir, (bundleDir) => writeDetectorBundle(bundleDir, state));
}

/**
 * Reads the current bundle of `dir`, checked against the embedder that will be used with
 * it. Throws BundleError, EmbedderMismatchError or DimensionMismatchError.
 */
export async function loadDetectorState(
  dir: string,
  options: LoadDetectorOptions = {},
): Promise<{ state: DetectorState; embedder: Embedder }> {
  const current = await currentBundle(dir);
  const bundleDir = current.dir;
  const manifest = await readManifest(bundleDir, current.manifestSha256);
  throwIfAborted(options.signal);
  const embedder = options.embedder ?? (await defaultEmbedder());
  try {
    const context = `bundle ${path.join(bundleDir, MANIFEST_FILE)}`;
    if (embedder.id !== manifest.embedder.id) {
      throw new EmbedderMismatchError(embedder.id, manifest.embedder.id, `${context} (pass the embedder it was saved with)`);
    }
    if (embedder.dimension !== manifest.embedder.dimension) {
      throw new DimensionMismatchError(embedder.dimension, manifest.embedder.dimension, context);
    }
    return { state: await readDetectorBundle(bundleDir, manifest, vectorKindOf(embedder)), embedder };
  } catch (error) {
    // An embedder made here has no other owner to release it.
    if (!options.embedder) await embedder.dispose?.().catch(() => {});
    throw error;
  }
}
