// L2-regularised logistic regression by Newton's method (IRLS), for the second stage's few
// coefficients. Features are standardised inside the fit and the coefficients returned on
// the raw scale, so a caller scores with intercept + Σ w·x directly.

export interface LogisticFit {
  intercept: number;
  weights: number[];
}

export interface LogisticOptions {
  /** Penalty on the squared standardised weights (the intercept is not penalised). @default 1 */
  l2?: number;
  /** Newton steps at most. @default 50 */
  iterations?: number;
  /** Per-row weights (e.g. to balance groups). @default 1 each */
  rowWeights?: readonly number[];
  /**
   * Rows that are differences of two items' features (a pairwise ranking term: label 1 when
   * the first item should rank higher). They take no intercept and are scaled but not
   * centred; the other rows set the scaling. @default none
   */
  differenceRows?: readonly boolean[];
}

/** Solves A x = b for a small symmetric positive definite A (Gaussian elimination with pivoting). */
function solve(a: number[][], b: number[]): number[] {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i]!]);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(m[r]![col]!) > Math.abs(m[pivot]![col]!)) pivot = r;
    [m[col], m[pivot]] = [m[pivot]!, m[col]!];
    const p = m[col]![col]!;
    for (let r = 0; r < n; r++) {
      if (r === col) continue;
      const f = m[r]![col]! / p;
      if (f === 0) continue;
      for (let c = col; c <= n; c++) m[r]![c]! -= f * m[col]![c]!;
    }
  }
  return m.map((row, i) => row[n]! / row[i]!);
}

export function fitLogistic(rows: readonly (readonly number[])[], labels: readonly number[], options: LogisticOptions = {}): LogisticFit {
  const l2 = options.l2 ?? 1;
  const d = rows[0]?.length ?? 0;
  const n = rows.length;
  const isDifference = (i: number) => options.differenceRows?.[i] === true;
  const items = rows.filter((_, i) => !isDifference(i));
  const mean = new Array<number>(d).fill(0);
  const sd = new Array<number>(d).fill(0);
  for (const row of items) for (let j = 0; j < d; j++) mean[j]! += row[j]! / items.length;
  for (const row of items) for (let j = 0; j < d; j++) sd[j]! += (row[j]! - mean[j]!) ** 2 / items.length;
  for (let j = 0; j < d; j++) sd[j] = Math.sqrt(sd[j]!) || 1;
  const z = rows.map((row, i) =>
    isDifference(i) ? [0, ...row.map((x, j) => x / sd[j]!)] : [1, ...row.map((x, j) => (x - mean[j]!) / sd[j]!)],
  );
  const beta = new Array<number>(d + 1).fill(0);
  for (let step = 0; step < (options.iterations ?? 50); step++) {
    const gradient = new Array<number>(d + 1).fill(0);
    const hessian = Array.from({ length: d + 1 }, () => new Array<number>(d + 1).fill(0));
    for (let i = 0; i < n; i++) {
      const x = z[i]!;
      let logit = 0;
      for (let j = 0; j <= d; j++) logit += beta[j]! * x[j]!;
      const p = 1 / (1 + Math.exp(-logit));
      const w = options.rowWeights?.[i] ?? 1;
      const r = w * (p - labels[i]!);
      const h = w * p * (1 - p);
      for (let j = 0; j <= d; j++) {
        gradient[j]! += r * x[j]!;
        for (let k = 0; k <= j; k++) hessian[j]![k]! += h * x[j]! * x[k]!;
      }
    }
    for (let j = 0; j <= d; j++) for (let k = 0; k < j; k++) hessian[k]![j] = hessian[j]![k]!;
    for (let j = 1; j <= d; j++) {
      gradient[j]! += l2 * beta[j]!;
      hessian[j]![j]! += l2;
    }
    const delta = solve(hessian, gradient);
    let change = 0;
    for (let j = 0; j <= d; j++) {
      beta[j]! -= delta[j]!;
      change = Math.max(change, Math.abs(delta[j]!));
    }
    if (change < 1e-9) break;
  }
  const weights = beta.slice(1).map((b, j) => b / sd[j]!);
  const intercept = beta[0]! - weights.reduce((sum, w, j) => sum + w * mean[j]!, 0);
  return { intercept, weights };
}

/** Area under the ROC curve of scores against 0/1 labels (ties count half). */
export function rocAuc(scores: readonly number[], labels: readonly number[]): number {
  const order = scores.map((s, i) => i).sort((a, b) => scores[a]! - scores[b]!);
  let positives = 0;
  let rankSum = 0;
  let i = 0;
  while (i < order.length) {
    let j = i;
    while (j + 1 < order.length && scores[order[j + 1]!] === scores[order[i]!]) j++;
    const rank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) if (labels[order[k]!] === 1) {
      positives++;
      rankSum += rank;
    }
    i = j + 1;
  }
  const negatives = order.length - positives;
  if (positives === 0 || negatives === 0) return Number.NaN;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}
