// The SQL of a shared feed: acknowledging articles (pending rows), reading what was decided
// after a cursor, and writing one decision. Each function runs inside a transaction the
// caller opened; none commits.

import type { PoolClient } from 'pg';
import type { NormalizedArticle } from '../../article.js';
import type { StoryChange } from '../../cluster/live-stories.js';
import { storyIdFor, type StoryCluster } from '../../cluster/story-cluster.js';
import type { ReplicaUpdate } from '../../detector.js';
import { DuplicateIdError } from '../../errors.js';
import { isSparseVector, type EmbeddingVector } from '../../vectors/sparse-vector.js';
import { denseFromText, sparseFromText, vectorToText } from './vector-text.js';

/** UTC day (YYYY-MM-DD) a row is filed under: its publication day, else the day it arrived. */
export function dayOf(article: NormalizedArticle, now: number): string {
  return new Date(article.publishedAt ?? now).toISOString().slice(0, 10);
}

/**
 * Inserts a batch as pending rows (arrival order = input order). Ids already in the feed are
 * left out when `skipDuplicates`, else DuplicateIdError. Returns the ids inserted.
 */
export async function insertPending(
  client: PoolClient,
  feed: string,
  dimension: number,
  rows: ReadonlyArray<{ article: NormalizedArticle; vector: EmbeddingVector; day: string }>,
  skipDuplicates: boolean,
): Promise<Set<string>> {
  const { rows: claimed } = await client.query<{ id: string }>(
    'INSERT INTO samestory_article_ids (feed, id) SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING RETURNING id',
    [feed, rows.map((row) => row.article.id)],
  );
  const inserted = new Set(claimed.map((row) => row.id));
  if (inserted.size < rows.length && !skipDuplicates) throw new DuplicateIdError(rows.find((row) => !inserted.has(row.article.id))!.article.id);
  const kept = rows.filter((row) => inserted.has(row.article.id));
  if (kept.length === 0) return inserted;
  const sparse = kept.length > 0 && isSparseVector(kept[0]!.vector);
  await client.query(
    `INSERT INTO samestory_articles (feed, day, id, article, dimension, ${sparse ? 'sparse_embedding' : 'dense_embedding'})
     SELECT $1, u.day::date, u.id, u.article::jsonb, $2, u.embedding::${sparse ? 'sparsevec' : 'vector'}
     FROM unnest($3::text[], $4::text[], $5::text[], $6::text[]) WITH ORDINALITY AS u(day, id, article, embedding, n)
     ORDER BY u.n`,
    [
      feed,
      dimension,
      kept.map((row) => row.day),
      kept.map((row) => row.article.id),
      kept.map((row) => JSON.stringify(row.article)),
      kept.map((row) => vectorToText(row.vector, dimension)),
    ],
  );
  return inserted;
}

interface ArticleRow {
  id: string;
  article: NormalizedArticle;
  sparse: string | null;
  dense: string | null;
}

const ARTICLE_COLUMNS = 'id, article, sparse_embedding::text AS sparse, dense_embedding::text AS dense';

function vectorOf(row: ArticleRow): EmbeddingVector {
  return row.sparse !== null ? sparseFromText(row.sparse) : denseFromText(row.dense!);
}

/** Every pending row of the feed, in order of arrival. */
export async function readPending(client: PoolClient, feed: string): Promise<{ articles: NormalizedArticle[]; vectors: EmbeddingVector[] }> {
  const { rows } = await client.query<ArticleRow>(`SELECT ${ARTICLE_COLUMNS} FROM samestory_articles WHERE feed = $1 AND decided_seq IS NULL ORDER BY arrival`, [feed]);
  return { articles: rows.map((row) => row.article), vectors: rows.map(vectorOf) };
}

/** The feed's latest decision number. */
export async function latestDecision(client: PoolClient, feed: string): Promise<number> {
  const { rows } = await client.query<{ decision_seq: string }>('SELECT decision_seq FROM samestory_feeds WHERE feed = $1', [feed]);
  return Number(rows[0]?.decision_seq ?? 0);
}

/**
 * What decisions `after + 1 .. upTo` did, as a replica at `after` takes it in. The caller
 * runs this in one snapshot (a REPEATABLE READ transaction, or under the feed's lock).
 */
