// Any vector space can drive a StoryDetector: implement the four-member `Embedder` interface.
// Part 1 plugs in a toy embedder written here; part 2 plugs in `TransformersEmbedder` with the
// tiny random test model that ships in the repository (models/tiny-random-bert).
//
//   npx tsx examples/custom-embedder.ts        (or: npx ts-node examples/custom-embedder.ts)

import { join } from 'node:path';
import { StoryDetector, TransformersEmbedder, type EmbedInput, type Embedder } from 'samestory';
import { loadExampleArticles, REPO_ROOT } from './lib/example-articles';

/**
 * A TOY FOR THIS DEMO, not for real use: a bag of words hashed into a fixed number of buckets
 * ("feature hashing"). It only matches articles that share words or numbers, so it links a
 * German report to another German one but barely links Polish to German. samestory's built-in
 * LexicalEmbedder maps words of many languages to shared concepts first; that is the difference.
 */
class HashingBagOfWordsEmbedder implements Embedder {
  // Vectors from embedders with different ids must never share an index: put the settings in it.
  readonly id: string;

  constructor(readonly dimension = 1024) {
    this.id = `toy-hashing-bow-${dimension}-v1`;
  }

  async embed(inputs: readonly EmbedInput[]): Promise<Float32Array[]> {
    return inputs.map((input) => this.embedOne(`${input.title ?? ''}\n${input.text}`));
  }

  private embedOne(text: string): Float32Array {
    const counts = new Map<string, number>();
    // Lower-case, strip accents (Wrocław → wroclaw), keep words of 3+ letters and all numbers.
    const folded = text.toLowerCase().normalize('NFD').replace(/\p{M}/gu, '');
    for (const [token] of folded.matchAll(/\p{L}{3,}|\p{N}+(?:[.,]\p{N}+)*/gu)) {
      counts.set(token, (counts.get(token) ?? 0) + 1);
    }
    const vector = new Float32Array(this.dimension);
    for (const [token, count] of counts) {
      const hash = fnv1a(token);
      // A second hash bit picks the sign, so collisions cancel out on average instead of adding up.
      const sign = hash & 0x80000000 ? -1 : 1;
      vector[hash % this.dimension]! += sign * (1 + Math.log(count));
    }
    // The interface promises L2-normalised vectors: the detector's cosine is a dot product.
    let norm = 0;
    for (const x of vector) norm += x * x;
    norm = Math.sqrt(norm) || 1;
    for (let i = 0; i < vector.length; i++) vector[i]! /= norm;
    return vector;
  }
}

/** 32-bit FNV-1a hash of a string, as an unsigned integer. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

async function clusterWith(detector: StoryDetector, label: string, note: string): Promise<void> {
  await detector.add(loadExampleArticles());
  const stories = detector.clusters();
  console.log(`\n${label}: embedder '${detector.embedder.id}' (${detector.embedder.dimension} dims), ${stories.length} stories`);
  console.log(`  (${note})`);
  for (const story of stories.filter((s) => s.articleIds.length > 1)) {
    console.log(`  ${story.languages.join('/').padEnd(12)} ${story.articleIds.join(', ')}`);
  }
  const sameStory = detector.similarity('01-pl-powodz-odra.txt', '02-de-hochwasser-oder.txt');
  const otherStory = detector.similarity('02-de-hochwasser-oder.txt', '07-de-meridian-start.txt');
  console.log(`  pl flood ↔ de flood (same story, two languages):     ${sameStory.toFixed(3)}`);
  console.log(`  de flood ↔ de satellite (other story, one language): ${otherStory.toFixed(3)}`);
}

async function main(): Promise<void> {
  // Part 1: the toy embedder. It has no calibrated `sameStoryThreshold`, so choose one.
  const toy = new HashingBagOfWordsEmbedder();
  await clusterWith(await StoryDetector.create({ embedder: toy, similarityThreshold: 0.3 }), 'Toy hashing embedder', 'matches shared words only: weak across languages');

  // Part 2: a transformers.js model. Real users name a multilingual sentence encoder, e.g.
  //   await TransformersEmbedder.create({ model: 'Xenova/multilingual-e5-small' })
  // after fetching it once (`npm run fetch-model`) into ./models. This demo loads the tiny
  // RANDOM-weight test model from the repository instead, strictly offline, so it runs
  // anywhere in a second; its vectors carry no meaning, so its clusters are noise.
  const tiny = await TransformersEmbedder.create({
    model: 'tiny-random-bert',
    localModelPath: join(REPO_ROOT, 'models'),
    allowRemoteModels: false,
  });
  try {
    await clusterWith(await StoryDetector.create({ embedder: tiny, similarityThreshold: 0.9 }), 'TransformersEmbedder (random test model)', 'random weights: every pair looks alike, the clusters are noise');
  } finally {
    await tiny.dispose();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
