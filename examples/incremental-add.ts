// Stories grow as articles arrive: add a first batch, ask which story a new article belongs
// to before adding it (match), then feed the rest from an AsyncIterable, as from a news feed.
// Every add() says what it did to the stories (created / updated / merged), story ids stay
// the same as stories grow, and recluster() tries another threshold without re-embedding.
//
//   npx tsx examples/incremental-add.ts        (or: npx ts-node examples/incremental-add.ts)

import { StoryDetector, type Progress, type StoryChange } from 'samestory';
import { loadExampleArticles, streamExampleArticles } from './lib/example-articles';

function printStories(detector: StoryDetector, heading: string): void {
  const stories = detector.clusters();
  console.log(`\n${heading}: ${detector.size} articles, ${stories.length} stories`);
  for (const story of stories) {
    console.log(`  ${story.languages.join('/').padEnd(12)} ${story.articleIds.join(', ')}`);
  }
}

function printChanges(changes: StoryChange[]): void {
  for (const change of changes) {
    if (change.type === 'created') console.log(`  created ${change.storyId}: ${change.articleIds.join(', ')}`);
    if (change.type === 'updated') {
      const moves = [...change.addedArticleIds.map((id) => `+${id}`), ...change.removedArticleIds.map((id) => `-${id}`)];
      console.log(`  updated ${change.storyId}: ${moves.join(', ')}`);
    }
    if (change.type === 'merged') console.log(`  merged  ${change.mergedStoryId} into ${change.storyId}`);
    if (change.type === 'archived') console.log(`  archived ${change.storyId}`);
  }
}

async function main(): Promise<void> {
  const all = loadExampleArticles();
  // The first report of each multilingual story arrives first, plus one unrelated article.
  const firstIds = ['01-pl-powodz-odra.txt', '05-en-meridian-launch.txt', '08-en-ecb-rate-cut.txt', '15-en-roman-coins.txt'];
  const firstBatch = all.filter((article) => firstIds.includes(article.id));

  // batchSize: articles embedded per call; small here only so the stream below reports often.
  const detector = await StoryDetector.create({ batchSize: 4 });
  const { added, changes } = await detector.add(firstBatch);
  console.log(`Batch 1 added ${added.length} articles`);
  printChanges(changes);
  printStories(detector, 'After batch 1');

  // A German report of the flood comes in. match() compares it with the stories without adding it.
  const newcomer = all.find((article) => article.id === '02-de-hochwasser-oder.txt')!;
  console.log(`\nmatch() for '${newcomer.title}' (not added):`);
  for (const match of await detector.match(newcomer, { limit: 3, explain: false })) {
    const verdict = match.sameStory ? 'same story' : 'different story';
    console.log(`  ${match.similarity.toFixed(3)}  ${verdict.padEnd(15)} closest: ${match.closestArticleId}`);
  }

  // Everything else arrives one article at a time. add() takes any AsyncIterable and embeds it
  // in batches of `batchSize` (set to 4 above to show the growth); after each batch onProgress
  // reports how far it got (total is 0: a stream's length is not known in advance).
  const restIds = all.map((article) => article.id).filter((id) => !firstIds.includes(id));
  console.log('\nBatch 2 streams in:');
  const streamed = await detector.add(streamExampleArticles(restIds), {
    onProgress: (progress: Progress) => {
      console.log(`  ${progress.done} streamed articles embedded → ${detector.clusters().length} stories`);
    },
  });
  printChanges(streamed.changes);
  printStories(detector, 'After batch 2');

  // A stricter threshold, from the stored vectors and neighbour graph: nothing is re-embedded.
  const stricter = await detector.recluster({ similarityThreshold: 0.4 });
  console.log(`
recluster() at 0.4: ${stricter.length} changes`);
  printChanges(stricter);
  printStories(detector, 'At threshold 0.4');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
