// The behaviour every Embedder promises (src/embed/embedder.ts), as one suite that each
// implementation's test file runs:
//
//   describeEmbedderConformance('TransformersEmbedder', () => TransformersEmbedder.create({ … }));

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isSamestoryError } from '../../src/errors.js';
import type { Progress } from '../../src/progress.js';
import { vectorKindOf, type EmbedInput, type Embedder } from '../../src/embed/embedder.js';
import { checkEmbeddingVector, denseOf, isSparseVector, type EmbeddingVector } from '../../src/vectors/sparse-vector.js';

/** Short news-like sentences written for these tests, in the languages samestory targets. */
export const CONFORMANCE_INPUTS: readonly EmbedInput[] = [
  { title: 'North Korea tests a missile', text: 'North Korea launched a ballistic missile towards the sea on Monday, the government in Seoul said.' },
  { title: 'Nordkorea testet Rakete', text: 'Nordkorea hat am Montag eine ballistische Rakete in Richtung Meer abgefeuert, teilte die Regierung in Seoul mit.', lang: 'de' },
  { title: 'Korea Północna testuje rakietę', text: 'Korea Północna wystrzeliła w poniedziałek rakietę balistyczną w kierunku morza, poinformował rząd w Seulu.', lang: 'pl' },
  { text: 'Heavy rain flooded the old town of Wrocław; the fire brigade pumped water out of cellars all night.' },
  { text: 'Der Bundestag hat das neue Gesetz zur Wahl mit großer Mehrheit beschlossen.' },
];

function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  for (let i = 0; i < a.length; i++) dot += a[i]! * b[i]!;
  return dot;
}

function maxDifference(a: Float32Array, b: Float32Array): number {
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}

export interface ConformanceOptions {
  /** Largest per-component difference allowed between vectors that should be equal. @default 1e-5 */
  tolerance?: number;
}

export function describeEmbedderConformance(
  name: string,
  makeEmbedder: () => Promise<Embedder>,
  options: ConformanceOptions = {},
): void {
  const tolerance = options.tolerance ?? 1e-5;

  describe(`${name} (Embedder conformance)`, () => {
    let embedder: Embedder;
    let raw: EmbeddingVector[];
    // Dense copies, so the checks below read the same for both shapes.
    let vectors: Float32Array[];
    const embedDense = async (inputs: readonly EmbedInput[]) => (await embedder.embed(inputs)).map((v) => denseOf(v, embedder.dimension));

    beforeAll(async () => {
      embedder = await makeEmbedder();
      raw = await embedder.embed(CONFORMANCE_INPUTS);
      vectors = raw.map((v) => denseOf(v, embedder.dimension));
    });

    afterAll(async () => {
      await embedder?.dispose?.();
    });

    it('has a non-empty id and a positive integer dimension', () => {
      expect(typeof embedder.id).toBe('string');
      expect(embedder.id.length).toBeGreaterThan(0);
      expect(Number.isInteger(embedder.dimension)).toBe(true);
      expect(embedder.dimension).toBeGreaterThan(0);
    });

    it('returns one valid vector per input, of the shape its vectorKind declares', () => {
      expect(raw).toHaveLength(CONFORMANCE_INPUTS.length);
      for (const vector of raw) {
        expect(() => checkEmbeddingVector(vector, embedder.dimension, 'vector')).not.toThrow();
        expect(isSparseVector(vector)).toBe(vectorKindOf(embedder) === 'sparse');
      }
    });

    it('returns finite, L2-normalised vectors', () => {
      for (const vector of vectors) {
        expect(vector.every(Number.isFinite)).toBe(true);
        expect(Math.sqrt(cosine(vector, vector))).toBeCloseTo(1, 4);
      }
    });

    it('gives different texts different vectors', () => {
      for (let i = 0; i < vectors.length; i++) {
        for (let j = i + 1; j < vectors.length; j++) {
          expect(maxDifference(vectors[i]!, vectors[j]!)).toBeGreaterThan(tolerance);
        }
      }
    });

    it('is deterministic across calls', async () => {
      const again = await embedDense(CONFORMANCE_INPUTS);
      again.forEach((vector, i) => expect(maxDifference(vector, vectors[i]!)).toBeLessThanOrEqual(tolerance));
    });

    it('gives each input the same vector whatever the order of the inputs', async () => {
      const order = [3, 0, 4, 2, 1];
      const shuffled = await embedDense(order.map((i) => CONFORMANCE_INPUTS[i]!));
      shuffled.forEach((vector, k) => expect(maxDifference(vector, vectors[order[k]!]!)).toBeLessThanOrEqual(tolerance));
    });

    it('gives an input the same vector alone as among other inputs', async () => {
      for (let i = 0; i < CONFORMANCE_INPUTS.length; i++) {
        const [alone] = await embedDense([CONFORMANCE_INPUTS[i]!]);
        expect(maxDifference(alone!, vectors[i]!)).toBeLessThanOrEqual(tolerance);
      }
    });

    it('returns an empty array for no inputs', async () => {
      expect(await embedder.embed([])).toEqual([]);
    });

    it('embeds a text without a title, and an empty text, into unit vectors', async () => {
      const [plain, empty] = await embedDense([{ text: 'Just one sentence.' }, { text: '' }]);
      for (const vector of [plain!, empty!]) {
        expect(vector.every(Number.isFinite)).toBe(true);
        expect(Math.sqrt(cosine(vector, vector))).toBeCloseTo(1, 4);
      }
    });

    it('embeds a long article (several thousand words) into one unit vector', async () => {
      const paragraph = CONFORMANCE_INPUTS.map((input) => input.text).join(' ');
      const [vector] = await embedDense([{ title: 'A long report', text: paragraph.repeat(40) }]);
      expect(vector).toHaveLength(embedder.dimension);
      expect(Math.sqrt(cosine(vector!, vector!))).toBeCloseTo(1, 4);
    });

    it('reports progress that ends with every input done', async () => {
      const reports: Progress[] = [];
      await embedder.embed(CONFORMANCE_INPUTS, { onProgress: (p) => reports.push(p) });
      expect(reports.length).toBeGreaterThan(0);
      expect(reports.at(-1)).toMatchObject({ stage: 'embed', done: CONFORMANCE_INPUTS.length, total: CONFORMANCE_INPUTS.length, percent: 1 });
      for (let i = 1; i < reports.length; i++) expect(reports[i]!.done).toBeGreaterThanOrEqual(reports[i - 1]!.done);
    });

    it('rejects with an ABORTED error when the signal has already fired', async () => {
      const controller = new AbortController();
      controller.abort();
      const error = await embedder.embed(CONFORMANCE_INPUTS, { signal: controller.signal }).catch((e: unknown) => e);
      expect(isSamestoryError(error) && error.code).toBe('ABORTED');
    });
  });
}
