// Builds an embedder by name, for the CLI and for callers that configure samestory from
// settings rather than code.

import type { Embedder } from './embedder.js';
import { LexicalEmbedder, type LexicalEmbedderOptions } from './lexical/lexical-embedder.js';
import { TransformersEmbedder, type TransformersEmbedderOptions } from './transformers-embedder.js';
import { InvalidOptionsError } from '../errors.js';

export type EmbedderKind = 'lexical' | 'transformers';

export type CreateEmbedderOptions =
  | ({ kind?: 'lexical' } & LexicalEmbedderOptions)
  | ({ kind: 'transformers' } & TransformersEmbedderOptions);

/**
 * `{ kind: 'lexical' }` (the default) is the built-in embedder that needs no download;
 * `{ kind: 'transformers', model }` loads a transformers.js model (see models/README.md).
 */
export async function createEmbedder(options: CreateEmbedderOptions = {}): Promise<Embedder> {
  const { kind = 'lexical', ...rest } = options as { kind?: string } & Record<string, unknown>;
  if (kind === 'lexical') {
    const lexicalOptions: LexicalEmbedderOptions = {};
    for (const key of ['dimension', 'lexiconDir'] as const) {
      if (rest[key] !== undefined) (lexicalOptions as Record<string, unknown>)[key] = rest[key];
    }
    return LexicalEmbedder.create(lexicalOptions);
  }
  if (kind === 'transformers') {
    // transformers.js itself is imported only now, by create() (see load-transformers.ts).
    return TransformersEmbedder.create(rest as TransformersEmbedderOptions);
  }
  throw new InvalidOptionsError('embedder', `must be 'lexical' or 'transformers', got '${kind}'`);
}

/** The embedder used when none is given: the built-in lexical one. */
export function defaultEmbedder(): Promise<Embedder> {
  return LexicalEmbedder.create();
}
