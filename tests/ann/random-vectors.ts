// Seeded vector generators for the ann tests: same seed, same vectors, on every machine.

import { seededRandom } from '../../src/seeded-random.js';

export { seededRandom };

/** Standard normal samples (Box-Muller). */
export function gaussian(random: () => number): () => number {
  return () => Math.sqrt(-2 * Math.log(random() + 1e-12)) * Math.cos(2 * Math.PI * random());
}

/** `count` vectors with independent normal components (not normalised). */
export function randomVectors(count: number, dimension: number, seed: number): Float32Array[] {
  const normal = gaussian(seededRandom(seed));
  return Array.from({ length: count }, () => Float32Array.from({ length: dimension }, normal));
}

/**
 * Vectors shaped like sentence embeddings of news: a direction shared by everything
 * (embeddings are anisotropic), one of `topics` topic directions, and per-article noise.
 * With the defaults a vector's top-10 have similarities of about 0.3-0.4, close to the
 * next ones down, which is what makes the top-10 hard to get exactly right.
 */
export function clusteredVectors(
  count: number,
  dimension: number,
  seed: number,
  { topics = 300, shared = 1.0, noise = 2 }: { topics?: number; shared?: number; noise?: number } = {},
): Float32Array[] {
  const normal = gaussian(seededRandom(seed));
  const random = seededRandom(seed + 1);
  const common = Float32Array.from({ length: dimension }, normal);
  const centres = Array.from({ length: topics }, () => Float32Array.from({ length: dimension }, normal));
  return Array.from({ length: count }, () => {
    const centre = centres[Math.floor(random() * topics)]!;
    return Float32Array.from({ length: dimension }, (_, i) => shared * common[i]! + centre[i]! + noise * normal());
  });
}
