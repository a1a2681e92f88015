/**
 * Stores for tests: a fresh SQLite file, and a fresh schema in the PostgreSQL
 * server on this machine (TEST_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { PostgresStore } from '../../src/adapters/store/postgres-store.js';
import { SqliteStore } from '../../src/adapters/store/sqlite-store.js';
import type { Store } from '../../src/core/ports.js';

export const PG_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export async function postgresReachable(): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return undefined;
  } catch (error) {
    return `PostgreSQL at ${PG_URL} is not reachable (${(error as Error).message}): PostgreSQL store tests are skipped`;
  } finally {
    await client.end().catch(() => {});
  }
}

export function freshSchema(): string {
  return `gcinc_test_${randomBytes(5).toString('hex')}`;
}

export async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await client.end();
}

export interface StoreFactory {
  readonly name: string;
  create(): Promise<{ store: Store; cleanup: () => Promise<void>; url: string; schema?: string }>;
}

export const sqliteFactory: StoreFactory = {
  name: 'SQLite',
  async create() {
    const path = join(mkdtempSync(join(tmpdir(), 'gc-incident-store-')), 'gc.db');
    const store = new SqliteStore(path);
    await store.migrate();
    return { store, url: `sqlite:${path}`, cleanup: () => store.close() };
  },
};

export const postgresFactory: StoreFactory = {
  name: 'PostgreSQL',
  async create() {
    const schema = freshSchema();
    const store = new PostgresStore({ connectionString: PG_URL, schema, max: 8 });
    await store.migrate();
    return {
      store,
      url: PG_URL,
      schema,
      cleanup: async () => {
        await store.close();
        await dropSchema(schema);
      },
    };
  },
};
