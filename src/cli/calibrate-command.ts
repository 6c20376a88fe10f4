// `samestory calibrate`: scores labelled pairs with an embedder and reports how well each
// threshold separates same-story pairs from the rest.

import { calibrateThreshold, type CalibrationReport, type ScoredPair } from '../calibrate.js';
import type { Embedder } from '../embed/embedder.js';
import { normalizeArticle } from '../article.js';
import { embedArticles } from '../embed/embed-articles.js';
import type { ProgressCallback } from '../progress.js';
import { dot } from '../vectors/vector-math.js';
import { readLabelledPairs } from './read-pairs.js';

export interface CalibrateCommandReport extends CalibrationReport {
  embedder: { id: string; dimension: number };
  files: string[];
  skipped: number;
}

const BATCH = 32;

export async function calibrateOnPairs(
  embedder: Embedder,
  files: readonly string[],
  options: { minPrecision?: number | undefined; onProgress?: ProgressCallback },
): Promise<CalibrateCommandReport> {
  const scored: ScoredPair[] = [];
  let skipped = 0;
  for (const file of files) {
    const read = await readLabelledPairs(file);
    skipped += read.skipped;
    const articles = read.pairs.flatMap((pair) => [normalizeArticle(pair.a), normalizeArticle(pair.b)]);
    const vectors = await embedArticles(embedder, articles, { batchSize: BATCH, ...(options.onProgress ? { onProgress: options.onProgress } : {}) });
    read.pairs.forEach((pair, i) => {
      const similarity = dot(vectors[2 * i]!, vectors[2 * i + 1]!);
      const point: ScoredPair = { similarity, sameStory: pair.sameStory };
      const langA = articles[2 * i]!.lang;
      const langB = articles[2 * i + 1]!.lang;
      if (langA) point.langA = langA;
      if (langB) point.langB = langB;
      scored.push(point);
    });
  }
  const report = calibrateThreshold(scored, options.minPrecision !== undefined ? { minPrecision: options.minPrecision } : {});
  return { embedder: { id: embedder.id, dimension: embedder.dimension }, files: [...files], skipped, ...report };
}

export function formatCalibration(report: CalibrateCommandReport): string {
  const lines = [
    `${report.pairs} labelled pairs (${report.positives} same story, ${report.skipped} skipped) from ${report.files.join(', ')}`,
    `embedder ${report.embedder.id}`,
    '',
    'threshold  precision  recall     F1',
  ];
  for (const point of report.curve) {
    if (Math.round(point.threshold * 100) % 5 !== 0) continue;
    lines.push(
      `${point.threshold.toFixed(2).padStart(9)}  ${point.precision.toFixed(3).padStart(9)}  ${point.recall.toFixed(3).padStart(6)}  ${point.f1.toFixed(3).padStart(5)}`,
    );
  }
  const describe = (s: CalibrationReport['suggestion']) =>
    s.threshold === undefined
      ? 'none (no threshold satisfies the rule)'
      : `${s.threshold.toFixed(2)} (${s.rule}: precision ${s.point!.precision.toFixed(3)}, recall ${s.point!.recall.toFixed(3)}, F1 ${s.point!.f1.toFixed(3)})`;
  lines.push('', `suggested threshold: ${describe(report.suggestion)}`);
  for (const [pair, group] of Object.entries(report.byLanguagePair)) {
    lines.push(`  ${pair.padEnd(6)} ${String(group.pairs).padStart(5)} pairs, ${String(group.positives).padStart(4)} same: ${describe(group.suggestion)}`);
  }
  return lines.join('\n');
}
