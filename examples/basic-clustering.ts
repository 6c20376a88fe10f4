// The shortest path from articles to stories: create a detector with the built-in embedder
// (offline, nothing to download), add articles, read the story clusters.
//
//   npx tsx examples/basic-clustering.ts        (or: npx ts-node examples/basic-clustering.ts)

import { StoryDetector, type StoryCluster } from 'samestory';
import { loadExampleArticles } from './lib/example-articles';

function printStory(story: StoryCluster, index: number): void {
  const kind = story.articleIds.length > 1 ? `${story.articleIds.length} articles` : 'single article';
  console.log(`\nStory ${index + 1}: ${kind}, languages ${story.languages.join('/')}, cohesion ${story.cohesion.toFixed(2)}`);
  for (const member of story.members) {
    const marker = member.id === story.representativeId ? '*' : ' ';
    const similarity = member.similarityToRepresentative.toFixed(2);
    console.log(`  ${marker} [${member.lang ?? '??'}] ${similarity}  ${member.id}  ${member.title ?? ''}`);
  }
}

async function main(): Promise<void> {
  const articles = loadExampleArticles();

  // No options: the built-in multilingual lexical embedder and its calibrated threshold.
  const detector = await StoryDetector.create();
  await detector.add(articles);

  const stories = detector.clusters();
  console.log(`${articles.length} articles in ${stories.length} stories (threshold ${detector.similarityThreshold.toFixed(3)}; * = representative article)`);
  stories.forEach(printStory);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