export async function readDecisions(client: PoolClient, feed: string, after: number, upTo: number): Promise<ReplicaUpdate> {
  const archived = await client.query<{ story: StoryCluster }>(
    'SELECT story FROM samestory_archive WHERE feed = $1 AND archived_seq > $2 AND archived_seq <= $3 ORDER BY archived_seq, story_id',
    [feed, after, upTo],
  );
  // Rows archived after `upTo` are still active as of `upTo`.
  const added = await client.query<ArticleRow & { neighbors: { ids: string[]; similarities: number[] } | null; story_first: string }>(
    `SELECT ${ARTICLE_COLUMNS}, neighbors, story_first FROM samestory_articles
     WHERE feed = $1 AND decided_seq > $2 AND decided_seq <= $3 AND (archived_seq IS NULL OR archived_seq > $3)
     ORDER BY decided_seq, arrival`,
    [feed, after, upTo],
  );
  const moved = await client.query<{ id: string; story_first: string }>(
    `SELECT id, story_first FROM samestory_articles
     WHERE feed = $1 AND story_seq > $2 AND story_seq <= $3 AND decided_seq <= $2 AND (archived_seq IS NULL OR archived_seq > $3)`,
    [feed, after, upTo],
  );
  const storyFirst = new Map<string, string>();
  for (const row of added.rows) storyFirst.set(row.id, row.story_first);
  for (const row of moved.rows) storyFirst.set(row.id, row.story_first);
  return {
    archived: archived.rows.map((row) => row.story),
    added: added.rows.map((row) => ({ article: row.article, vector: vectorOf(row), neighbors: row.neighbors ?? { ids: [], similarities: [] } })),
    storyFirst,
  };
}

/** Takes the next decision number of the feed (under its lock). */
export async function nextDecision(client: PoolClient, feed: string): Promise<number> {
  const { rows } = await client.query<{ decision_seq: string }>('UPDATE samestory_feeds SET decision_seq = decision_seq + 1 WHERE feed = $1 RETURNING decision_seq', [feed]);
  return Number(rows[0]!.decision_seq);
}

export interface DecisionRecord {
  /** The articles decided, with their story's first article and their candidate neighbours. */
  decided: Array<{ id: string; storyFirst: string; neighbors: { ids: string[]; similarities: number[] } }>;
  /** The story changes of the decision (merges move older rows; archived stories leave). */
  changes: readonly StoryChange[];
  /** Description of each archived story, by id. */
  archivedStory(storyId: string): StoryCluster;
}

/** Writes decision `seq`: the decided rows' stories and neighbours, merges and archived stories. */
export async function writeDecision(client: PoolClient, feed: string, seq: number, record: DecisionRecord): Promise<void> {
  const merges = record.changes.flatMap((change) => (change.type === 'merged' ? [change] : []));
  if (merges.length > 0) {
    await client.query(
      `UPDATE samestory_articles a SET story = m.story, story_first = m.first, story_seq = $2
       FROM unnest($3::text[], $4::text[], $5::text[]) AS m(merged, story, first)
       WHERE a.feed = $1 AND a.story = m.merged`,
      [feed, seq, merges.map((m) => m.mergedStoryId), merges.map((m) => m.storyId), merges.map((m) => firstOfStory(record, m.storyId))],
    );
  }
  await client.query(
    `UPDATE samestory_articles a SET decided_seq = $2, story_seq = $2, story = u.story, story_first = u.first, neighbors = u.neighbors
     FROM jsonb_to_recordset($3::jsonb) AS u(id text, story text, first text, neighbors jsonb)
     WHERE a.feed = $1 AND a.id = u.id AND a.decided_seq IS NULL`,
    [feed, seq, JSON.stringify(record.decided.map((d) => ({ id: d.id, story: storyIdFor(d.storyFirst), first: d.storyFirst, neighbors: d.neighbors })))],
  );
  const archived = record.changes.flatMap((change) => (change.type === 'archived' ? [record.archivedStory(change.storyId)] : []));
  if (archived.length > 0) {
    const ids = archived.flatMap((story) => story.articleIds);
    await client.query(
      `INSERT INTO samestory_archive (feed, story_id, story, archived_seq)
       SELECT $1, s->>'id', s, $2 FROM jsonb_array_elements($3::jsonb) AS s`,
      [feed, seq, JSON.stringify(archived)],
    );
    await client.query('UPDATE samestory_articles SET archived_seq = $2 WHERE feed = $1 AND id = ANY($3::text[])', [feed, seq, ids]);
  }
}

// The merged-into story's first article: one of the decided rows names it, or (a merge of
// two old stories through a new article) the new rows of that story do.
function firstOfStory(record: DecisionRecord, storyId: string): string {
  const row = record.decided.find((d) => storyIdFor(d.storyFirst) === storyId);
  if (!row) throw new Error(`internal: merge into ${storyId} without a decided member`);
  return row.storyFirst;
}
