// vitest global setup: gives the Postgres tests a server. CI (.ci/run) starts one and sets
// SAMESTORY_TEST_DATABASE_URL; on a dev machine with PostgreSQL 15 and pgvector installed
// (`sudo .ci/postgres.sh install`), this starts a throwaway cluster under /tmp for the run
// and stops it afterwards. Without either, the Postgres tests fail saying so (see
// postgres-test-database.ts); the other tests run as usual.

import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, rmSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';

const PG_BIN = '/usr/lib/postgresql/15/bin';
const VECTOR_CONTROL = '/usr/share/postgresql/15/extension/vector.control';

export async function setup(): Promise<(() => void) | undefined> {
  if (process.env.SAMESTORY_TEST_DATABASE_URL) return undefined;
  if (!existsSync(path.join(PG_BIN, 'initdb')) || !existsSync(VECTOR_CONTROL)) {
    process.env.SAMESTORY_TEST_DATABASE_MISSING = `no PostgreSQL 15 with pgvector found (${PG_BIN}, ${VECTOR_CONTROL})`;
    return undefined;
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), 'samestory-pg-'));
  const asPostgres = process.getuid?.() === 0;
  const run = (command: string, args: string[]) => {
    const [file, argv] = asPostgres ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];
    execFileSync(file, argv, { stdio: 'pipe' });
  };
  try {
    mkdirSync(path.join(dir, 'socket'));
    if (asPostgres) {
      const ids = execFileSync('id', ['-u', 'postgres']).toString().trim();
      const gid = execFileSync('id', ['-g', 'postgres']).toString().trim();
      for (const p of [dir, path.join(dir, 'socket')]) chownSync(p, Number(ids), Number(gid));
    }
    const port = await freePort();
    run(path.join(PG_BIN, 'initdb'), ['-D', path.join(dir, 'data'), '-U', 'postgres', '--auth=trust']);
    run(path.join(PG_BIN, 'pg_ctl'), [
      '-D', path.join(dir, 'data'), '-l', path.join(dir, 'log'), '-w',
      '-o', `-p ${port} -k ${path.join(dir, 'socket')} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`,
      'start',
    ]);
    process.env.SAMESTORY_TEST_DATABASE_URL = `postgres://postgres@127.0.0.1:${port}/postgres`;
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    process.env.SAMESTORY_TEST_DATABASE_MISSING = `starting a throwaway PostgreSQL cluster failed: ${(error as Error).message}`;
    return undefined;
  }
  return () => {
    const argv = ['-D', path.join(dir, 'data'), '-m', 'immediate', '-w', 'stop'];
    if (asPostgres) spawnSync('runuser', ['-u', 'postgres', '--', path.join(PG_BIN, 'pg_ctl'), ...argv], { stdio: 'ignore' });
    else spawnSync(path.join(PG_BIN, 'pg_ctl'), argv, { stdio: 'ignore' });
    rmSync(dir, { recursive: true, force: true });
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}
