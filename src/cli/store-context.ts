/** Opens the configured store for one command and closes it afterwards. */
import { withConfiguredStore } from '../composition/store.js';
import type { Store } from '../core/ports.js';
import type { CliIo } from './io.js';

export function withStore<T>(io: CliIo, fn: (store: Store) => Promise<T>): Promise<T> {
  return withConfiguredStore(io.settings.local(), fn);
}
