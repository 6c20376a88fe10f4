// The built-in multilingual embedder: no model download, runs wherever the package is
// installed. Articles become weighted bags of language-independent features (concepts via
// bilingual dictionaries and wordnets, names, places, numbers), hashed into a fixed dimension.

import { InvalidOptionsError, throwIfAborted } from '../../errors.js';
import { detectLanguage } from '../../language.js';
import { progressOf } from '../../progress.js';
import type { SparseVector } from '../../vectors/sparse-vector.js';
import type { EmbedInput, EmbedOptions, ExplainingEmbedder, SharedFeature } from '../embedder.js';
import { FeatureAccumulator } from './accumulator.js';
import { DEFAULT_FEATURE_SETTINGS, FeatureCollector, FeatureExtractor, type Feature, type FeatureSettings } from './features.js';
import { loadGazetteer, type Gazetteer } from './gazetteer.js';
import { featureHash, hashFeature, indexOfHash, l2Normalise, signOfHash } from './hashing.js';
import { allocateSparseVector, sparseFromDense } from '../../vectors/sparse-vector.js';
import { loadLexicon, type Lexicon } from './lexicon.js';

export interface LexicalEmbedderOptions {
  /**
   * Length of the vectors (the range feature hashes are folded into). Vectors are sparse,
   * so a larger dimension costs no memory per article; it means fewer hash collisions and
   * shorter posting lists in the sparse index.
   * @default 4096
   * @example 2048
   */
  dimension?: number;
  /**
   * Folder with the generated tables (concepts.tsv.gz, words.*.bin.br, places.index.bin or places.tsv, meta.json).
   * @default the package's own `lexicon/` folder
   * @example '/opt/samestory/lexicon'
   */
  lexiconDir?: string;
  /**
   * Feature weights; for experiments only, since vectors made with other settings are not
   * comparable (the embedder id does not record them).
   * @default DEFAULT_FEATURE_SETTINGS
   */
  settings?: Partial<FeatureSettings>;
}

/**
 * Version of the feature extraction; with the lexicon version it names the vector space.
 * 2: outlet names stripped from titles, Title Case read as style, capitalised headline words
 * looked up with inflections outside Polish, surface forms of known title words.
 * 3: places in context: gazetteer matches that are first names, parts of longer names,
 * product names or function words are not places (names instead); inflected place forms
 * only with case endings; a country before a town of the same name.
 * Weights now come from trained-settings.ts (`npm run train`); they kept their values, so
 * the vector space is unchanged. A fit that moves them needs a new version.
 */
const FEATURE_VERSION = 3;
/**
 * Vectors are sparse, so the dimension only sets how often two features share one by chance,
 * not memory. `npm run bench:dimension` (SemEval *training* pairs, 2,431 in 16 language
 * pairs): Pearson against the annotators' score (feature version 2) 0.5754 at 4,096, 0.5775 at 16,384, 0.5784 at
 * 65,536: within noise, and 65,536 flipped one hard negative of examples/articles (ECB pause
 * above an ECB cut translation in raw similarity, 0.367 vs 0.363). The sparse index read
 * about a third fewer postings at 65,536 (1,000-character articles, 30k: p50 2.6 → 2.2 ms).
 * Not worth a new vector space: 4,096 stays.
 */
const DEFAULT_DIMENSION = 4096;
/** Inputs embedded between progress reports and abort checks. */
const BATCH = 64;
/**
 * Similarity at which StoryDetector (with its defaults: collection IDF weighting, language
 * calibration, 2-day window, 10 neighbours, linkage cohesion 0.5) puts two articles in one
 * story. From a B-cubed sweep on OG2021 titles with and without dates (0.30: F1 0.646 /
 * 0.509, 0.33: 0.640 / 0.536, 0.36: 0.632 / 0.552): 0.33 is the best balance of the two,
 * and it stays between the seeds' hard negative (000-003 at 0.320 with the collection-IDF
 * prior, 0.252 without) and their duplicate (000-001 at 0.484; 0.417). See README "Benchmarks".
 */
const SAME_STORY_THRESHOLD = 0.33;
/**
 * Most non-zero entries a vector keeps (the strongest by magnitude; the vector is then
 * normalised again). pgvector's HNSW index on `sparsevec` takes at most 1,000, and the
 * embedder reads only a title and 800 characters of body, so real articles stay far below
 * it (OG2021 titles: 21 on average; 1,000-character articles: 70–300): the cap bounds
 * hostile input, and costs nothing on the evaluation sets (see README, Benchmarks).
 */
