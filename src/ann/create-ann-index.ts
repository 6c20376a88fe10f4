// Picks an AnnIndex implementation by name (or by expected size), and loads a saved
// index of whichever kind its meta file names.

import { InvalidOptionsError } from '../errors.js';
import type { AnnIndex } from './ann-index.js';
import { readAnnMeta, type AnnIndexKind } from './ann-files.js';
import { ExactIndex, type ExactIndexOptions } from './exact-index.js';
import { HnswIndex, type HnswIndexOptions } from './hnsw-index.js';
import { SparseIndex, type SparseIndexOptions } from './sparse-index.js';

export type AnnIndexKindChoice = AnnIndexKind | 'auto';

export interface CreateAnnIndexOptions extends HnswIndexOptions, ExactIndexOptions, SparseIndexOptions {
  /**
   * How many vectors the index will probably hold. With kind 'auto' it picks the
   * implementation (see AUTO_EXACT_MAX_SIZE); it is also the initial capacity when
   * `maxElements` is not given. Unknown size with 'auto' means 'hnsw'.
   * @default undefined
   * @example { expectedSize: 500 }
   */
  expectedSize?: number;
}

/**
 * Kind 'auto' uses ExactIndex up to this many expected vectors, HnswIndex above.
 * Measured for the workload clustering runs (add n vectors, then query every one of
 * them), 384-dim, busy 2-core machine, default HNSW options: n = 500 exact 0.12 s vs
 * HNSW 0.13 s; n = 1,000 0.33 s vs 0.27 s; n = 2,000 1.6 s vs 0.9 s; n = 4,000 8.6 s
 * vs 5.3 s. Up to about 1,000 brute force costs no more, and its answers are exact.
 */
export const AUTO_EXACT_MAX_SIZE = 1000;

/**
 * Creates an empty index of the given kind. 'sparse' is exact search over an inverted index,
 * for vectors with few non-zeros (the built-in embedder's); 'auto' picks between the dense
 * kinds only, since the shape of the vectors to come is not known here.
 */
export function createAnnIndex(
  kind: AnnIndexKindChoice,
  dimension: number,
  options: CreateAnnIndexOptions = {},
): AnnIndex {
  const { expectedSize, ...rest } = options;
  if (expectedSize !== undefined && (!Number.isSafeInteger(expectedSize) || expectedSize < 0)) {
    throw new InvalidOptionsError('expectedSize', `must be a non-negative integer, got ${String(expectedSize)}`);
  }
  const maxElements = rest.maxElements ?? (expectedSize !== undefined && expectedSize > 0 ? expectedSize : undefined);
  const sized = maxElements === undefined ? rest : { ...rest, maxElements };
  const chosen = kind === 'auto' ? autoKind(expectedSize) : kind;
  switch (chosen) {
    case 'exact':
      return new ExactIndex(dimension, { maxElements: sized.maxElements });
    case 'hnsw':
      return new HnswIndex(dimension, sized);
    case 'sparse':
      return new SparseIndex(dimension, { maxElements: sized.maxElements });
    default:
      throw new InvalidOptionsError('kind', `must be 'hnsw', 'exact', 'sparse' or 'auto', got ${JSON.stringify(kind)}`);
  }
}

/** Loads an index saved with `save(dir)`, whatever its kind. Throws BundleError when unusable. */
export async function loadAnnIndex(dir: string): Promise<AnnIndex> {
  const loaded = await readAnnMeta(dir);
  switch (loaded.meta.kind) {
    case 'exact':
      return ExactIndex.fromLoadedMeta(loaded);
    case 'hnsw':
      return HnswIndex.fromLoadedMeta(loaded);
    case 'sparse':
      return SparseIndex.fromLoadedMeta(loaded);
  }
}

function autoKind(expectedSize: number | undefined): AnnIndexKind {
  return expectedSize !== undefined && expectedSize <= AUTO_EXACT_MAX_SIZE ? 'exact' : 'hnsw';
}
