// The feed conformance suite on the in-process StoryDetector.

import { StoryDetector } from '../../src/detector.js';
import { feedConformance } from './feed-conformance.js';

feedConformance('StoryDetector (in process)', async (options) => {
  const detector = await StoryDetector.create(options);
  return {
    add: (articles) => detector.add(articles),
    clusters: async (o) => detector.clusters(o),
    story: async (id) => detector.story(id),
    storyOfArticle: async (id) => detector.storyOfArticle(id),
    match: (article) => detector.match(article),
    size: async () => detector.size,
    close: async () => undefined,
  };
});