export const MAX_NON_ZEROS = 1000;
/** The one feature of a text that has none, so that every vector has unit length. */
const EMPTY_FEATURE_HASH = featureHash('\u0000empty');

export class LexicalEmbedder implements ExplainingEmbedder {
  readonly id: string;
  readonly dimension: number;
  readonly sameStoryThreshold = SAME_STORY_THRESHOLD;
  readonly vectorKind = 'sparse' as const;
  private readonly settings: FeatureSettings;
  private readonly lexicon: Lexicon;
  private readonly gazetteer: Gazetteer;
  private readonly extractor: FeatureExtractor;
  /** Reused for every article: embedding allocates little more than the vector itself. */
  private readonly accumulator = new FeatureAccumulator();
  /** Dense scratch the accumulator hashes into; zero between articles. */
  private readonly scratch: Float32Array;
  private disposed = false;

  /** Loads (or reuses) the tables synchronously; prefer `LexicalEmbedder.create`. */
  constructor(options: LexicalEmbedderOptions = {}) {
    const dimension = options.dimension ?? DEFAULT_DIMENSION;
    if (!Number.isInteger(dimension) || dimension < 64 || dimension > 1 << 20) {
      throw new InvalidOptionsError('dimension', `must be an integer between 64 and 1048576, got ${dimension}`);
    }
    this.dimension = dimension;
    this.scratch = new Float32Array(dimension);
    this.settings = { ...DEFAULT_FEATURE_SETTINGS, ...options.settings };
    this.lexicon = loadLexicon(options.lexiconDir);
    this.gazetteer = gazetteerFor(this.lexicon);
    this.id = `lexical-pivot:v${FEATURE_VERSION}.${this.lexicon.meta.version}:d${dimension}`;
    this.extractor = new FeatureExtractor(this.lexicon, this.gazetteer, this.settings);
  }

  /** Creates an embedder; tables are loaded once per process and shared. */
  static async create(options: LexicalEmbedderOptions = {}): Promise<LexicalEmbedder> {
    return new LexicalEmbedder(options);
  }

  async embed(inputs: readonly EmbedInput[], options: EmbedOptions = {}): Promise<SparseVector[]> {
    this.assertUsable();
    const vectors: SparseVector[] = [];
    for (let start = 0; start < inputs.length; start += BATCH) {
      throwIfAborted(options.signal);
      const end = Math.min(inputs.length, start + BATCH);
      for (let i = start; i < end; i++) vectors.push(this.embedOne(inputs[i]!));
      options.onProgress?.(progressOf('embed', end, inputs.length));
      if (end < inputs.length) await new Promise<void>((resolve) => setImmediate(resolve));
    }
    return vectors;
  }

  /** The features two inputs share, strongest contribution to their cosine first. */
  async explain(a: EmbedInput, b: EmbedInput, options: { limit?: number } = {}): Promise<SharedFeature[]> {
    this.assertUsable();
    const fa = this.features(a);
    const fb = this.features(b);
    const na = norm(fa);
    const nb = norm(fb);
    if (na === 0 || nb === 0) return [];
    const shared: SharedFeature[] = [];
    for (const [hash, feature] of fa) {
      const other = fb.get(hash);
      if (!other) continue;
      shared.push({ kind: feature.kind === 'token' ? 'name' : feature.kind, label: feature.label, contribution: (feature.weight * other.weight) / (na * nb) });
    }
    shared.sort((x, y) => y.contribution - x.contribution || (x.label < y.label ? -1 : 1));
    return shared.slice(0, options.limit ?? 10);
  }

  async dispose(): Promise<void> {
    this.disposed = true;
  }

  /** The language an input is treated as: the caller's, else detected from the text. */
  languageOf(input: EmbedInput): string | undefined {
    if (input.lang) return input.lang.toLowerCase().slice(0, 2);
    return detectLanguage(input.title ? `${input.title}\n${input.text}` : input.text);
  }

  /**
   * Named, weighted features of one input before hashing, keyed by feature hash (for
   * explanations and tests).
   */
  features(input: EmbedInput): Map<number, Feature> {
    const collector = new FeatureCollector(this.lexicon, this.gazetteer);
    this.extractor.extract(input.text, input.title, this.languageOf(input), collector);
    for (const feature of collector.features.values()) feature.weight = this.transform(feature.weight);
    return collector.features;
  }

