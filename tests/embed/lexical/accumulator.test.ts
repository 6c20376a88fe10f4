import { describe, expect, it } from 'vitest';
import { FeatureAccumulator } from '../../../src/embed/lexical/accumulator.js';
import { featureHash, hashFeature } from '../../../src/embed/lexical/hashing.js';
import { LexicalEmbedder, MAX_NON_ZEROS } from '../../../src/embed/lexical/lexical-embedder.js';
import { denseOf } from '../../../src/vectors/sparse-vector.js';

describe('FeatureAccumulator', () => {
  it('sums the weights of one feature and hashes each feature into its signed dimension', () => {
    const accumulator = new FeatureAccumulator();
    accumulator.add(featureHash('c:1'), 1);
    accumulator.add(featureHash('c:1'), 2);
    accumulator.add(featureHash('n:rutte'), 4);
    expect(accumulator.size).toBe(2);
    const vector = new Float32Array(64);
    expect(accumulator.writeTo(vector, (w) => w)).toBe(true);
    const a = hashFeature('c:1', 64);
    const b = hashFeature('n:rutte', 64);
    expect(vector[a.index]! * a.sign).toBeCloseTo(3 / 5);
    expect(vector[b.index]! * b.sign).toBeCloseTo(4 / 5);
  });

  it('starts empty again after reset, also after growing past its first capacity', () => {
    const accumulator = new FeatureAccumulator();
    for (let i = 0; i < 5000; i++) accumulator.add(featureHash(`c:${i}`), 1);
    expect(accumulator.size).toBe(5000);
    accumulator.reset();
    expect(accumulator.size).toBe(0);
    expect(accumulator.writeTo(new Float32Array(64), (w) => w)).toBe(false);
  });
});

describe('the embedder fast path', () => {
  it('gives the vector that the named features of explain() add up to', async () => {
    const embedder = await LexicalEmbedder.create({ dimension: 1024 });
    const input = { lang: 'de', title: 'Hochwasser in Bayern', text: 'Die Feuerwehr hat 3000 Einwohner in Passau evakuiert, sagte Markus Söder am Dienstag.' };
    const [sparse] = await embedder.embed([input]);
    const vector = denseOf(sparse!, 1024);
    const expected = new Float32Array(1024);
    for (const [hash, feature] of embedder.features(input)) expected[(hash & 0x7fffffff) % 1024]! += (hash & 0x80000000 ? -1 : 1) * feature.weight;
    const norm = Math.hypot(...expected);
    for (let i = 0; i < 1024; i++) expect(vector![i]).toBeCloseTo(expected[i]! / norm, 6);
  });
});

describe('FeatureAccumulator.writeSparse', () => {
  it('gives bit for bit the non-zeros of the dense vector writeTo gives, and leaves its scratch zeroed', () => {
    const accumulator = new FeatureAccumulator();
    // Enough features that some collide in 64 dimensions, one pair with opposite signs.
    for (let f = 0; f < 200; f++) accumulator.add(featureHash(`feature-${f}`), 1 + (f % 7));
    const dense = new Float32Array(64);
    accumulator.writeTo(dense, Math.log1p);
    const scratch = new Float32Array(64);
    const sparse = accumulator.writeSparse(scratch, Math.log1p)!;
    expect(Array.from(denseOf(sparse, 64))).toEqual(Array.from(dense));
    expect(scratch.every((x) => x === 0)).toBe(true);
  });

  it('returns undefined for an article without features', () => {
    expect(new FeatureAccumulator().writeSparse(new Float32Array(8), (w) => w)).toBeUndefined();
  });
});

describe('LexicalEmbedder vectors', () => {
  it('keep at most MAX_NON_ZEROS entries, the strongest, at unit length', async () => {
    const embedder = await LexicalEmbedder.create();
    // Thousands of distinct made-up names in the title: far more features than the cap.
    const names = Array.from({ length: 3000 }, (_, i) => `Zq${(i * 7919).toString(36)}x`).join(' ');
    const [vector] = await embedder.embed([{ lang: 'en', title: names, text: 'short body' }]);
    expect(vector!.indices.length).toBe(MAX_NON_ZEROS);
    expect(Math.hypot(...vector!.values)).toBeCloseTo(1, 5);
  });
});
