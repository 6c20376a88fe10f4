// Per-article feature weights keyed by 32-bit feature hash, in typed arrays that are reused
// from one article to the next: embedding thousands of articles a second must not allocate a
// Map entry and an object per feature.

import { allocateSparseVector, type SparseVector } from '../../vectors/sparse-vector.js';
import { indexOfHash, l2Normalise, signOfHash } from './hashing.js';

/** Receives the features of an article as they are found (see features.ts). */
export interface FeatureSink {
  /**
   * `hash`: the feature's 32-bit hash; `kind` and `ref` describe it for explanations (`ref`
   * is a concept id or a label) and are ignored when only the vector is wanted.
   */
  add(hash: number, weight: number, kind: number, ref: string | number): void;
}

const EMPTY = 0xffffffff;

/** Open-addressing hash table from feature hash to summed weight, in insertion order. */
export class FeatureAccumulator implements FeatureSink {
  private capacity = 1024;
  private keys = new Uint32Array(this.capacity).fill(EMPTY);
  private weights = new Float64Array(this.capacity);
  /** Slots in the order their features first arrived (keeps float sums reproducible). */
  private order = new Int32Array(this.capacity);
  private count = 0;
  /** A hash equal to the empty marker is stored here instead of in the table. */
  private emptyHashWeight = -1;

  get size(): number {
    return this.count + (this.emptyHashWeight >= 0 ? 1 : 0);
  }

  reset(): void {
    for (let i = 0; i < this.count; i++) this.keys[this.order[i]!] = EMPTY;
    this.count = 0;
    this.emptyHashWeight = -1;
  }

  add(hash: number, weight: number): void {
    if (!(weight > 0)) return;
    if (hash === EMPTY) {
      this.emptyHashWeight = Math.max(0, this.emptyHashWeight) + weight;
      return;
    }
    const mask = this.capacity - 1;
    let slot = hash & mask;
    for (;;) {
      const key = this.keys[slot]!;
      if (key === hash) {
        this.weights[slot]! += weight;
        return;
      }
      if (key === EMPTY) break;
      slot = (slot + 1) & mask;
    }
    this.keys[slot] = hash;
    this.weights[slot] = weight;
    this.order[this.count++] = slot;
    // Keep the table at most half full so probe chains stay short.
    if (this.count * 2 > this.capacity) this.grow();
  }

  /**
   * Hashes the summed weights into `vector` (after `transform`, e.g. log damping) and
   * L2-normalises it. Returns false when there was no feature at all.
   */
  writeTo(vector: Float32Array, transform: (weight: number) => number): boolean {
    const dimension = vector.length;
    for (let i = 0; i < this.count; i++) {
      const slot = this.order[i]!;
      const hash = this.keys[slot]!;
      vector[indexOfHash(hash, dimension)]! += signOfHash(hash) * transform(this.weights[slot]!);
    }
    if (this.emptyHashWeight >= 0) vector[indexOfHash(EMPTY, dimension)]! += signOfHash(EMPTY) * transform(this.emptyHashWeight);
    if (this.size === 0) return false;
    l2Normalise(vector);
    return true;
  }

  /**
   * The same vector as `writeTo`, returned as its non-zero entries. `scratch` is a zeroed
   * dense buffer of the vector's dimension that the caller reuses; it is zeroed again before
   * returning, so the work is O(features), not O(dimension). Returns undefined when there
   * was no feature at all. The values are bit for bit those `writeTo` gives: the same
   * float32 sums, and the norm summed over the same non-zeros in the same (ascending) order.
   */
  writeSparse(scratch: Float32Array, transform: (weight: number) => number): SparseVector | undefined {
    if (this.size === 0) return undefined;
    const dimension = scratch.length;
    const touched = new Uint32Array(this.size);
    let n = 0;
    const put = (hash: number, weight: number) => {
      const index = indexOfHash(hash, dimension);
      scratch[index]! += signOfHash(hash) * transform(weight);
      touched[n++] = index;
    };
    for (let i = 0; i < this.count; i++) {
      const slot = this.order[i]!;
      put(this.keys[slot]!, this.weights[slot]!);
    }
    if (this.emptyHashWeight >= 0) put(EMPTY, this.emptyHashWeight);
    touched.sort();
    let unique = 0;
    for (let k = 0; k < n; k++) {
      const index = touched[k]!;
      if ((k === 0 || index !== touched[k - 1]) && scratch[index] !== 0) touched[unique++] = index;
    }
    const { indices, values } = allocateSparseVector(unique);
    indices.set(touched.subarray(0, unique));
    for (let k = 0; k < unique; k++) values[k] = scratch[indices[k]!]!;
    // Every entry still non-zero in scratch is among `indices` (cancelled ones are zero).
    for (let k = 0; k < unique; k++) scratch[indices[k]!] = 0;
    if (unique === 0) return undefined;
    l2Normalise(values);
    return { indices, values };
  }

  private grow(): void {
    const entries: [number, number][] = [];
    for (let i = 0; i < this.count; i++) entries.push([this.keys[this.order[i]!]!, this.weights[this.order[i]!]!]);
    this.capacity *= 2;
    this.keys = new Uint32Array(this.capacity).fill(EMPTY);
    this.weights = new Float64Array(this.capacity);
    this.order = new Int32Array(this.capacity);
    this.count = 0;
    for (const [hash, weight] of entries) this.add(hash, weight);
  }
}
