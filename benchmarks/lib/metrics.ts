// Quality metrics of the evaluation: correlation for graded pairs, rank metrics for
// cross-lingual retrieval, B-cubed for clusterings. Pure functions, no I/O.

/** Pearson's r; NaN when either side has no variance or the inputs are shorter than 2. */
export function pearson(x: readonly number[], y: readonly number[]): number {
  if (x.length !== y.length) throw new RangeError(`pearson: lengths differ (${x.length} vs ${y.length})`);
  const n = x.length;
  if (n < 2) return Number.NaN;
  let meanX = 0;
  let meanY = 0;
  for (let i = 0; i < n; i++) {
    meanX += x[i]!;
    meanY += y[i]!;
  }
  meanX /= n;
  meanY /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i]! - meanX;
    const dy = y[i]! - meanY;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  if (sxx === 0 || syy === 0) return Number.NaN;
  return sxy / Math.sqrt(sxx * syy);
}

/** Ranks 1..n, ties sharing the average of the ranks they span (as Spearman's ρ needs). */
export function averageRanks(values: readonly number[]): number[] {
  const order = values.map((value, index) => ({ value, index })).sort((a, b) => a.value - b.value);
  const ranks = new Array<number>(values.length);
  let start = 0;
  while (start < order.length) {
    let end = start;
    while (end + 1 < order.length && order[end + 1]!.value === order[start]!.value) end++;
    const rank = (start + end) / 2 + 1;
    for (let k = start; k <= end; k++) ranks[order[k]!.index] = rank;
    start = end + 1;
  }
  return ranks;
}

/** Spearman's ρ: Pearson's r of the average ranks, so ties (common in 1–4 ratings) are handled. */
export function spearman(x: readonly number[], y: readonly number[]): number {
  return pearson(averageRanks(x), averageRanks(y));
}

/**
 * Rank (1 = best) of the candidate `target` in one row of similarities. Ties count against
 * the target: a system that gives every candidate the same score gets no credit.
 */
export function rankOfTarget(similarities: readonly number[], target: number): number {
  const targetScore = similarities[target];
  if (targetScore === undefined) throw new RangeError(`rankOfTarget: no candidate ${target}`);
  let rank = 1;
  for (let j = 0; j < similarities.length; j++) {
    if (j !== target && !(similarities[j]! < targetScore)) rank++;
  }
  return rank;
}

export interface RetrievalScores {
  /** Share of queries whose correct candidate ranks first. */
  recallAt1: number;
  /** Mean of 1 / rank of the correct candidate. */
  mrr: number;
  queries: number;
}

/** Recall@1 and MRR over queries, each a row of candidate similarities and the correct candidate's index. */
export function retrievalScores(queries: ReadonlyArray<{ similarities: readonly number[]; target: number }>): RetrievalScores {
  if (queries.length === 0) return { recallAt1: Number.NaN, mrr: Number.NaN, queries: 0 };
  let hits = 0;
  let reciprocal = 0;
  for (const query of queries) {
    const rank = rankOfTarget(query.similarities, query.target);
    if (rank === 1) hits++;
    reciprocal += 1 / rank;
  }
  return { recallAt1: hits / queries.length, mrr: reciprocal / queries.length, queries: queries.length };
}

export interface BCubedScores {
  precision: number;
  recall: number;
  f1: number;
  /** Number of items the averages ran over. */
  items: number;
}

/**
 * B-cubed precision, recall and F1 (Amigó et al. 2009) of a predicted clustering against
 * gold labels, both given as one label per item. `include` restricts the items averaged
 * over (e.g. articles of multilingual gold stories); their clusters still count every item,
 * so a restricted article pulled into a wrong cluster still costs precision.
 */
export function bcubed(
  predicted: ReadonlyArray<string | number>,
  gold: ReadonlyArray<string | number>,
  include?: (index: number) => boolean,
): BCubedScores {
  if (predicted.length !== gold.length) {
    throw new RangeError(`bcubed: ${predicted.length} predicted labels for ${gold.length} gold labels`);
  }
  const predictedSize = new Map<string | number, number>();
  const goldSize = new Map<string | number, number>();
  const overlap = new Map<string, number>();
  for (let i = 0; i < gold.length; i++) {
    const p = predicted[i]!;
    const g = gold[i]!;
    predictedSize.set(p, (predictedSize.get(p) ?? 0) + 1);
    goldSize.set(g, (goldSize.get(g) ?? 0) + 1);
    const key = `${typeof p}:${p}\u0000${typeof g}:${g}`;
    overlap.set(key, (overlap.get(key) ?? 0) + 1);
  }
  let precision = 0;
  let recall = 0;
  let items = 0;
  for (let i = 0; i < gold.length; i++) {
    if (include && !include(i)) continue;
    const p = predicted[i]!;
    const g = gold[i]!;
    const both = overlap.get(`${typeof p}:${p}\u0000${typeof g}:${g}`)!;
    precision += both / predictedSize.get(p)!;
    recall += both / goldSize.get(g)!;
    items++;
  }
  if (items === 0) return { precision: Number.NaN, recall: Number.NaN, f1: Number.NaN, items: 0 };
  precision /= items;
  recall /= items;
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { precision, recall, f1, items };
}

/** Turns groups of item indices into one label per item; items in no group become singletons. */
export function labelsFromGroups(groups: ReadonlyArray<readonly number[]>, count: number): number[] {
  const labels = new Array<number>(count).fill(-1);
  groups.forEach((group, label) => {
    for (const index of group) {
      if (index < 0 || index >= count) throw new RangeError(`labelsFromGroups: index ${index} outside 0..${count - 1}`);
      if (labels[index] !== -1) throw new RangeError(`labelsFromGroups: item ${index} is in two groups`);
      labels[index] = label;
    }
  });
  let next = groups.length;
  for (let i = 0; i < count; i++) if (labels[i] === -1) labels[i] = next++;
  return labels;
}

/** True when two clusterings put the same items together, whatever their order or labels. */
export function sameClustering(a: ReadonlyArray<readonly string[]>, b: ReadonlyArray<readonly string[]>): boolean {
  const canonical = (groups: ReadonlyArray<readonly string[]>) =>
    groups
      .map((group) => [...group].sort().join('\u0000'))
      .sort()
      .join('\u0001');
  return canonical(a) === canonical(b);
}
