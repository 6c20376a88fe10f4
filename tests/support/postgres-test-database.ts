// A fresh, empty database per test on the PostgreSQL server of the run: the one CI gives in
// SAMESTORY_TEST_DATABASE_URL, or a throwaway cluster the first caller starts (under the
// folder the global setup made; later callers, in any worker, wait for it and reuse it).
// Fails (never skips) when there is none, saying how to get one.

import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { clusterUnavailable, startCluster } from './postgres-cluster.js';

function missing(why: string): Error {
  return new Error(
    `the Postgres store tests need a PostgreSQL 15 server with pgvector: ${why}. Run the tests through .ci/run (it installs and starts one), ` +
      `install PostgreSQL 15 + pgvector with \`sudo .ci/postgres.sh install\` (then \`npm test\` starts a throwaway cluster itself), ` +
      `or set SAMESTORY_TEST_DATABASE_URL=postgres://user@host:port/db to a server where the user may CREATE DATABASE.`,
  );
}

async function serverUrl(): Promise<string> {
  const given = process.env.SAMESTORY_TEST_DATABASE_URL;
  if (given) return given;
  const dir = process.env.SAMESTORY_TEST_CLUSTER_DIR;
  if (!dir) throw missing('SAMESTORY_TEST_DATABASE_URL is not set and vitest did not run the global setup');
  const urlFile = path.join(dir, 'url');
  const lock = path.join(dir, 'lock');
  const failedFile = path.join(dir, 'failed');
  for (;;) {
    if (existsSync(urlFile)) return readFileSync(urlFile, 'utf8');
    if (existsSync(failedFile)) throw missing(readFileSync(failedFile, 'utf8'));
    try {
      mkdirSync(lock);
    } catch {
      // Another worker is starting the cluster.
      await new Promise((resolve) => setTimeout(resolve, 100));
      continue;
    }
    try {
      if (existsSync(urlFile)) continue;
      let url: string;
      try {
        const why = clusterUnavailable();
        if (why) throw new Error(why);
        const clusterDir = path.join(dir, 'cluster');
        mkdirSync(clusterDir);
        url = await startCluster(clusterDir);
      } catch (error) {
        const why = `no throwaway cluster: ${(error as Error).message}`;
        // The other workers fail with the same reason instead of trying again.
        writeFileSync(failedFile, why);
        throw missing(why);
      }
      writeFileSync(urlFile, url);
      return url;
    } finally {
      rmdirSync(lock);
    }
  }
}

let counter = 0;

/** Creates an empty database and returns its connection string. */
export async function freshDatabase(): Promise<string> {
  const server = new URL(await serverUrl());
  const name = `samestory_test_${process.pid}_${Date.now().toString(36)}_${counter++}`;
  const admin = new pg.Client({ connectionString: server.toString() });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  server.pathname = `/${name}`;
  return server.toString();
}
