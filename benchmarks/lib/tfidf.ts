// The two baselines every result is compared with: word TF-IDF and character 3–5-gram
// TF-IDF, cosine similarity. Sparse vectors with IDF fitted on the dataset being evaluated,
// sublinear tf and L2 norm (scikit-learn's TfidfVectorizer(sublinear_tf=True) conventions),
// and an inverted index so that all-pairs nearest neighbours over 10k titles take seconds.

/** Splits a text into the terms a baseline counts. */
export type Analyzer = (text: string) => string[];

function normalize(text: string): string {
  return text.normalize('NFKC').toLowerCase();
}

/** Words: runs of letters and digits of two or more characters (scikit-learn's default pattern, Unicode-aware). */
export const wordAnalyzer: Analyzer = (text) => {
  const words = normalize(text).match(/[\p{L}\p{N}\p{M}]{2,}/gu);
  return words ?? [];
};

/** Character n-grams of every length in [min, max] over the whitespace-collapsed text. */
export function charNgramAnalyzer(min = 3, max = 5): Analyzer {
  return (text) => {
    const chars = Array.from(` ${normalize(text).replace(/\s+/g, ' ').trim()} `);
    const grams: string[] = [];
    for (let n = min; n <= max; n++) {
      for (let start = 0; start + n <= chars.length; start++) grams.push(chars.slice(start, start + n).join(''));
    }
    return grams;
  };
}

/** A sparse L2-normalised vector: term ids in ascending order and their weights. */
export interface SparseVector {
  indices: Int32Array;
  values: Float32Array;
}

export interface TfidfFit {
  vectors: SparseVector[];
  vocabularySize: number;
}

/**
 * Fits IDF on `texts` and returns their vectors: weight = (1 + ln tf) · (ln((1 + N) / (1 + df)) + 1),
 * then L2-normalised. A text without terms gets the empty vector (similarity 0 to everything).
 */
export function fitTfidf(texts: readonly string[], analyzer: Analyzer): TfidfFit {
  const vocabulary = new Map<string, number>();
  const documentFrequency: number[] = [];
  const counts: Map<number, number>[] = texts.map((text) => {
    const termCounts = new Map<number, number>();
    for (const term of analyzer(text)) {
      let id = vocabulary.get(term);
      if (id === undefined) {
        id = vocabulary.size;
        vocabulary.set(term, id);
        documentFrequency.push(0);
      }
      termCounts.set(id, (termCounts.get(id) ?? 0) + 1);
    }
    for (const id of termCounts.keys()) documentFrequency[id]!++;
    return termCounts;
  });
  const n = texts.length;
  const idf = documentFrequency.map((df) => Math.log((1 + n) / (1 + df)) + 1);
  const vectors = counts.map((termCounts) => {
    const indices = Int32Array.from([...termCounts.keys()].sort((a, b) => a - b));
    const values = new Float32Array(indices.length);
    let norm = 0;
    indices.forEach((id, k) => {
      const weight = (1 + Math.log(termCounts.get(id)!)) * idf[id]!;
      values[k] = weight;
      norm += weight * weight;
    });
    norm = Math.sqrt(norm);
    if (norm > 0) for (let k = 0; k < values.length; k++) values[k]! /= norm;
    return { indices, values };
  });
  return { vectors, vocabularySize: vocabulary.size };
}

/** Cosine of two L2-normalised sparse vectors (a merge over their sorted term ids). */
export function sparseDot(a: SparseVector, b: SparseVector): number {
  let i = 0;
  let j = 0;
  let sum = 0;
  while (i < a.indices.length && j < b.indices.length) {
    const ai = a.indices[i]!;
    const bj = b.indices[j]!;
    if (ai === bj) {
      sum += a.values[i++]! * b.values[j++]!;
    } else if (ai < bj) i++;
    else j++;
  }
  return sum;
}

export interface NeighborOptions {
  /** Neighbours kept per item. */
  k: number;
  /** Neighbours at or below this similarity are dropped. @default 0 (only items sharing a term) */
  minSimilarity?: number;
}

export interface SparseNeighbor {
  index: number;
  similarity: number;
}

/**
 * Exact k nearest neighbours of every vector among all others, by accumulating dot products
 * over an inverted index: only items that share a term are touched, and each pair is scored
 * once, from its later member.
 */
