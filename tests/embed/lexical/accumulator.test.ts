import { describe, expect, it } from 'vitest';
import { FeatureAccumulator } from '../../../src/embed/lexical/accumulator.js';
import { featureHash, hashFeature } from '../../../src/embed/lexical/hashing.js';
import { LexicalEmbedder } from '../../../src/embed/lexical/lexical-embedder.js';

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
    const [vector] = await embedder.embed([input]);
    const expected = new Float32Array(1024);
    for (const [hash, feature] of embedder.features(input)) expected[(hash & 0x7fffffff) % 1024]! += (hash & 0x80000000 ? -1 : 1) * feature.weight;
    const norm = Math.hypot(...expected);
    for (let i = 0; i < 1024; i++) expect(vector![i]).toBeCloseTo(expected[i]! / norm, 6);
  });
});