  /** Damping of a feature's summed weight, so repetition counts less than variety. */
  private readonly transform = (weight: number): number => {
    const { sublinear, weightPower } = this.settings;
    return sublinear ? Math.log1p(weight) : weightPower !== 1 ? Math.pow(weight, weightPower) : weight;
  };

  private embedOne(input: EmbedInput): SparseVector {
    const accumulator = this.accumulator;
    accumulator.reset();
    this.extractor.extract(input.text, input.title, this.languageOf(input), accumulator);
    const lang = this.settings.centering > 0 ? this.languageOf(input) : undefined;
    const centroid = lang ? this.centroidOf(lang) : undefined;
    if (centroid) return sparseFromDense(this.centred(accumulator, centroid));
    // A text without any feature (empty, or only function words) still gets a unit vector.
    const vector = accumulator.writeSparse(this.scratch, this.transform) ?? {
      indices: Uint32Array.of(indexOfHash(EMPTY_FEATURE_HASH, this.dimension)),
      values: Float32Array.of(signOfHash(EMPTY_FEATURE_HASH)),
    };
    return vector.indices.length > MAX_NON_ZEROS ? strongest(vector, MAX_NON_ZEROS) : vector;
  }

  // Centering (an experiment setting, off by default) subtracts a dense mean, so its
  // vectors are dense before they are stored sparse.
  private centred(accumulator: FeatureAccumulator, centroid: Float32Array): Float32Array {
    const vector = new Float32Array(this.dimension);
    if (!accumulator.writeTo(vector, this.transform)) {
      vector[indexOfHash(EMPTY_FEATURE_HASH, this.dimension)] = signOfHash(EMPTY_FEATURE_HASH);
    }
    let dot = 0;
    for (let i = 0; i < vector.length; i++) dot += vector[i]! * centroid[i]!;
    const amount = dot * this.settings.centering;
    for (let i = 0; i < vector.length; i++) vector[i]! -= amount * centroid[i]!;
    return l2Normalise(vector);
  }

  private readonly centroids = new Map<string, Float32Array | undefined>();

  /**
   * Unit mean vector of everyday text in a language, from the frequency list behind its word
   * table: removing it from a vector removes what "being Polish" adds to a cosine.
   */
  private centroidOf(lang: string): Float32Array | undefined {
    if (this.centroids.has(lang)) return this.centroids.get(lang);
    const table = this.lexicon.words(lang);
    let centroid: Float32Array | undefined;
    if (table) {
      const mean = new Float32Array(this.dimension);
      const { stopInformationContent, informationFloor, maxConceptsPerWord } = this.settings;
      table.forEachFrequent((entry) => {
        const ic = entry.informationContent;
        if (ic < stopInformationContent || entry.conceptIds.length === 0) return;
        const weight = Math.exp(-ic) * Math.max(0, ic - informationFloor);
        const n = Math.min(maxConceptsPerWord, entry.conceptIds.length);
        for (let c = 0; c < n; c++) {
          const { index, sign } = hashFeature(`c:${entry.conceptIds[c]}`, this.dimension);
          mean[index]! += sign * weight * entry.conceptWeights[c]!;
        }
      });
      centroid = l2Normalise(mean);
    }
    this.centroids.set(lang, centroid);
    return centroid;
  }

  private assertUsable(): void {
    if (this.disposed) throw new InvalidOptionsError('embedder', 'this LexicalEmbedder was disposed; create a new one');
  }
}

/** The `limit` entries of largest magnitude (ties: lower index), normalised again. */
function strongest(vector: SparseVector, limit: number): SparseVector {
  const { indices, values } = vector;
  const order = Array.from(indices.keys()).sort((a, b) => Math.abs(values[b]!) - Math.abs(values[a]!) || a - b);
  const kept = order.slice(0, limit).sort((a, b) => a - b);
  const out = allocateSparseVector(kept.length);
  kept.forEach((k, i) => {
    out.indices[i] = indices[k]!;
    out.values[i] = values[k]!;
  });
  l2Normalise(out.values);
  return out;
}

function norm(features: Map<number, Feature>): number {
  let sum = 0;
  for (const feature of features.values()) sum += feature.weight * feature.weight;
  return Math.sqrt(sum);
}

const gazetteers = new WeakMap<Lexicon, Gazetteer>();

function gazetteerFor(lexicon: Lexicon): Gazetteer {
  let gazetteer = gazetteers.get(lexicon);
  if (!gazetteer) {
    gazetteer = loadGazetteer(lexicon.dir);
    gazetteers.set(lexicon, gazetteer);
  }
  return gazetteer;
}
