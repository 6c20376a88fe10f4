// A fresh, empty database per test file on the server the global setup provides. Fails
// (never skips) when there is none, saying how to get one.

import pg from 'pg';

export function testServerUrl(): string {
  const url = process.env.SAMESTORY_TEST_DATABASE_URL;
  if (url) return url;
  const why = process.env.SAMESTORY_TEST_DATABASE_MISSING ?? 'SAMESTORY_TEST_DATABASE_URL is not set';
  throw new Error(
    `the Postgres store tests need a PostgreSQL 15 server with pgvector: ${why}. Run the tests through .ci/run (it installs and starts one), ` +
      `install PostgreSQL 15 + pgvector with \`sudo .ci/postgres.sh install\` (then \`npm test\` starts a throwaway cluster itself), ` +
      `or set SAMESTORY_TEST_DATABASE_URL=postgres://user@host:port/db to a server where the user may CREATE DATABASE.`,
  );
}

let counter = 0;

/** Creates an empty database and returns its connection string. */
export async function freshDatabase(): Promise<string> {
  const server = new URL(testServerUrl());
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
