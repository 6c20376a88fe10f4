// Loads the generated tables in lexicon/ (see scripts/build-lexicon.ts): concepts, one word
// table per language (loaded the first time a text of that language arrives) and places.
// Tables are cached per directory for the whole process, so embedders share them.

import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { LexiconError } from '../../errors.js';

/** A word's concepts: ids into `Lexicon.conceptLabels` with weights summing to 1. */
export interface WordEntry {
  /** -ln p(form) in everyday language; NaN when the form is not in the frequency list. */
  informationContent: number;
  conceptIds: Uint32Array;
  conceptWeights: Float32Array;
}

export interface LexiconMeta {
  version: number;
  languages: string[];
  concepts: number;
}

export interface Lexicon {
  readonly dir: string;
  readonly meta: LexiconMeta;
  readonly conceptLabels: string[];
  /** -ln p(concept), averaged over languages; NaN where unknown. */
  readonly conceptInformationContent: Float32Array;
  /** The word table of a language, or undefined when the lexicon has none for it. */
  words(lang: string): WordTable | undefined;
}

const EMPTY_IDS = new Uint32Array(0);
const EMPTY_WEIGHTS = new Float32Array(0);

/** The package's own lexicon/: walks up from this module to the folder with package.json. */
export function defaultLexiconDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'lexicon'))) return join(dir, 'lexicon');
    const parent = dirname(dir);
    if (parent === dir) throw new LexiconError(`no lexicon/ folder found above ${dirname(fileURLToPath(import.meta.url))}; reinstall samestory or pass lexiconDir`);
    dir = parent;
  }
}

function readGzipLines(path: string): string[] {
  if (!existsSync(path)) throw new LexiconError(`lexicon table ${path} is missing; run \`npm run build:lexicon\` or reinstall samestory`);
  try {
    return gunzipSync(readFileSync(path)).toString('utf8').split('\n');
  } catch (cause) {
    throw new LexiconError(`lexicon table ${path} is unreadable (corrupt gzip?); run \`npm run build:lexicon\``, { cause });
  }
}

const encoder = new TextEncoder();

/**
 * Read-only word table of one language (binary format: see scripts/lexicon/word-tables.ts).
 * Keys stay UTF-8 bytes and are binary-searched, so loading costs one gunzip and no
 * per-row objects.
 */
export class WordTable {
  readonly size: number;
  private readonly keys: Uint8Array;
  private readonly keyStart: Uint32Array;
  private readonly firstConcept: Uint32Array;
  private readonly conceptIds: Uint32Array;
  private readonly informationContent: Uint16Array;
  private readonly weights: Uint8Array;

  constructor(data: Uint8Array, conceptCount: number, path: string) {
    const fail = (why: string): never => {
      throw new LexiconError(`${path}: ${why}; rebuild with \`npm run build:lexicon\``);
    };
    // Copy into a fresh buffer so the typed-array views below are aligned.
    const bytes = new Uint8Array(data);
    if (bytes.length < 16 || String.fromCharCode(...bytes.subarray(0, 4)) !== 'SSWT') fail('not a samestory word table');
    const view = new DataView(bytes.buffer);
    const rowCount = view.getUint32(4, true);
    const refs = view.getUint32(8, true);
    const keyBytes = view.getUint32(12, true);
    const keyStartAt = 16 + Math.ceil(keyBytes / 4) * 4;
    const firstAt = keyStartAt + 4 * (rowCount + 1);
    const idsAt = firstAt + 4 * (rowCount + 1);
    const icAt = idsAt + 4 * refs;
    const weightAt = icAt + 2 * rowCount;
    if (weightAt + refs !== bytes.length) fail('truncated or corrupt');
    this.size = rowCount;
    this.keys = bytes.subarray(16, 16 + keyBytes);
    this.keyStart = new Uint32Array(bytes.buffer, keyStartAt, rowCount + 1);
    this.firstConcept = new Uint32Array(bytes.buffer, firstAt, rowCount + 1);
    this.conceptIds = new Uint32Array(bytes.buffer, idsAt, refs);
    this.informationContent = new Uint16Array(bytes.buffer, icAt, rowCount);
    this.weights = bytes.subarray(weightAt, weightAt + refs);
    if (this.keyStart[rowCount] !== keyBytes || this.firstConcept[rowCount] !== refs) fail('inconsistent offsets');
    for (let i = 0; i < refs; i++) if (this.conceptIds[i]! >= conceptCount) fail(`unknown concept id ${this.conceptIds[i]}`);
  }

  /** Row of a key by binary search over the sorted UTF-8 keys, or -1. */
  private rowOf(key: string): number {
    const wanted = encoder.encode(key);
    let low = 0;
    let high = this.size - 1;
    while (low <= high) {
      const mid = (low + high) >>> 1;
      const order = this.compareAt(mid, wanted);
      if (order === 0) return mid;
      if (order < 0) low = mid + 1;
      else high = mid - 1;
    }
    return -1;
  }

