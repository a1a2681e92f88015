/**
 * Setup file of both tiers: worker threads started from the sources load this run's bundles
 * (tests/tiers/bundles.ts, made by tests/tiers/global-setup.ts) instead of registering tsx in
 * every worker. Without the folder (a test file run by other means) they load the sources
 * through tsx, as before.
 */
import { setEnvironmentData } from 'node:worker_threads';
import { WORKER_BUNDLES_KEY } from '../../src/adapters/workers/start-worker.js';
import { BUNDLES_VARIABLE } from './bundles.js';

const dir = process.env[BUNDLES_VARIABLE];
if (dir) setEnvironmentData(WORKER_BUNDLES_KEY, dir);
