// vitest global setup for the shared-feed tests. CI (.ci/run) starts a server and sets
// SAMESTORY_TEST_DATABASE_URL. Otherwise this hands the test workers a folder under /tmp in
// which the first test that needs PostgreSQL starts a throwaway cluster (see
// postgres-test-database.ts; runs without such tests start nothing), and stops it at the end.

import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stopCluster } from './postgres-cluster.js';

export function setup(): (() => void) | undefined {
  if (process.env.SAMESTORY_TEST_DATABASE_URL) return undefined;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'samestory-pg-'));
  // mkdtemp makes it 0700; the cluster under it runs as `postgres` when the tests run as root,
  // and initdb must be able to reach its data folder.
  chmodSync(dir, 0o755);
  process.env.SAMESTORY_TEST_CLUSTER_DIR = dir;
  return () => {
    stopCluster(path.join(dir, 'cluster'));
    rmSync(dir, { recursive: true, force: true });
  };
}