export function sparseNearestNeighbors(vectors: readonly SparseVector[], options: NeighborOptions): SparseNeighbor[][] {
  const { k, minSimilarity = 0 } = options;
  const n = vectors.length;
  // Postings as flat arrays: term t lists items postingItems[start[t] .. start[t+1]), ascending.
  let vocabularySize = 0;
  for (const v of vectors) for (const id of v.indices) if (id + 1 > vocabularySize) vocabularySize = id + 1;
  const start = new Int32Array(vocabularySize + 1);
  for (const v of vectors) for (const id of v.indices) start[id + 1]!++;
  for (let t = 0; t < vocabularySize; t++) start[t + 1]! += start[t]!;
  const fill = start.slice(0, vocabularySize);
  const postingItems = new Int32Array(start[vocabularySize]!);
  const postingValues = new Float32Array(start[vocabularySize]!);
  vectors.forEach((v, item) => {
    for (let a = 0; a < v.indices.length; a++) {
      const slot = fill[v.indices[a]!]!++;
      postingItems[slot] = item;
      postingValues[slot] = v.values[a]!;
    }
  });

  const best = Array.from({ length: n }, () => new TopK(k));
  const scores = new Float32Array(n);
  const touched = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const v = vectors[i]!;
    let touchedCount = 0;
    for (let a = 0; a < v.indices.length; a++) {
      const id = v.indices[a]!;
      const weight = v.values[a]!;
      const end = start[id + 1]!;
      for (let p = start[id]!; p < end; p++) {
        const j = postingItems[p]!;
        if (j >= i) break;
        // Weights are positive, so a zero score means "not touched yet".
        if (scores[j] === 0) touched[touchedCount++] = j;
        scores[j]! += weight * postingValues[p]!;
      }
    }
    for (let c = 0; c < touchedCount; c++) {
      const j = touched[c]!;
      const similarity = scores[j]!;
      scores[j] = 0;
      if (similarity <= minSimilarity) continue;
      best[i]!.offer(j, similarity);
      best[j]!.offer(i, similarity);
    }
  }
  return best.map((top) => top.sorted());
}

/** The k best (index, similarity) offers seen so far; k is small, so a linear minimum is enough. */
class TopK {
  private readonly indices: Int32Array;
  private readonly similarities: Float32Array;
  private count = 0;
  private weakest = 0;

  constructor(private readonly k: number) {
    this.indices = new Int32Array(k);
    this.similarities = new Float32Array(k);
  }

  offer(index: number, similarity: number): void {
    if (this.k === 0) return;
    if (this.count < this.k) {
      this.indices[this.count] = index;
      this.similarities[this.count] = similarity;
      this.count++;
      if (this.count === this.k) this.findWeakest();
      return;
    }
    const weakest = this.similarities[this.weakest]!;
    if (similarity < weakest || (similarity === weakest && index > this.indices[this.weakest]!)) return;
    this.indices[this.weakest] = index;
    this.similarities[this.weakest] = similarity;
    this.findWeakest();
  }

  sorted(): SparseNeighbor[] {
    const out: SparseNeighbor[] = [];
    for (let c = 0; c < this.count; c++) out.push({ index: this.indices[c]!, similarity: this.similarities[c]! });
    return out.sort((a, b) => b.similarity - a.similarity || a.index - b.index);
  }

  private findWeakest(): void {
    let weakest = 0;
    for (let c = 1; c < this.count; c++) {
      const s = this.similarities[c]!;
      const w = this.similarities[weakest]!;
      if (s < w || (s === w && this.indices[c]! > this.indices[weakest]!)) weakest = c;
    }
    this.weakest = weakest;
  }
}

/**
 * Cosine of vectors i and j, fast when calls come in runs with the same i (as in average
 * linkage, which compares each member of one group with every member of another): vector i
 * is scattered into a dense scratch array once, and each call reads only j's terms.
 */
export class SparseSimilarity {
  private readonly scratch: Float32Array;
  private scattered = -1;

  constructor(
    private readonly vectors: readonly SparseVector[],
    vocabularySize: number,
  ) {
    this.scratch = new Float32Array(vocabularySize);
  }

  similarity(i: number, j: number): number {
    if (i !== this.scattered) {
      if (j === this.scattered) return this.similarity(j, i);
      this.scatter(i);
    }
    const v = this.vectors[j]!;
    let sum = 0;
    for (let a = 0; a < v.indices.length; a++) sum += this.scratch[v.indices[a]!]! * v.values[a]!;
    return sum;
  }

  private scatter(i: number): void {
    if (this.scattered >= 0) {
      for (const id of this.vectors[this.scattered]!.indices) this.scratch[id] = 0;
    }
    const v = this.vectors[i]!;
    for (let a = 0; a < v.indices.length; a++) this.scratch[v.indices[a]!] = v.values[a]!;
    this.scattered = i;
  }
}
