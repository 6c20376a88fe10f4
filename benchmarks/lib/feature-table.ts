// The built-in embedder's features of a set of articles, extracted once and kept apart by
// the multiplier that scales them, so that vectors for any multipliers are rebuilt with
// arithmetic alone (no tokenising, no lookups): what makes fitting the weights affordable.
//
// A feature's summed weight is linear in the multipliers: Σ base × multiplier(channel) ×
// (titleWeight in the title, 1 in the body). One extraction with every multiplier at 1 and
// titleWeight 2^-40 tells the parts apart by size (a title contribution is then below 1e-8,
// a body one far above) and scaling back by 2^40 is exact, so every feature's base weight
// per channel and part is recovered exactly (sums may differ from the embedder's in the last bit). The information-content settings (floor,
// stop level, unknown words) act inside the extraction and are not linear: each of their
// combinations is extracted anew (and cached by the caller).

import { DEFAULT_FEATURE_SETTINGS, FeatureExtractor, KIND_CONCEPT, KIND_NAME, KIND_NUMBER, KIND_PLACE, KIND_SURFACE, KIND_TOKEN, type FeatureSettings } from '../../src/embed/lexical/features.js';
import type { FeatureSink } from '../../src/embed/lexical/accumulator.js';
import { loadGazetteer } from '../../src/embed/lexical/gazetteer.js';
import { featureHash, indexOfHash, l2Normalise, signOfHash } from '../../src/embed/lexical/hashing.js';
import { loadLexicon } from '../../src/embed/lexical/lexicon.js';
import type { SparseVector } from '../../src/vectors/sparse-vector.js';

/** The multipliers a channel's features are scaled by. */
export const CHANNELS = ['concept', 'name', 'place', 'number', 'token', 'surface'] as const;
export type Channel = (typeof CHANNELS)[number];
const CHANNEL_COUNT = CHANNELS.length;
const PLACE = 2;
const CHANNEL_OF_KIND: Record<number, number> = { [KIND_CONCEPT]: 0, [KIND_NAME]: 1, [KIND_PLACE]: 2, [KIND_NUMBER]: 3, [KIND_TOKEN]: 4, [KIND_SURFACE]: 5 };

/** The settings that act inside extraction (a new extraction per combination). */
export type ExtractionSettings = Pick<FeatureSettings, 'informationFloor' | 'stopInformationContent' | 'unknownInformationContent'>;
/** The linear multipliers (vectors rebuilt from a FeatureTable). */
export type MultiplierSettings = Pick<FeatureSettings, 'nameWeight' | 'placeWeight' | 'numberWeight' | 'tokenWeight' | 'titleSurfaceWeight' | 'titleWeight'>;

export interface TableArticle {
  lang: string;
  title?: string;
  text: string;
}

/** Per article: feature hashes (first-arrival order) and base weights [hash][part][channel]. */
export interface FeatureTable {
  hashes: Uint32Array[];
  /** hashes[a].length × 2 × CHANNELS.length: body part first, then title. */
  base: Float64Array[];
}

/** Title weight of the recording pass: a power of two, so scaling back is exact. */
const TITLE_MARK = 2 ** -40;
/** Any contribution below this came from the title (real weights are far above it). */
const TITLE_LIMIT = 1e-8;

/**
 * Records what the extractor feeds a sink, by channel and part. Places are scaled by
 * `placeWeight` whatever kind they are reported as (people's names and organisations from
 * the gazetteer are reported as names), so the settings object tells the sink when a place
 * comes next: the extractor reads `placeWeight` right before adding each place and nowhere
 * else.
 */
class ChannelRecorder implements FeatureSink {
  placeNext = false;
  private readonly slotOf = new Map<number, number>();
  hashes: number[] = [];
  /** Per slot: body channels, then title channels. */
  weights: number[] = [];

  reset(): void {
    this.slotOf.clear();
    this.hashes = [];
    this.weights = [];
    this.placeNext = false;
  }

