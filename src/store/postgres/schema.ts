// The shared feed's tables and their versioned migrations. Every process runs `migrate` on
// connect; one at a time (an advisory lock), each migration once (the samestory_schema
// table lists those applied). A database migrated by a newer samestory is refused with
// SchemaVersionError rather than written in a shape this version does not know.

import type { PoolClient } from 'pg';
import { SchemaVersionError, StoreError } from '../../errors.js';

/** Advisory-lock class of samestory's locks (the second key says which one). */
export const LOCK_CLASS = 0x5a5e;
/** Second key of the lock held while migrating or creating partitions. */
export const SCHEMA_LOCK = 0;

/**
 * Articles are partitioned by publication day (undated ones by their day of arrival): once
 * every story of a day has left the active window its partition is detached and dropped
 * whole, instead of deleting rows one by one from an HNSW graph. A row is *pending* until a
 * decision gives it a story (`decided_seq`); `story_seq` says which decision last changed its
 * story, `archived_seq` which one moved its story to the archive. Readers catch up by asking
 * for rows whose sequence numbers are above the last one they applied.
 */
const MIGRATIONS: ReadonlyArray<{ version: number; sql: string }> = [
  {
    version: 1,
    sql: `
      CREATE EXTENSION IF NOT EXISTS vector;
      CREATE TABLE samestory_feeds (
        feed text PRIMARY KEY,
        embedder_id text NOT NULL,
        dimension integer NOT NULL,
        vector_kind text NOT NULL,
        decision_seq bigint NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE SEQUENCE samestory_arrival_seq;
      CREATE TABLE samestory_articles (
        feed text NOT NULL,
        day date NOT NULL,
        arrival bigint NOT NULL DEFAULT nextval('samestory_arrival_seq'),
        id text NOT NULL,
        article jsonb NOT NULL,
        dimension integer NOT NULL,
        sparse_embedding sparsevec,
        dense_embedding vector,
        neighbors jsonb,
        decided_seq bigint,
        story text,
        story_first text,
        story_seq bigint,
        archived_seq bigint,
        PRIMARY KEY (feed, day, arrival)
      ) PARTITION BY RANGE (day);
      CREATE INDEX samestory_articles_pending ON samestory_articles (feed, arrival) WHERE decided_seq IS NULL;
      CREATE INDEX samestory_articles_decided ON samestory_articles (feed, decided_seq);
      CREATE INDEX samestory_articles_story_seq ON samestory_articles (feed, story_seq);
      CREATE INDEX samestory_articles_story ON samestory_articles (feed, story);
      CREATE INDEX samestory_articles_id ON samestory_articles (feed, id);
      -- One row per article id of a feed: the partitioned table cannot hold a unique
      -- constraint without the day, and an id must be unique across days.
      CREATE TABLE samestory_article_ids (
        feed text NOT NULL,
        id text NOT NULL,
        PRIMARY KEY (feed, id)
      );
      CREATE TABLE samestory_archive (
        feed text NOT NULL,
        story_id text NOT NULL,
        story jsonb NOT NULL,
        archived_seq bigint NOT NULL,
        PRIMARY KEY (feed, story_id)
      );
      CREATE INDEX samestory_archive_seq ON samestory_archive (feed, archived_seq);
    `,
  },
];

/** The newest schema version this library writes. */
export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

/** Brings the database's samestory tables to SCHEMA_VERSION; returns the version found before. */
export async function migrate(client: PoolClient): Promise<number> {
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock($1, $2)', [LOCK_CLASS, SCHEMA_LOCK]);
    await client.query('CREATE TABLE IF NOT EXISTS samestory_schema (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())');
    const { rows } = await client.query<{ version: number | null }>('SELECT max(version) AS version FROM samestory_schema');
    const found = rows[0]?.version ?? 0;
    if (found > SCHEMA_VERSION) throw new SchemaVersionError(found, SCHEMA_VERSION);
    for (const migration of MIGRATIONS) {
      if (migration.version <= found) continue;
      await client.query(migration.sql);
      await client.query('INSERT INTO samestory_schema (version) VALUES ($1)', [migration.version]);
    }
    await client.query('COMMIT');
    return found;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    if (error instanceof SchemaVersionError) throw error;
    const message = (error as Error).message;
    if (/extension "vector"/.test(message)) {
      throw new StoreError(`pgvector is not installed on the server (${message}): install it (see .ci/postgres.sh) or ask the database's owner to run CREATE EXTENSION vector`, { cause: error });
    }
    throw new StoreError(`could not migrate the samestory schema: ${message}`, { cause: error });
  }
}

/** Name of the partition holding `day` (YYYY-MM-DD). */
export function partitionName(day: string): string {
  return `samestory_articles_p${day.replace(/-/g, '')}`;
}

/**
 * Creates the daily partitions `days` need (YYYY-MM-DD) inside the caller's transaction, under
 * the schema lock so that two processes creating the same day do not collide, and in the
 * same transaction as the rows that need them, so that a partition being dropped cannot take
 * them along. `known` remembers days already there.
 */
export async function ensurePartitions(client: PoolClient, days: Iterable<string>, known: Set<string>): Promise<void> {
  const missing = [...new Set(days)].filter((day) => !known.has(day));
  if (missing.length === 0) return;
  await client.query('SELECT pg_advisory_xact_lock($1, $2)', [LOCK_CLASS, SCHEMA_LOCK]);
  for (const day of missing) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) throw new StoreError(`not a day: ${day}`);
    const next = new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    await client.query(`CREATE TABLE IF NOT EXISTS ${partitionName(day)} PARTITION OF samestory_articles FOR VALUES FROM ('${day}') TO ('${next}')`);
  }
  for (const day of missing) known.add(day);
}

/**
 * Drops the daily partitions whose every row has been archived (in every feed): leaving the
 * active window costs a DROP TABLE, not row deletions in an HNSW graph. The archived stories
 * stay in samestory_archive. Takes the table's exclusive lock for a moment (giving up after
 * `lockTimeoutMs` rather than holding up writers); returns the partitions dropped.
 */
export async function dropArchivedPartitions(client: PoolClient, lockTimeoutMs = 1000): Promise<string[]> {
  const { rows } = await client.query<{ partition: string }>(
    `SELECT c.relname AS partition FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
     WHERE i.inhparent = 'samestory_articles'::regclass ORDER BY 1`,
  );
  const archivedOnly = async (partition: string) => {
    const { rows: state } = await client.query<{ filled: boolean; live: boolean }>(
      `SELECT EXISTS (SELECT 1 FROM ${partition}) AS filled, EXISTS (SELECT 1 FROM ${partition} WHERE archived_seq IS NULL) AS live`,
    );
    return state[0]!.filled && !state[0]!.live;
  };
  const dropped: string[] = [];
  for (const { partition } of rows) {
    if (!(await archivedOnly(partition))) continue;
    await client.query('BEGIN');
    try {
      await client.query(`SET LOCAL lock_timeout = ${Math.max(1, Math.floor(lockTimeoutMs))}`);
      // The parent first, as writers lock it: no insert can reach the partition meanwhile.
      await client.query('LOCK TABLE samestory_articles IN ACCESS EXCLUSIVE MODE');
      if (await archivedOnly(partition)) {
        await client.query(`DROP TABLE ${partition}`);
        dropped.push(partition);
      }
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      // 55P03: lock_timeout. Busy now; a later decision tries again.
      if ((error as { code?: string }).code === '55P03') break;
      throw error;
    }
  }
  return dropped;
}
