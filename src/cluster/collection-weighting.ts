// Inverse document frequency over the collection itself, per vector dimension.
//
// A sparse embedder (the built-in lexical one) weights its features with priors from
// general-language frequency lists, which cannot know what is common in *this* collection:
// in a feed about the Olympics, "olympic", "tokyo" and "medal" are in a third of all
// articles and make unrelated stories look alike. Counting, per dimension, how many
// articles use it and scaling by the smoothed IDF ln((1+N)/(1+df)) + 1 fixes that. For
// dense embedders every dimension is used by every article, all weights are equal and the
// vectors are left as they are.

export class CollectionWeighting {
  private readonly documentFrequency: Float64Array;
  private count = 0;
  private nonZero = 0;

  constructor(readonly dimension: number) {
    this.documentFrequency = new Float64Array(dimension);
  }

  /** Counts one more article's vector. */
  add(vector: Float32Array): void {
    const df = this.documentFrequency;
    for (let d = 0; d < vector.length; d++) {
      if (vector[d] !== 0) {
        df[d] = df[d]! + 1;
        this.nonZero++;
      }
    }
    this.count++;
  }

  /** Stops counting a vector counted with `add` (an evicted article). */
  remove(vector: Float32Array): void {
    const df = this.documentFrequency;
    for (let d = 0; d < vector.length; d++) {
      if (vector[d] !== 0) {
        df[d] = df[d]! - 1;
        this.nonZero--;
      }
    }
    this.count--;
  }

  /**
   * True when reweighting changes anything: vectors use under half of the dimensions on
   * average (sparse), and there are at least two articles.
   */
  get active(): boolean {
    return this.count >= 2 && this.nonZero < 0.5 * this.count * this.dimension;
  }

  /** Current weight of each dimension. */
  weights(): Float32Array {
    const n = this.count;
    return Float32Array.from(this.documentFrequency, (df) => Math.log((1 + n) / (1 + df)) + 1);
  }

  /** `vector` scaled by `weights` and L2-normalised, into `out` (a new array by default). */
  static apply(vector: Float32Array, weights: Float32Array, out: Float32Array = new Float32Array(vector.length)): Float32Array {
    let norm = 0;
    for (let d = 0; d < vector.length; d++) {
      const x = vector[d]!;
      if (x === 0) {
        out[d] = 0;
        continue;
      }
      const y = x * weights[d]!;
      out[d] = y;
      norm += y * y;
    }
    if (norm > 0) {
      const inverse = 1 / Math.sqrt(norm);
      for (let d = 0; d < out.length; d++) out[d] = out[d]! * inverse;
    }
    return out;
  }
}