  /** Sign of (key of row) − wanted, bytewise. */
  private compareAt(row: number, wanted: Uint8Array): number {
    const start = this.keyStart[row]!;
    const length = this.keyStart[row + 1]! - start;
    const n = Math.min(length, wanted.length);
    for (let i = 0; i < n; i++) {
      const d = this.keys[start + i]! - wanted[i]!;
      if (d !== 0) return d;
    }
    return length - wanted.length;
  }

  /** Calls `visit` with every row that has a known frequency (the language's everyday words). */
  forEachFrequent(visit: (entry: WordEntry) => void): void {
    for (let row = 0; row < this.size; row++) if (this.informationContent[row] !== 0xffff) visit(this.entryAt(row));
  }

  /** The entry of a form (or of '~' + stem), undefined when the table lacks it. */
  get(key: string): WordEntry | undefined {
    const row = this.rowOf(key);
    return row < 0 ? undefined : this.entryAt(row);
  }

  private entryAt(row: number): WordEntry {
    const from = this.firstConcept[row]!;
    const to = this.firstConcept[row + 1]!;
    const ic = this.informationContent[row]!;
    const conceptWeights = new Float32Array(to - from);
    for (let i = from; i < to; i++) conceptWeights[i - from] = this.weights[i]! / 255;
    return {
      informationContent: ic === 0xffff ? Number.NaN : ic / 100,
      conceptIds: to > from ? this.conceptIds.subarray(from, to) : EMPTY_IDS,
      conceptWeights: to > from ? conceptWeights : EMPTY_WEIGHTS,
    };
  }
}

function readWordTable(path: string, conceptCount: number): WordTable {
  if (!existsSync(path)) throw new LexiconError(`lexicon table ${path} is missing; run \`npm run build:lexicon\` or reinstall samestory`);
  let data: Uint8Array;
  try {
    data = gunzipSync(readFileSync(path));
  } catch (cause) {
    throw new LexiconError(`lexicon table ${path} is unreadable (corrupt gzip?); run \`npm run build:lexicon\``, { cause });
  }
  return new WordTable(data, conceptCount, path);
}

class LoadedLexicon implements Lexicon {
  readonly conceptLabels: string[];
  readonly conceptInformationContent: Float32Array;
  private readonly tables = new Map<string, WordTable | undefined>();

  constructor(
    readonly dir: string,
    readonly meta: LexiconMeta,
  ) {
    const lines = readGzipLines(join(dir, 'concepts.tsv.gz'));
    if (lines.at(-1) === '') lines.pop();
    if (lines.length !== meta.concepts) {
      throw new LexiconError(`${join(dir, 'concepts.tsv.gz')}: ${lines.length} concepts but meta.json says ${meta.concepts}; rebuild with \`npm run build:lexicon\``);
    }
    this.conceptLabels = new Array<string>(lines.length);
    this.conceptInformationContent = new Float32Array(lines.length);
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!;
      const tab = line.indexOf('\t');
      this.conceptLabels[i] = tab < 0 ? line : line.slice(0, tab);
      this.conceptInformationContent[i] = tab < 0 || tab === line.length - 1 ? Number.NaN : Number(line.slice(tab + 1));
    }
  }

  words(lang: string): WordTable | undefined {
    if (this.tables.has(lang)) return this.tables.get(lang);
    const table = this.meta.languages.includes(lang) ? readWordTable(join(this.dir, `words.${lang}.bin.gz`), this.conceptLabels.length) : undefined;
    this.tables.set(lang, table);
    return table;
  }
}

const cache = new Map<string, Lexicon>();

/** The lexicon in `dir` (default: the package's own), loaded once per process. */
export function loadLexicon(dir?: string): Lexicon {
  const resolved = resolve(dir ?? defaultLexiconDir());
  const cached = cache.get(resolved);
  if (cached) return cached;
  const metaPath = join(resolved, 'meta.json');
  if (!existsSync(metaPath)) throw new LexiconError(`${metaPath} is missing; run \`npm run build:lexicon\` or pass the lexiconDir of a built lexicon`);
  let meta: LexiconMeta;
  try {
    meta = JSON.parse(readFileSync(metaPath, 'utf8')) as LexiconMeta;
  } catch (cause) {
    throw new LexiconError(`${metaPath} is not valid JSON; rebuild with \`npm run build:lexicon\``, { cause });
  }
  if (typeof meta.version !== 'number' || !Array.isArray(meta.languages) || typeof meta.concepts !== 'number') {
    throw new LexiconError(`${metaPath} lacks version/languages/concepts; rebuild with \`npm run build:lexicon\``);
  }
  const lexicon = new LoadedLexicon(resolved, meta);
  cache.set(resolved, lexicon);
  return lexicon;
}
