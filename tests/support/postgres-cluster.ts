// A throwaway PostgreSQL 15 cluster under a folder in /tmp (initdb + pg_ctl, as the
// `postgres` user when running as root), for the shared-feed tests on a dev machine.

import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';

const PG_BIN = '/usr/lib/postgresql/15/bin';
const VECTOR_CONTROL = '/usr/share/postgresql/15/extension/vector.control';

/** Why no cluster can be started here, or undefined when one can. */
export function clusterUnavailable(): string | undefined {
  if (!existsSync(path.join(PG_BIN, 'initdb'))) return `PostgreSQL 15 is not installed (${PG_BIN})`;
  if (!existsSync(VECTOR_CONTROL)) return `pgvector is not installed (${VECTOR_CONTROL})`;
  return undefined;
}

function runAsOwner(command: string, args: string[]): void {
  if (process.getuid?.() === 0) execFileSync('runuser', ['-u', 'postgres', '--', command, ...args], { stdio: 'pipe' });
  else execFileSync(command, args, { stdio: 'pipe' });
}

/** Starts a cluster with its files under `dir` (which must exist); returns its URL. */
export async function startCluster(dir: string): Promise<string> {
  const socket = path.join(dir, 'socket');
  mkdirSync(socket);
  if (process.getuid?.() === 0) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString());
    for (const p of [dir, socket]) chownSync(p, uid, gid);
  }
  const port = await freePort();
  runAsOwner(path.join(PG_BIN, 'initdb'), ['-D', path.join(dir, 'data'), '-U', 'postgres', '--auth=trust']);
  runAsOwner(path.join(PG_BIN, 'pg_ctl'), [
    '-D', path.join(dir, 'data'), '-l', path.join(dir, 'log'), '-w',
    '-o', `-p ${port} -k ${socket} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`,
    'start',
  ]);
  return `postgres://postgres@127.0.0.1:${port}/postgres`;
}

/** Stops the cluster under `dir`, if one runs there. */
export function stopCluster(dir: string): void {
  if (!existsSync(path.join(dir, 'data', 'postmaster.pid'))) return;
  const argv = [path.join(PG_BIN, 'pg_ctl'), '-D', path.join(dir, 'data'), '-m', 'immediate', '-w', 'stop'];
  if (process.getuid?.() === 0) spawnSync('runuser', ['-u', 'postgres', '--', ...argv], { stdio: 'ignore' });
  else spawnSync(argv[0]!, argv.slice(1), { stdio: 'ignore' });
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
