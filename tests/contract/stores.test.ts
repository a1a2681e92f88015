import { describe } from 'vitest';
import { postgresFactory, postgresReachable, sqliteFactory } from '../helpers/stores.js';
import { leasesContract } from './leases.contract.js';
import { remindersContract } from './reminders.contract.js';
import { storeContract } from './store.contract.js';

storeContract(sqliteFactory);
remindersContract(sqliteFactory);
leasesContract(sqliteFactory);

const unreachable = await postgresReachable();
if (unreachable) console.log(unreachable);
describe.skipIf(unreachable !== undefined)('PostgreSQL', () => {
  storeContract(postgresFactory);
  remindersContract(postgresFactory);
  leasesContract(postgresFactory);
});
