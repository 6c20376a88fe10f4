// Seeded vector generators for the ann tests: same seed, same vectors, on every machine.

import { seededRandom } from '../../src/seeded-random.js';
import { sparseFromEntries, type SparseVector } from '../../src/vectors/sparse-vector.js';

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

/**
 * Sparse vectors with a skewed feature distribution, like hashed text features: each of
 * the first `hotDimensions` dimensions is in 30-60 % of the vectors, the other features
 * spread Zipf-like over the remaining dimensions (a few common, most rare). Values are
 * signed normal samples; `hotScale` scales the frequent ones (idf-like weighting makes
 * frequent features weigh little).
 */
export function skewedSparseVectors(
  count: number,
  dimension: number,
  seed: number,
  { hotDimensions = 4, rareFeatures = 12, hotScale = 1 }: { hotDimensions?: number; rareFeatures?: number; hotScale?: number } = {},
): SparseVector[] {
  const random = seededRandom(seed);
  const normal = gaussian(random);
  const hotShare = Array.from({ length: hotDimensions }, () => 0.3 + 0.3 * random());
  return Array.from({ length: count }, () => {
    const entries = new Map<number, number>();
    hotShare.forEach((share, d) => {
      if (random() < share) entries.set(d, hotScale * normal());
    });
    for (let f = 0; f < rareFeatures; f++) {
      // Cubing skews towards low dimensions: some features are common, most are rare.
      entries.set(hotDimensions + Math.floor(random() ** 3 * (dimension - hotDimensions)), normal());
    }
    return sparseFromEntries([...entries.keys()], [...entries.values()]);
  });
}
