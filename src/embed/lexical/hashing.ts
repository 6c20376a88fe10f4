// Signed feature hashing with FNV-1a over UTF-16 code units: the same feature lands in the
// same dimension with the same sign on every machine, and sign flips keep collisions unbiased.

/** 32-bit FNV-1a of a string (UTF-16 code units), unsigned. */
export function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** Mixes the bits (murmur3 finaliser) so that low bits of similar keys differ. */
function mix(hash: number): number {
  let h = hash;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * The 32-bit hash of a feature key, from which both its dimension and its sign follow. The
 * embedder keys its per-article accumulator by it, so keys need not be kept as strings.
 */
export function featureHash(feature: string): number {
  return mix(fnv1a(feature));
}

/** Dimension (0..dimension-1) of a feature hash. */
export function indexOfHash(hash: number, dimension: number): number {
  return (hash & 0x7fffffff) % dimension;
}

/** Sign (+1/-1) of a feature hash: its top bit. */
export function signOfHash(hash: number): 1 | -1 {
  return hash & 0x80000000 ? -1 : 1;
}

/** Dimension (0..dimension-1) and sign (+1/-1) of a feature; the sign comes from the top bit. */
export function hashFeature(feature: string, dimension: number): { index: number; sign: 1 | -1 } {
  const h = featureHash(feature);
  return { index: indexOfHash(h, dimension), sign: signOfHash(h) };
}

/** Scales a vector to unit length in place; leaves an all-zero vector as it is. */
export function l2Normalise(vector: Float32Array): Float32Array {
  let sum = 0;
  for (let i = 0; i < vector.length; i++) sum += vector[i]! * vector[i]!;
  if (sum > 0) {
    const scale = 1 / Math.sqrt(sum);
    for (let i = 0; i < vector.length; i++) vector[i]! *= scale;
  }
  return vector;
}
