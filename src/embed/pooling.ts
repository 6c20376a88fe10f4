// Turns a transformer's per-token hidden states into one vector per sequence, and combines
// window vectors into one article vector. Pure math on typed arrays, so it is tested apart
// from any model.

/**
 * How a window becomes one vector, as the model was trained: the mean of the real (unmasked)
 * token vectors, the first token ([CLS] / <s>), or the model's own pooled output: the
 * first token through the dense + tanh layer that BERT calls the pooler (`pooler_output`;
 * sentence-transformers keeps the same layer as its `Dense` module), which LaBSE is trained on.
 */
export type Pooling = 'mean' | 'cls' | 'pooler';

/** The poolings computed here from per-token hidden states; 'pooler' comes out of the model. */
export type TokenPooling = Exclude<Pooling, 'pooler'>;

export const POOLINGS: readonly Pooling[] = ['mean', 'cls', 'pooler'];

/**
 * Pools a `[batch, sequence, dimension]` block of hidden states (row-major, as onnxruntime
 * returns it) into `batch` vectors.
 *
 * Mean pooling averages only positions whose `attentionMask` entry is 1, so padding never
 * changes a sequence's vector. Sums run in float64 to keep long windows exact to float32.
 */
export function poolHiddenStates(
  hidden: Float32Array,
  dims: readonly [number, number, number],
  attentionMask: ArrayLike<number | bigint>,
  pooling: TokenPooling,
): Float32Array[] {
  const [batch, sequence, dimension] = dims;
  if (hidden.length !== batch * sequence * dimension) {
    throw new RangeError(`hidden states hold ${hidden.length} values, dims ${dims.join('x')} need ${batch * sequence * dimension}`);
  }
  if (attentionMask.length !== batch * sequence) {
    throw new RangeError(`attention mask holds ${attentionMask.length} values, expected ${batch * sequence}`);
  }
  const pooled: Float32Array[] = [];
  const sum = new Float64Array(dimension);
  for (let b = 0; b < batch; b++) {
    const out = new Float32Array(dimension);
    if (pooling === 'cls') {
      out.set(hidden.subarray(b * sequence * dimension, b * sequence * dimension + dimension));
    } else {
      sum.fill(0);
      let count = 0;
      for (let s = 0; s < sequence; s++) {
        if (Number(attentionMask[b * sequence + s]) === 0) continue;
        count++;
        const offset = (b * sequence + s) * dimension;
        for (let d = 0; d < dimension; d++) sum[d]! += hidden[offset + d]!;
      }
      // A fully masked row has no tokens to average; it stays zero and is caught by the caller's vector check.
      if (count > 0) for (let d = 0; d < dimension; d++) out[d] = sum[d]! / count;
    }
    pooled.push(out);
  }
  return pooled;
}

/** Euclidean norm, summed in float64. */
export function l2Norm(vector: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < vector.length; i++) sum += vector[i]! * vector[i]!;
  return Math.sqrt(sum);
}

/**
 * Scales `vector` to unit length in place and returns it. A zero or non-finite vector is
 * left as it is (there is no direction to keep): check with `isUnitVector` afterwards.
 */
export function l2NormalizeInPlace(vector: Float32Array): Float32Array {
  const norm = l2Norm(vector);
  if (norm > 0 && Number.isFinite(norm)) {
    for (let i = 0; i < vector.length; i++) vector[i] = vector[i]! / norm;
  }
  return vector;
}

/** True when every value is finite and the norm is 1 within `tolerance`. */
export function isUnitVector(vector: ArrayLike<number>, tolerance = 1e-3): boolean {
  for (let i = 0; i < vector.length; i++) if (!Number.isFinite(vector[i]!)) return false;
  return Math.abs(l2Norm(vector) - 1) <= tolerance;
}

/**
 * Accumulates weighted vectors (window vectors of one article) and yields their weighted
 * mean. Adding is order-independent up to float64 rounding, so windows may arrive in any
 * batch order.
 */
export class WeightedVectorSum {
  private readonly sum: Float64Array;
  private totalWeight = 0;

  constructor(readonly dimension: number) {
    this.sum = new Float64Array(dimension);
  }

  add(vector: ArrayLike<number>, weight: number): void {
    if (vector.length !== this.dimension) {
      throw new RangeError(`vector has dimension ${vector.length}, expected ${this.dimension}`);
    }
    for (let d = 0; d < this.dimension; d++) this.sum[d]! += weight * vector[d]!;
    this.totalWeight += weight;
  }

  /** The weighted mean as float32 (all zeros when nothing was added). */
  mean(): Float32Array {
    const out = new Float32Array(this.dimension);
    if (this.totalWeight > 0) for (let d = 0; d < this.dimension; d++) out[d] = this.sum[d]! / this.totalWeight;
    return out;
  }
}
