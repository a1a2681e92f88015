import { describe } from 'vitest';
import { postgresFactory, postgresReachable } from '../helpers/stores.js';
import { leasesContract } from './leases.contract.js';
import { postQueueContract } from './post-queue.contract.js';
import { remindersContract } from './reminders.contract.js';
import { storeContract } from './store.contract.js';

// The contracts of stores.test.ts (SQLite, fast tier) on the PostgreSQL server.
const unreachable = await postgresReachable();
if (unreachable) console.log(unreachable);
describe.skipIf(unreachable !== undefined)('PostgreSQL', () => {
  storeContract(postgresFactory);
  remindersContract(postgresFactory);
  leasesContract(postgresFactory);
  postQueueContract(postgresFactory);
});
