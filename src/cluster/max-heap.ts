// A binary max-heap of candidate merges, kept in parallel typed arrays so millions of
// candidate edges cost no per-entry objects.

export class MergeHeap {
  private score: Float64Array;
  private left: Int32Array;
  private right: Int32Array;
  private stamp: Float64Array;
  private length = 0;

  constructor(capacity = 1024) {
    this.score = new Float64Array(capacity);
    this.left = new Int32Array(capacity);
    this.right = new Int32Array(capacity);
    this.stamp = new Float64Array(capacity);
  }

  get size(): number {
    return this.length;
  }

  /** `stamp` lets the caller tell whether the entry was computed before a merge touched it. */
  push(score: number, left: number, right: number, stamp: number): void {
    if (this.length === this.score.length) this.grow();
    let i = this.length++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!MergeHeap.precedes(score, left, right, this.score[parent]!, this.left[parent]!, this.right[parent]!)) break;
      this.move(parent, i);
      i = parent;
    }
    this.score[i] = score;
    this.left[i] = left;
    this.right[i] = right;
    this.stamp[i] = stamp;
  }

  /** Removes the top entry into `out` and returns false when empty. */
  pop(out: { score: number; left: number; right: number; stamp: number }): boolean {
    if (this.length === 0) return false;
    out.score = this.score[0]!;
    out.left = this.left[0]!;
    out.right = this.right[0]!;
    out.stamp = this.stamp[0]!;
    const last = --this.length;
    if (last === 0) return true;
    const score = this.score[last]!;
    const left = this.left[last]!;
    const right = this.right[last]!;
    const stamp = this.stamp[last]!;
    let i = 0;
    for (;;) {
      const a = 2 * i + 1;
      if (a >= last) break;
      const b = a + 1;
      const child = b < last && this.slotPrecedes(b, this.score[a]!, this.left[a]!, this.right[a]!) ? b : a;
      if (!this.slotPrecedes(child, score, left, right)) break;
      this.move(child, i);
      i = child;
    }
    this.score[i] = score;
    this.left[i] = left;
    this.right[i] = right;
    this.stamp[i] = stamp;
    return true;
  }

  // Higher score first; ties broken by smaller indices so results never depend on heap history.
  private static precedes(score: number, left: number, right: number, otherScore: number, otherLeft: number, otherRight: number): boolean {
    if (score !== otherScore) return score > otherScore;
    if (left !== otherLeft) return left < otherLeft;
    return right < otherRight;
  }

  /** Whether the entry in `slot` comes before (score, left, right). */
  private slotPrecedes(slot: number, score: number, left: number, right: number): boolean {
    return MergeHeap.precedes(this.score[slot]!, this.left[slot]!, this.right[slot]!, score, left, right);
  }

  private move(from: number, to: number): void {
    this.score[to] = this.score[from]!;
    this.left[to] = this.left[from]!;
    this.right[to] = this.right[from]!;
    this.stamp[to] = this.stamp[from]!;
  }

  private grow(): void {
    const capacity = this.score.length * 2;
    const grow64 = (a: Float64Array) => { const b = new Float64Array(capacity); b.set(a); return b; };
    const grow32 = (a: Int32Array) => { const b = new Int32Array(capacity); b.set(a); return b; };
    this.score = grow64(this.score);
    this.left = grow32(this.left);
    this.right = grow32(this.right);
    this.stamp = grow64(this.stamp);
  }
}
