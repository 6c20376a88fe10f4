// pgvector's text forms for our two vector shapes: `sparsevec` ('{1:0.5,7:0.25}/4096',
// indices one-based) for sparse vectors and `vector` ('[0.1,0.2,…]') for dense ones. Text
// keeps the client free of binary type parsers; float32 values print exactly with
// `Math.fround`-safe shortest round-trip (`String(x)` of a float32 read back as float32).

import { allocateSparseVector, isSparseVector, type EmbeddingVector, type SparseVector } from '../../vectors/sparse-vector.js';

/** The literal pgvector reads for `vector` (sparse: `sparsevec`). */
export function vectorToText(vector: EmbeddingVector, dimension: number): string {
  if (!isSparseVector(vector)) return `[${Array.prototype.join.call(vector, ',')}]`;
  const parts = new Array<string>(vector.indices.length);
  for (let k = 0; k < vector.indices.length; k++) parts[k] = `${vector.indices[k]! + 1}:${vector.values[k]!}`;
  return `{${parts.join(',')}}/${dimension}`;
}

/** Reads a `sparsevec` literal back (indices zero-based, ascending as pgvector keeps them). */
export function sparseFromText(text: string): SparseVector {
  const close = text.indexOf('}');
  const body = text.slice(1, close);
  if (body === '') return allocateSparseVector(0);
  const entries = body.split(',');
  const { indices, values } = allocateSparseVector(entries.length);
  for (let k = 0; k < entries.length; k++) {
    const entry = entries[k]!;
    const colon = entry.indexOf(':');
    indices[k] = Number(entry.slice(0, colon)) - 1;
    values[k] = Number(entry.slice(colon + 1));
  }
  return { indices, values };
}

/** Reads a `vector` literal back. */
export function denseFromText(text: string): Float32Array {
  const body = text.slice(1, -1);
  return body === '' ? new Float32Array(0) : Float32Array.from(body.split(','), Number);
}
