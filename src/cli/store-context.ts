/** Opens the configured store for one command and closes it afterwards. */
import { openStore, parseDatabaseUrl } from '../adapters/store/open-store.js';
import { readFiles } from '../config.js';
import type { Store } from '../core/ports.js';
import type { CliIo } from './io.js';

export async function withStore<T>(io: CliIo, fn: (store: Store) => Promise<T>): Promise<T> {
  const store = await openStore(parseDatabaseUrl(readFiles(io.env).databaseUrl));
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}
