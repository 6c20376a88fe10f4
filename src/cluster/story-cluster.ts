// Describes a group of articles as a StoryCluster: representative, cohesion, languages.

import { createHash } from 'node:crypto';
import type { EmbeddingVector } from '../vectors/sparse-vector.js';
import { dot, squaredNorm, sumVectors } from '../vectors/vector-math.js';

export interface StoryMember {
  id: string;
  lang?: string;
  title?: string;
  /** Cosine similarity to the story's representative article (1 for the representative). */
  similarityToRepresentative: number;
}

export interface StoryCluster {
  /** Stable id derived from the story's first-added article. */
  id: string;
  /** Member article ids in the order they were added. */
  articleIds: string[];
  /** Per-member details, same order as articleIds. */
  members: StoryMember[];
  /** Distinct languages of the members, sorted. */
  languages: string[];
  /** The member most similar on average to the others (the medoid). */
  representativeId: string;
  /** Mean pairwise cosine similarity of the members (1 for a single article). */
  cohesion: number;
  /** Earliest and latest publication time of dated members, epoch ms. */
  timeSpan?: { from: number; to: number };
}

export interface DescribableArticle {
  id: string;
  lang?: string;
  title?: string;
  publishedAt?: number;
}

export function storyIdFor(firstArticleId: string): string {
  return 'story-' + createHash('sha1').update(firstArticleId).digest('hex').slice(0, 12);
}

/**
 * Builds the StoryCluster of `memberIndices` (in insertion order). Uses the members' sum
 * vector so cohesion and the medoid cost O(members × stored entries), not O(members²).
 */
export function describeStory(
  memberIndices: readonly number[],
  articleAt: (i: number) => DescribableArticle,
  vectorAt: (i: number) => EmbeddingVector,
): StoryCluster {
  const n = memberIndices.length;
  const sum = sumVectors(memberIndices.map(vectorAt));
  // For unit vectors, Σ_{i≠j} v_i·v_j = |Σ v|² − n.
  const cohesion = n === 1 ? 1 : (squaredNorm(sum) - n) / (n * (n - 1));

  let representative = memberIndices[0]!;
  let best = -Infinity;
  for (const i of memberIndices) {
    const score = dot(vectorAt(i), sum);
    if (score > best + 1e-12) {
      best = score;
      representative = i;
    }
  }
  const rep = vectorAt(representative);
  const members: StoryMember[] = memberIndices.map((i) => {
    const article = articleAt(i);
    const member: StoryMember = { id: article.id, similarityToRepresentative: i === representative ? 1 : dot(vectorAt(i), rep) };
    if (article.lang) member.lang = article.lang;
    if (article.title) member.title = article.title;
    return member;
  });
  const languages = [...new Set(members.map((m) => m.lang).filter((l): l is string => !!l))].sort();
  const times = memberIndices.map((i) => articleAt(i).publishedAt).filter((t): t is number => t !== undefined);
  const story: StoryCluster = {
    id: storyIdFor(articleAt(memberIndices[0]!).id),
    articleIds: members.map((m) => m.id),
    members,
    languages,
    representativeId: articleAt(representative).id,
    cohesion,
  };
  if (times.length > 0) story.timeSpan = { from: Math.min(...times), to: Math.max(...times) };
  return story;
}
