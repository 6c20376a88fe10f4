import { describe, expect, it } from 'vitest';
import { clusterStories, type CandidateEdge } from '../../src/cluster/average-linkage.js';
import { calibrate, estimateLanguageCalibration } from '../../src/cluster/language-calibration.js';

// A collection where language itself adds similarity: every article carries its language's
// direction, as shared function words and local topics do in real text. Stories are
// reported once in language A and once in language B.
function collection(stories: number, seed = 3) {
  let state = seed;
  const random = () => ((state = (state * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
  const dimension = 64;
  const gaussianish = () => random() + random() + random() - 1.5;
  const direction = () => Array.from({ length: dimension }, gaussianish);
  const languageDirection = { a: direction(), b: direction() };
  const vectors: Float32Array[] = [];
  const langs: string[] = [];
  const story: number[] = [];
  for (let s = 0; s < stories; s++) {
    const topic = direction();
    for (const lang of ['a', 'b'] as const) {
      const v = Float32Array.from(topic, (t, d) => t + 1.1 * languageDirection[lang][d]! + 0.9 * gaussianish());
      const norm = Math.hypot(...v);
      vectors.push(v.map((x) => x / norm));
      langs.push(lang);
      story.push(s);
    }
  }
  return { vectors, langs, story };
}

function dot(a: Float32Array, b: Float32Array) {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

describe('estimateLanguageCalibration', () => {
  it('needs at least two languages with enough articles', () => {
    const { vectors } = collection(40);
    expect(estimateLanguageCalibration(vectors, () => 'a')).toBeUndefined();
    expect(estimateLanguageCalibration(vectors, (i) => (i % 2 ? 'a' : 'b'), { minArticlesPerLanguage: 100 })).toBeUndefined();
  });

  it('maps unrelated cross-language pairs onto the same-language scale', () => {
    const { vectors, langs } = collection(60);
    const estimate = estimateLanguageCalibration(vectors, (i) => langs[i])!;
    const byPair = Object.fromEntries(estimate.statistics.map((s) => [s.languages.join('-'), s]));
    // The bias the calibration removes: same-language pairs look more alike.
    expect(byPair['a-a']!.mean).toBeGreaterThan(byPair['a-b']!.mean + 0.2);
    const { calibration } = estimate;
    const crossMean = byPair['a-b']!.mean;
    const i = langs.indexOf('a');
    const j = langs.indexOf('b');
    expect(calibrate(calibration, i, j, crossMean)).toBeCloseTo(calibration.reference.mean, 6);
    // Same-language pairs keep their scale up to the pooled reference.
    expect(calibrate(calibration, i, langs.indexOf('a', i + 1), 0.5)).toBeGreaterThan(0);
  });

  it('is deterministic for one collection', () => {
    const { vectors, langs } = collection(40);
    const once = estimateLanguageCalibration(vectors, (i) => langs[i])!;
    const twice = estimateLanguageCalibration(vectors, (i) => langs[i])!;
    expect([...twice.calibration.offset]).toEqual([...once.calibration.offset]);
  });
});

describe('clusterStories with language calibration', () => {
  it('pairs translations that raw similarity leaves apart, without merging same-language stories', () => {
    const { vectors, langs, story } = collection(60);
    const neighbors = (i: number): CandidateEdge[] =>
      vectors.map((v, j) => ({ index: j, similarity: dot(vectors[i]!, v) })).filter((e) => e.index !== i);
    const calibration = estimateLanguageCalibration(vectors, (i) => langs[i])!.calibration;
    const threshold = calibration.reference.mean + 2.5 * calibration.reference.deviation;
    const purity = (groups: number[][]) => {
      const multi = groups.filter((g) => g.length > 1);
      return multi.filter((g) => new Set(g.map((i) => story[i])).size === 1).length / multi.length;
    };
    const paired = (groups: number[][]) => groups.filter((g) => g.length === 2 && story[g[0]!] === story[g[1]!]).length;

    const raw = clusterStories({ count: vectors.length, neighbors, vectors }, { threshold });
    const calibrated = clusterStories({ count: vectors.length, neighbors, vectors, calibration }, { threshold });
    // Raw similarity pairs (almost) no translation: same-language noise outranks them.
    expect(paired(raw)).toBeLessThan(5);
    expect(paired(calibrated)).toBeGreaterThan(40);
    expect(purity(calibrated)).toBeGreaterThan(0.95);
    // The pairwise path gives the same groups as the vector path.
    const viaPairs = clusterStories(
      { count: vectors.length, neighbors, similarity: (i, j) => dot(vectors[i]!, vectors[j]!), calibration },
      { threshold },
    );
    expect(viaPairs).toEqual(calibrated);
  });
});
