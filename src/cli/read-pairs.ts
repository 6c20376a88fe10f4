// Reads labelled article pairs for `samestory calibrate`: JSONL in the SemEval-2022 Task 8
// layout (lang1, title1, text1, lang2, title2, text2, score_overall on 1–4 with 1 = same),
// or with an explicit boolean `same_story`.

import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Article } from '../article.js';
import { InputError } from '../errors.js';

export interface LabelledPair {
  a: Article;
  b: Article;
  sameStory: boolean;
}

/** SemEval's annotators marked pairs with an overall score of 2 or better as the same story. */
const SAME_STORY_MAX_SCORE = 2;

export async function readLabelledPairs(path: string): Promise<{ pairs: LabelledPair[]; skipped: number }> {
  const pairs: LabelledPair[] = [];
  let skipped = 0;
  let lineNumber = 0;
  const stream = createReadStream(path, { encoding: 'utf8' });
  stream.on('error', () => undefined);
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  try {
    for await (const line of lines) {
      lineNumber++;
      if (line.trim() === '') continue;
      let record: Record<string, unknown>;
      try {
        record = JSON.parse(line) as Record<string, unknown>;
      } catch (error) {
        throw new InputError(path, `line ${lineNumber} is not valid JSON`, { cause: error });
      }
      const side = (n: 1 | 2): Article | undefined => {
        const title = typeof record[`title${n}`] === 'string' ? (record[`title${n}`] as string) : undefined;
        const text = typeof record[`text${n}`] === 'string' ? (record[`text${n}`] as string) : '';
        if (!title && text.trim() === '') return undefined;
        const article: Article = { id: `${lineNumber}:${n}`, text };
        if (title) article.title = title;
        if (typeof record[`lang${n}`] === 'string') article.lang = record[`lang${n}`] as string;
        return article;
      };
      const a = side(1);
      const b = side(2);
      let sameStory: boolean | undefined;
      if (typeof record.same_story === 'boolean') sameStory = record.same_story;
      else if (typeof record.score_overall === 'number') sameStory = record.score_overall <= SAME_STORY_MAX_SCORE;
      if (!a || !b || sameStory === undefined || record.missing_text === true) {
        skipped++;
        continue;
      }
      pairs.push({ a, b, sameStory });
    }
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError(path, 'cannot be read', { cause: error });
  }
  return { pairs, skipped };
}
