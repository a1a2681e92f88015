/** Opens the configured store for one command and closes it afterwards. */
import { openStore, parseDatabaseUrl } from '../adapters/store/open-store.js';
import type { IncidentStore } from '../core/ports.js';
import type { CliIo } from './io.js';

export async function withStore<T>(io: CliIo, fn: (store: IncidentStore) => Promise<T>): Promise<T> {
  const store = await openStore(parseDatabaseUrl(io.env.DATABASE_URL));
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}
