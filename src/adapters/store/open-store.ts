/**
 * DATABASE_URL selects the store: unset is a SQLite file at
 * ./data/gc-incident.db, `sqlite:PATH` a SQLite file at PATH,
 * `postgres://…` (or `postgresql://…`) PostgreSQL. Migrations run on open.
 */
import { GcIncidentError } from '../../core/errors.js';
import type { Clock, Store } from '../../core/ports.js';
import type { SqliteSync } from './sqlite-group-commit.js';

export const DEFAULT_SQLITE_PATH = './data/gc-incident.db';

export type StoreTarget = { kind: 'sqlite'; path: string } | { kind: 'postgres'; url: string };

export function parseDatabaseUrl(value: string | undefined): StoreTarget {
  const url = value?.trim();
  if (!url) return { kind: 'sqlite', path: DEFAULT_SQLITE_PATH };
  if (url.startsWith('sqlite:')) {
    const path = url.slice('sqlite:'.length).replace(/^\/\//, '');
    if (path === '')
      throw new GcIncidentError(
        'CONFIG_INVALID',
        'DATABASE_URL=sqlite: needs a path, such as sqlite:./data/gc.db',
        {
          variable: 'DATABASE_URL',
        },
      );
    return { kind: 'sqlite', path };
  }
  if (/^postgres(ql)?:\/\//.test(url)) return { kind: 'postgres', url };
  throw new GcIncidentError(
    'CONFIG_INVALID',
    'DATABASE_URL must be sqlite:PATH or postgres://user@host:port/database (unset: a SQLite file at ./data/gc-incident.db)',
    { variable: 'DATABASE_URL' },
  );
}

/** `sync`: where a SQLite write syncs (SqliteStore; default `group`); PostgreSQL ignores it. */
export async function openStore(
  target: StoreTarget,
  options: { schema?: string; clock?: Clock | undefined; sync?: SqliteSync } = {},
): Promise<Store> {
  // Each driver is loaded only when configured: a SQLite deployment never needs pg, and the reverse.
  const store =
    target.kind === 'sqlite'
      ? new (await import('./sqlite-store.js')).SqliteStore(target.path, {
          clock: options.clock,
          sync: options.sync,
        })
      : new (await import('./postgres-store.js')).PostgresStore({
          connectionString: target.url,
          schema: options.schema,
        });
  await store.migrate();
  return store;
}
