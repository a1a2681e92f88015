/** The configured incident store (DATABASE_URL), for the CLI, the MCP server and the Slack app. */
import { openStore, parseDatabaseUrl } from '../adapters/store/open-store.js';
import type { LocalConfig } from '../config.js';
import type { Clock, Store } from '../core/ports.js';

/**
 * For a process that serves many requests at once (the Slack app, the MCP server): SQLite writes
 * share their syncs off the event loop (group commit).
 */
export function openConfiguredStore(config: Pick<LocalConfig, 'databaseUrl'>, clock?: Clock): Promise<Store> {
  return openStore(parseDatabaseUrl(config.databaseUrl), clock ? { clock } : {});
}

/**
 * Opens the store for one piece of work (a CLI command: one writer, one command at a time) and
 * closes it afterwards; each SQLite write syncs in its own commit, the cheaper way for one writer.
 */
export async function withConfiguredStore<T>(
  config: Pick<LocalConfig, 'databaseUrl'>,
  fn: (store: Store) => Promise<T>,
): Promise<T> {
  const store = await openStore(parseDatabaseUrl(config.databaseUrl), { sync: 'commit' });
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}
