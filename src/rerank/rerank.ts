// The second stage: the first stage (sparse index + cosine) proposes candidates, and only
// its top few are re-scored with pair evidence and the fitted model, so the cost per query
// stays bounded whatever the collection's size.

import type { PairEvidence } from './pair-evidence.js';
import { pairEvidence, type ArticleSketch } from './pair-evidence.js';
import { RERANK_MODEL, rerankScore, type RerankModel } from './rerank-model.js';

/**
 * Candidates the second stage re-scores per query: the first stage's best 10. On the
 * training pairs' retrieval (`npm run train:rerank`) the partner is among the cosine's top 10
 * for nearly every query, and each candidate costs a sketch (one embedder call on its
 * headline and lead sentences) and a comparison.
 */
export const RERANK_CANDIDATES = 10;

export interface RerankedCandidate<T> {
  candidate: T;
  /** Probability of the same story from the model (rerank-model.ts). */
  score: number;
  evidence: PairEvidence;
}

/**
 * Re-scores candidates against a query and returns them best first (ties keep the input
 * order, which is the first stage's). Callers pass at most RERANK_CANDIDATES candidates.
 */
export function rerankCandidates<T>(
  query: ArticleSketch,
  candidates: ReadonlyArray<{ candidate: T; sketch: ArticleSketch }>,
  model: RerankModel = RERANK_MODEL,
): RerankedCandidate<T>[] {
  const scored = candidates.map(({ candidate, sketch }, order) => {
    const evidence = pairEvidence(query, sketch);
    return { candidate, score: rerankScore(evidence, model), evidence, order };
  });
  scored.sort((a, b) => b.score - a.score || a.order - b.order);
  return scored.map(({ candidate, score, evidence }) => ({ candidate, score, evidence }));
}
