// Gathers what the HTML report shows: each story's articles and, for up to a cap of members
// per story, the detector's explanation of why a member belongs with the representative.

import type { StoryCluster } from '../cluster/story-cluster.js';
import type { StoryDetector } from '../detector.js';
import type { ReportArticle, ReportStory } from './html-report.js';

/**
 * Members explained per story at most. An explanation embeds both articles' sentences, so a
 * folder of thousands of near-duplicates would otherwise cost minutes and a page too long to read.
 */
export const MAX_EXPLAINED_PER_STORY = 50;

export type ExplainingDetector = Pick<StoryDetector, 'explain' | 'article'>;

export async function reportStories(
  detector: ExplainingDetector,
  stories: readonly StoryCluster[],
  options: { maxExplainedPerStory?: number } = {},
): Promise<ReportStory[]> {
  const cap = options.maxExplainedPerStory ?? MAX_EXPLAINED_PER_STORY;
  const result: ReportStory[] = [];
  for (const story of stories) {
    const articles = new Map<string, ReportArticle>();
    for (const id of story.articleIds) {
      const { title, lang, publishedAt, source } = detector.article(id);
      articles.set(id, { id, ...(title ? { title } : {}), ...(lang ? { lang } : {}), ...(publishedAt !== undefined ? { publishedAt } : {}), ...(source ? { source } : {}) });
    }
    const explanations = new Map<string, Awaited<ReturnType<ExplainingDetector['explain']>>>();
    // Members are kept in the order they were added; explain the most similar ones first.
    const others = story.members
      .filter((m) => m.id !== story.representativeId)
      .sort((a, b) => b.similarityToRepresentative - a.similarityToRepresentative)
      .slice(0, cap);
    for (const member of others) explanations.set(member.id, await detector.explain(story.representativeId, member.id));
    result.push({ story, articles, explanations });
  }
  return result;
}
