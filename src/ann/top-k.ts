// Keeps the k best-scoring labels seen during a scan in a min-heap of typed arrays, so
// a brute-force search costs O(n log k) and allocates nothing per candidate.

export class TopK {
  readonly #scores: Float64Array;
  readonly #labels: Int32Array;
  #length = 0;

  constructor(readonly capacity: number) {
    this.#scores = new Float64Array(capacity);
    this.#labels = new Int32Array(capacity);
  }

  get length(): number {
    return this.#length;
  }

  /**
   * True when a candidate would enter the heap; lets a scan skip work for hopeless ones.
   * Without `label`, a score equal to the worst kept one is refused (right for scans in
   * ascending label order, where the kept candidate has the lower label).
   */
  accepts(score: number, label = Infinity): boolean {
    return this.#length < this.capacity || (this.capacity > 0 && isWorse(this.#scores[0]!, this.#labels[0]!, score, label));
  }

  /**
   * Offers a candidate. On ties the lower label wins, whatever the order of the offers,
   * so results are deterministic (and, labels being handed out in insertion order, the
   * earlier insertion wins).
   */
  offer(score: number, label: number): void {
    if (this.#length < this.capacity) {
      this.#siftUp(this.#length++, score, label);
    } else if (this.capacity > 0 && isWorse(this.#scores[0]!, this.#labels[0]!, score, label)) {
      this.#siftDown(score, label);
    }
  }

  /** Empties the heap for reuse (no allocation). */
  clear(): void {
    this.#length = 0;
  }

  /** The lowest kept score (the one a better candidate would evict); -Infinity when empty. */
  get lowestScore(): number {
    return this.#length === 0 ? -Infinity : this.#scores[0]!;
  }

  /** The label kept at `position` (0 ≤ position < length), in heap order, not sorted. */
  labelAt(position: number): number {
    return this.#labels[position]!;
  }

  /** The kept candidates, best first (ties: lower label first). */
  sorted(): Array<{ label: number; score: number }> {
    const out: Array<{ label: number; score: number }> = [];
    for (let i = 0; i < this.#length; i++) out.push({ label: this.#labels[i]!, score: this.#scores[i]! });
    return out.sort((a, b) => b.score - a.score || a.label - b.label);
  }

  // Heap order: the root is the worst kept candidate (lowest score; among equal scores the
  // highest label), so it is the one to evict.
  #siftUp(position: number, score: number, label: number): void {
    let i = position;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!isWorse(score, label, this.#scores[parent]!, this.#labels[parent]!)) break;
      this.#scores[i] = this.#scores[parent]!;
      this.#labels[i] = this.#labels[parent]!;
      i = parent;
    }
    this.#scores[i] = score;
    this.#labels[i] = label;
  }

  // Replaces the root with a better candidate and restores heap order.
  #siftDown(score: number, label: number): void {
    const n = this.#length;
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
      const right = child + 1;
      if (right < n && isWorse(this.#scores[right]!, this.#labels[right]!, this.#scores[child]!, this.#labels[child]!)) {
        child = right;
      }
      if (!isWorse(this.#scores[child]!, this.#labels[child]!, score, label)) break;
      this.#scores[i] = this.#scores[child]!;
      this.#labels[i] = this.#labels[child]!;
      i = child;
    }
    this.#scores[i] = score;
    this.#labels[i] = label;
  }
}

function isWorse(scoreA: number, labelA: number, scoreB: number, labelB: number): boolean {
  return scoreA < scoreB || (scoreA === scoreB && labelA > labelB);
}
