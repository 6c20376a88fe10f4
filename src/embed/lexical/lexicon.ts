// Loads the generated tables in lexicon/ (see scripts/build-lexicon.ts): concepts, one word
// table per language (loaded the first time a text of that language arrives) and places.
// Tables are cached per directory for the whole process, so embedders share them.

import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
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

const encoder = new TextEncoder();

/** A fresh, aligned copy of `length` bytes at `offset` (the tables are little-endian, as is every platform Node runs on). */
function littleEndian(data: Uint8Array, offset: number, length: number): ArrayBuffer {
  return data.buffer.slice(data.byteOffset + offset, data.byteOffset + offset + length) as ArrayBuffer;
}

/**
 * Read-only word table of one language (binary format: see scripts/lexicon/word-tables.ts).
 * Keys stay UTF-8 bytes and are binary-searched, so loading costs one gunzip, one pass over
 * the rows and no per-row objects.
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
    if (data.length < 20 || String.fromCharCode(...data.subarray(0, 4)) !== 'SSW2') fail('not a samestory word table (format 2)');
    const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
    const rowCount = view.getUint32(4, true);
    const refs = view.getUint32(8, true);
    const keyBytes = view.getUint32(12, true);
    const idBytes = view.getUint32(16, true);
    const lengthsAt = 20 + keyBytes;
    const countsAt = lengthsAt + rowCount;
    const icAt = countsAt + rowCount;
    const weightAt = icAt + 2 * rowCount;
    const idsAt = weightAt + refs;
    if ((idBytes !== 2 && idBytes !== 4) || idsAt + idBytes * refs !== data.length) fail('truncated or corrupt');
    this.size = rowCount;
    this.keys = data.subarray(20, 20 + keyBytes);
    // Offsets from the stored lengths: one pass over the rows, no per-row objects.
    this.keyStart = new Uint32Array(rowCount + 1);
    this.firstConcept = new Uint32Array(rowCount + 1);
    for (let row = 0, key = 0, ref = 0; row < rowCount; row++) {
      key += data[lengthsAt + row]!;
      ref += data[countsAt + row]!;
      this.keyStart[row + 1] = key;
      this.firstConcept[row + 1] = ref;
    }
    this.informationContent = new Uint16Array(littleEndian(data, icAt, 2 * rowCount));
    this.weights = data.subarray(weightAt, weightAt + refs);
    const ids = littleEndian(data, idsAt, idBytes * refs);
    this.conceptIds = idBytes === 2 ? new Uint32Array(new Uint16Array(ids)) : new Uint32Array(ids);
    let maxId = 0;
    for (let i = 0; i < refs; i++) if (this.conceptIds[i]! > maxId) maxId = this.conceptIds[i]!;
    if (refs > 0 && maxId >= conceptCount) fail(`unknown concept id ${maxId}`);
    if (this.keyStart[rowCount] !== keyBytes || this.firstConcept[rowCount] !== refs) fail('inconsistent lengths');
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
    data = brotliDecompressSync(readFileSync(path));
  } catch (cause) {
    throw new LexiconError(`lexicon table ${path} is unreadable (corrupt brotli?); run \`npm run build:lexicon\``, { cause });
  }
  return new WordTable(data, conceptCount, path);
}

class LoadedLexicon implements Lexicon {
  private labels: string[] | undefined;
  private informationContent: Float32Array | undefined;
  /** concepts.tsv.gz, read but unzipped and parsed only when labels are needed (explanations). */
  private conceptBytes: Uint8Array | undefined;
  private readonly tables = new Map<string, WordTable | undefined>();

  constructor(
    readonly dir: string,
    readonly meta: LexiconMeta,
  ) {
    const path = join(dir, 'concepts.tsv.gz');
    if (!existsSync(path)) throw new LexiconError(`lexicon table ${path} is missing; run \`npm run build:lexicon\` or reinstall samestory`);
    const bytes = readFileSync(path);
    // Only the gzip signature is checked now; the content when the labels are first needed.
    if (bytes.length < 18 || bytes[0] !== 0x1f || bytes[1] !== 0x8b) {
      throw new LexiconError(`lexicon table ${path} is unreadable (corrupt gzip?); run \`npm run build:lexicon\``);
    }
    this.conceptBytes = bytes;
  }

  get conceptLabels(): string[] {
    if (!this.labels) this.parseConcepts();
    return this.labels!;
  }

  get conceptInformationContent(): Float32Array {
    if (!this.informationContent) this.parseConcepts();
    return this.informationContent!;
  }

  /** Labels are only needed for explanations: most processes never parse them. */
  private parseConcepts(): void {
    const path = join(this.dir, 'concepts.tsv.gz');
    let lines: string[];
    try {
      lines = gunzipSync(this.conceptBytes!).toString('utf8').split('\n');
    } catch (cause) {
      throw new LexiconError(`lexicon table ${path} is unreadable (corrupt gzip?); run \`npm run build:lexicon\``, { cause });
    }
    if (lines.at(-1) === '') lines.pop();
    if (lines.length !== this.meta.concepts) {
      throw new LexiconError(`${path}: ${lines.length} concepts but meta.json says ${this.meta.concepts}; rebuild with \`npm run build:lexicon\``);
    }
    this.labels = new Array<string>(lines.length);
    this.informationContent = new Float32Array(lines.length);
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!;
      const tab = line.indexOf('\t');
      this.labels[i] = tab < 0 ? line : line.slice(0, tab);
      this.informationContent[i] = tab < 0 || tab === line.length - 1 ? Number.NaN : Number(line.slice(tab + 1));
    }
    this.conceptBytes = undefined;
  }

  words(lang: string): WordTable | undefined {
    if (this.tables.has(lang)) return this.tables.get(lang);
    const table = this.meta.languages.includes(lang) ? readWordTable(join(this.dir, `words.${lang}.bin.br`), this.meta.concepts) : undefined;
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
