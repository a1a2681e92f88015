import { describe } from 'vitest';
import { postgresFactory, postgresReachable, sqliteFactory } from '../helpers/stores.js';
import { storeContract } from './store.contract.js';

storeContract(sqliteFactory);

const unreachable = await postgresReachable();
if (unreachable) console.log(unreachable);
describe.skipIf(unreachable !== undefined)('PostgreSQL', () => {
  storeContract(postgresFactory);
});
