import { sqliteFactory } from '../helpers/stores.js';
import { leasesContract } from './leases.contract.js';
import { postQueueContract } from './post-queue.contract.js';
import { remindersContract } from './reminders.contract.js';
import { storeContract } from './store.contract.js';

// The same contracts on PostgreSQL: stores-postgres.integration.test.ts (it needs the server).
storeContract(sqliteFactory);
remindersContract(sqliteFactory);
leasesContract(sqliteFactory);
postQueueContract(sqliteFactory);