  add(hash: number, weight: number, kind: number): void {
    const channel = this.placeNext ? PLACE : CHANNEL_OF_KIND[kind]!;
    this.placeNext = false;
    if (!(weight > 0)) return;
    let slot = this.slotOf.get(hash);
    if (slot === undefined) {
      slot = this.hashes.length;
      this.slotOf.set(hash, slot);
      this.hashes.push(hash);
      for (let c = 0; c < 2 * CHANNEL_COUNT; c++) this.weights.push(0);
    }
    if (weight < TITLE_LIMIT) this.weights[slot * 2 * CHANNEL_COUNT + CHANNEL_COUNT + channel]! += weight / TITLE_MARK;
    else this.weights[slot * 2 * CHANNEL_COUNT + channel]! += weight;
  }
}

function recordingSettings(extraction: ExtractionSettings, recorder: ChannelRecorder): FeatureSettings {
  const settings: FeatureSettings = {
    ...DEFAULT_FEATURE_SETTINGS,
    ...extraction,
    nameWeight: 1,
    numberWeight: 1,
    tokenWeight: 1,
    titleSurfaceWeight: 1,
    titleWeight: TITLE_MARK,
  };
  Object.defineProperty(settings, 'placeWeight', {
    get() {
      recorder.placeNext = true;
      return 1;
    },
  });
  return settings;
}

/** Extracts every article with the given information-content settings. */
export function extractFeatureTable(articles: readonly TableArticle[], extraction: ExtractionSettings): FeatureTable {
  const lexicon = loadLexicon();
  const recorder = new ChannelRecorder();
  const extractor = new FeatureExtractor(lexicon, loadGazetteer(lexicon.dir), recordingSettings(extraction, recorder));
  const hashes: Uint32Array[] = [];
  const base: Float64Array[] = [];
  for (const article of articles) {
    recorder.reset();
    extractor.extract(article.text, article.title, article.lang, recorder);
    hashes.push(Uint32Array.from(recorder.hashes));
    base.push(Float64Array.from(recorder.weights));
  }
  return { hashes, base };
}

const EMPTY_FEATURE_HASH = featureHash('\u0000empty');

/**
 * The embedder's vectors for the given multipliers, rebuilt from a table: log-damped summed
 * weights hashed into `dimension`, float32 sums as the accumulator makes them, L2-normalised.
 */
export function vectorsFromTable(table: FeatureTable, multipliers: MultiplierSettings, dimension: number): SparseVector[] {
  const m = [1, multipliers.nameWeight, multipliers.placeWeight, multipliers.numberWeight, multipliers.tokenWeight, multipliers.titleSurfaceWeight];
  const title = multipliers.titleWeight;
  const scratch = new Float32Array(dimension);
  return table.hashes.map((hashes, a) => {
    const base = table.base[a]!;
    const touched: number[] = [];
    for (let k = 0; k < hashes.length; k++) {
      let weight = 0;
      const at = k * 2 * CHANNEL_COUNT;
      for (let c = 0; c < CHANNEL_COUNT; c++) weight += m[c]! * (base[at + c]! + title * base[at + CHANNEL_COUNT + c]!);
      if (!(weight > 0)) continue;
      const hash = hashes[k]!;
      const index = indexOfHash(hash, dimension);
      scratch[index]! += signOfHash(hash) * Math.log1p(weight);
      touched.push(index);
    }
    if (touched.length === 0) {
      touched.push(indexOfHash(EMPTY_FEATURE_HASH, dimension));
      scratch[touched[0]!] = signOfHash(EMPTY_FEATURE_HASH);
    }
    const indices = Uint32Array.from(new Set(touched)).sort().filter((index) => scratch[index] !== 0);
    const values = Float32Array.from(indices, (index) => scratch[index]!);
    for (const index of touched) scratch[index] = 0;
    l2Normalise(values);
    return { indices, values };
  });
}
