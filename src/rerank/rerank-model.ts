// The second stage's model: a logistic regression over the evidence of a pair (pair-evidence.ts)
// giving the probability that two articles report the same story. The coefficients are
// fitted by `npm run train:rerank` on the SemEval-2022 Task 8 *training* pairs only
// (../shared/train, label `same_story_binary_le2`); re-run it when the embedder changes.

import { EVIDENCE_FIELDS, type PairEvidence } from './pair-evidence.js';

export type EvidenceField = (typeof EVIDENCE_FIELDS)[number];

/** A logistic model over pair evidence: P(same story) = σ(intercept + Σ weights·evidence). */
export interface RerankModel {
  /** Embedder the coefficients were fitted with (the evidence depends on its space). */
  embedderId: string;
  intercept: number;
  weights: Record<EvidenceField, number>;
}

/** Shipped coefficients; written by `npm run train:rerank -- --write`. */
export const RERANK_MODEL: RerankModel = {
  embedderId: 'lexical-pivot:v3.2:d4096',
  intercept: -1.8179,
  weights: {
    cosine: -10.1666,
    titleCosine: 6.2534,
    bestSentence: 0.4431,
    alignment: -5.1229,
    sharedNames: 28.7631,
    sharedPlaces: 37.6327,
    sharedNumbers: 14.6101,
    sharedConcepts: 19.1532,
    surfaceOverlap: 0.4820,
    shorterLength: -2.3190,
    sharedNumberCount: 0.2865,
    sharedWordCount: 0.9448,
    titleToLead: -1.4170,
    topAlignment: 4.7478,
    crossLingual: 1.0208,
    crossLingualCosine: 6.6379,
    crossLingualConcepts: 6.0083,
    crossLingualNames: -0.0946,
  },
};

/** The model's linear score (log-odds of the same story). */
export function rerankLogit(evidence: PairEvidence, model: RerankModel = RERANK_MODEL): number {
  let logit = model.intercept;
  for (const field of EVIDENCE_FIELDS) logit += model.weights[field] * evidence[field];
  return logit;
}

/** Probability that the two articles report the same story, in [0, 1]. */
export function rerankScore(evidence: PairEvidence, model: RerankModel = RERANK_MODEL): number {
  return 1 / (1 + Math.exp(-rerankLogit(evidence, model)));
}
