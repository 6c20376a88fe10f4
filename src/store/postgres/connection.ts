// Opens the `pg` client on demand: the library's built-in path never loads it, and a
// missing install is a typed error saying what to install.

import type { Pool, PoolConfig } from 'pg';
import { StoreError } from '../../errors.js';

/** The version of `pg` samestory is tested with. */
export const PG_INSTALL_COMMAND = 'npm install pg@8.23.1';

export async function openPool(config: PoolConfig): Promise<Pool> {
  let pg: typeof import('pg');
  try {
    pg = await import('pg');
  } catch (error) {
    throw new StoreError(`a shared feed needs the PostgreSQL client 'pg', an optional peer dependency: run \`${PG_INSTALL_COMMAND}\``, { cause: error });
  }
  // CommonJS module seen from ESM: the classes sit on the default export.
  const PoolClass = (pg as unknown as { default?: typeof pg }).default?.Pool ?? pg.Pool;
  const pool = new PoolClass(config);
  // An idle client losing its server would otherwise crash the process.
  pool.on('error', () => undefined);
  try {
    const client = await pool.connect();
    client.release();
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw new StoreError(`cannot connect to PostgreSQL: ${(error as Error).message}`, { cause: error });
  }
  return pool;
}
