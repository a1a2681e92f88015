/** The configured incident store (DATABASE_URL), for the CLI, the MCP server and the Slack app. */
import { openStore, parseDatabaseUrl } from '../adapters/store/open-store.js';
import type { LocalConfig } from '../config.js';
import type { Clock, Store } from '../core/ports.js';

export function openConfiguredStore(config: Pick<LocalConfig, 'databaseUrl'>, clock?: Clock): Promise<Store> {
  return openStore(parseDatabaseUrl(config.databaseUrl), clock ? { clock } : {});
}

/** Opens the store for one piece of work and closes it afterwards. */
export async function withConfiguredStore<T>(
  config: Pick<LocalConfig, 'databaseUrl'>,
  fn: (store: Store) => Promise<T>,
): Promise<T> {
  const store = await openConfiguredStore(config);
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}
