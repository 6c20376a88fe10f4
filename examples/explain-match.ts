// Why does samestory put two articles in one story? explain() compares two added articles,
// match() compares a new article with the stories; both return the same kind of explanation:
// similarity, languages, time gap, shared features (names, numbers, concepts) and the best
// pair of sentences.
//
//   npx tsx examples/explain-match.ts        (or: npx ts-node examples/explain-match.ts)

import { StoryDetector, type MatchExplanation } from 'samestory';
import { loadExampleArticles } from './lib/example-articles';

function printExplanation(explanation: MatchExplanation): void {
  const [langA, langB] = explanation.languages;
  console.log(`  similarity ${explanation.similarity.toFixed(3)}, languages ${langA ?? '?'} → ${langB ?? '?'}`);
  if (explanation.timeGapHours !== undefined) {
    console.log(`  published ${explanation.timeGapHours.toFixed(1)} hours apart`);
  }
  const features = explanation.sharedFeatures.slice(0, 8);
  console.log(`  shared features: ${features.map((f) => `${f.label} (${f.kind}, ${(100 * f.contribution).toFixed(0)}%)`).join('; ') || 'none'}`);
  const pair = explanation.bestSentencePair;
  if (pair) {
    console.log(`  best sentence pair (${pair.similarity.toFixed(3)}):`);
    console.log(`    A: ${pair.a}`);
    console.log(`    B: ${pair.b}`);
  }
}

async function main(): Promise<void> {
  const detector = await StoryDetector.create();
  // With publication times, explanations also report the time gap.
  await detector.add(loadExampleArticles({ withDates: true }));

  console.log('Same story, Polish and German report of the Oder flood:');
  printExplanation(await detector.explain('01-pl-powodz-odra.txt', '02-de-hochwasser-oder.txt'));

  console.log('\nSame topic, different event (a flood drill two weeks earlier):');
  printExplanation(await detector.explain('01-pl-powodz-odra.txt', '04-pl-cwiczenia-odra.txt'));

  // A new article, written for this example: a short Spanish report of the satellite launch.
  const spanish = {
    id: 'new-es-meridian',
    lang: 'es',
    publishedAt: '2026-10-09T10:00:00+02:00',
    title: 'Europa lanza el satélite climático Meridian-3 desde Kourou',
    text:
      'Un cohete Vega-C puso en órbita el viernes 9 de octubre el satélite europeo Meridian-3 desde Kourou, en la Guayana Francesa. ' +
      'El satélite, de 1.150 kilos, se separó 57 minutos después del despegue y la estación de Kiruna, en Suecia, recibió su primera señal. ' +
      'Medirá la humedad del suelo y el hielo marino durante al menos siete años desde una órbita de 640 kilómetros. ' +
      'La misión cuesta 410 millones de euros.',
  };
  const [best] = await detector.match(spanish, { limit: 3 });
  if (!best) throw new Error('match() found no story');
  console.log(`\nmatch() for a new Spanish article: best story ${best.story.articleIds.join(', ')}`);
  console.log(`  average similarity to the story ${best.similarity.toFixed(3)} → ${best.sameStory ? 'same story' : 'not the same story'}`);
  // The second stage's probability of the same story (it orders the matches; see MatchOptions.rerank).
  if (best.score !== undefined) console.log(`  second-stage score ${best.score.toFixed(3)}`);
  console.log(`  compared in detail with its closest member, ${best.closestArticleId}:`);
  if (best.explanation) printExplanation(best.explanation);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
