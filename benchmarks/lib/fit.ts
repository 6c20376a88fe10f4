// Small, deterministic fitting tools for `npm run train`: a coordinate (pattern) search over
// named parameters, the F-best threshold of scored pairs, ROC AUC and mean ± sd.

/** One parameter of a search: its range and how it moves. */
export interface SearchParameter {
  name: string;
  min: number;
  max: number;
  /**
   * 'factor': moves by multiplying and dividing by `step` (weights, where 0.5 → 1 is as far
   * as 1 → 2); values are rounded to two significant digits. 'add': moves by ± `step`,
   * rounded to multiples of `finest`.
   */
  move: 'factor' | 'add';
  /** First step: a factor > 1 or an amount > 0. */
  step: number;
  /** Smallest step tried before the search stops (a factor > 1 or an amount). */
  finest: number;
}

export interface SearchResult {
  values: Record<string, number>;
  objective: number;
  evaluations: number;
  /** Objective after each accepted move, for the log. */
  trace: Array<{ name: string; value: number; objective: number }>;
}

function roundTo(value: number, parameter: SearchParameter): number {
  if (parameter.move === 'add') return Number((Math.round(value / parameter.finest) * parameter.finest).toFixed(9));
  return Number(value.toPrecision(2));
}

function clampTo(value: number, parameter: SearchParameter): number {
  return Math.min(parameter.max, Math.max(parameter.min, value));
}

/**
 * Maximises `objective` by coordinate search from `start`: each parameter in turn tries one
 * step up and one down and keeps the better move if it gains more than `minGain` (small
 * gains on a few thousand pairs are noise, and the start is then kept); when a whole round
 * moves nothing, every step is halved (a factor square-rooted) until it reaches `finest`.
 * Deterministic: the same inputs give the same values.
 */
export function coordinateSearch(
  start: Readonly<Record<string, number>>,
  parameters: readonly SearchParameter[],
  objective: (values: Readonly<Record<string, number>>) => number,
  options: { minGain?: number; maxRounds?: number; onMove?: (name: string, value: number, objective: number) => void } = {},
): SearchResult {
  const minGain = options.minGain ?? 0;
  const maxRounds = options.maxRounds ?? 50;
  const values = { ...start };
  let best = objective(values);
  let evaluations = 1;
  const trace: SearchResult['trace'] = [];
  const steps = parameters.map((parameter) => parameter.step);
  const tooFine = (k: number) => steps[k]! < parameters[k]!.finest - 1e-12;
  for (let round = 0; round < maxRounds; round++) {
    let moved = false;
    parameters.forEach((parameter, k) => {
      if (tooFine(k)) return;
      const current = values[parameter.name]!;
      const candidates =
        parameter.move === 'factor' ? [current * steps[k]!, current / steps[k]!] : [current + steps[k]!, current - steps[k]!];
      let bestMove: { value: number; objective: number } | undefined;
      for (const raw of candidates) {
        const value = roundTo(clampTo(raw, parameter), parameter);
        if (value === current) continue;
        const score = objective({ ...values, [parameter.name]: value });
        evaluations++;
        if (score > best + minGain && (!bestMove || score > bestMove.objective)) bestMove = { value, objective: score };
      }
      if (bestMove) {
        values[parameter.name] = bestMove.value;
        best = bestMove.objective;
        trace.push({ name: parameter.name, value: bestMove.value, objective: best });
        options.onMove?.(parameter.name, bestMove.value, best);
        moved = true;
      }
    });
    if (!moved) {
      let any = false;
      parameters.forEach((parameter, k) => {
        if (tooFine(k)) return;
        steps[k] = parameter.move === 'factor' ? Math.sqrt(steps[k]!) : steps[k]! / 2;
        if (!tooFine(k)) any = true;
      });
      if (!any) break;
    }
  }
  return { values, objective: best, evaluations, trace };
}

/**
 * Precision, recall and F-beta of "same story" when `score >= threshold`; beta < 1 favours
 * precision (F0.5 counts precision twice as much as recall).
 */
export function fScoreAt(
  scores: readonly number[],
  labels: readonly boolean[],
  threshold: number,
  beta = 1,
): { precision: number; recall: number; f: number } {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  scores.forEach((score, i) => {
    if (score >= threshold) {
      if (labels[i]) tp++;
      else fp++;
    } else if (labels[i]) fn++;
  });
  const precision = tp + fp > 0 ? tp / (tp + fp) : 0;
  const recall = tp + fn > 0 ? tp / (tp + fn) : 0;
  const b2 = beta * beta;
  return { precision, recall, f: precision + recall > 0 ? ((1 + b2) * precision * recall) / (b2 * precision + recall) : 0 };
}

/**
 * The threshold, on a grid of `resolution`, with the highest F-beta of "same story" on these
 * pairs; ties go to the highest such threshold (fewer merges: a wrong merge costs a
 * detector more than a missed one, which a later article can still bridge).
 */
export function bestThreshold(
  scores: readonly number[],
  labels: readonly boolean[],
  { beta = 1, resolution = 0.01 }: { beta?: number; resolution?: number } = {},
): { threshold: number; f: number } {
  const low = Math.floor(Math.min(...scores) / resolution);
  const high = Math.ceil(Math.max(...scores) / resolution);
  let best = { threshold: low * resolution, f: -1 };
  for (let k = low; k <= high; k++) {
    const threshold = Number((k * resolution).toFixed(6));
    const { f } = fScoreAt(scores, labels, threshold, beta);
    if (f >= best.f) best = { threshold, f };
  }
  return best;
}

/** Area under the ROC curve: the chance that a random positive scores above a random negative. */
export function rocAuc(scores: readonly number[], labels: readonly boolean[]): number {
  const order = scores.map((_, i) => i).sort((a, b) => scores[a]! - scores[b]!);
  let positives = 0;
  let negatives = 0;
  let rankSum = 0;
  for (let k = 0; k < order.length; ) {
    let end = k;
    while (end + 1 < order.length && scores[order[end + 1]!] === scores[order[k]!]) end++;
    const rank = (k + end) / 2 + 1;
    for (let j = k; j <= end; j++) if (labels[order[j]!]) rankSum += rank;
    k = end + 1;
  }
  for (const label of labels) if (label) positives++;
  negatives = labels.length - positives;
  if (positives === 0 || negatives === 0) return Number.NaN;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

export function meanSd(values: readonly number[]): { mean: number; sd: number } {
  const mean = values.reduce((sum, v) => sum + v, 0) / values.length;
  const sd = Math.sqrt(values.reduce((sum, v) => sum + (v - mean) ** 2, 0) / Math.max(1, values.length - 1));
  return { mean, sd };
}
