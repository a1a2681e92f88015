/**
 * The scripted walks' opening: the shipped full-collection runbook opened for checkout-api by
 * an alert, in a fresh SQLite store on a fake clock (growth-walk.ts, outage-walk.ts).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../../src/adapters/store/sqlite-store.js';
import { IncidentService } from '../../src/core/incident/service.js';
import { ALICE } from './card-walk.js';
import { FakeClock, shippedRunbook } from './engine.js';
import { RUNBOOKS_DIR } from './runbooks.js';

export const FULL_COLLECTION_RUNBOOK = 'gc-full-collection-latency';

export async function openFullCollectionIncident(prefix: string, startIso: string) {
  const store = new SqliteStore(join(mkdtempSync(join(tmpdir(), `gc-incident-${prefix}-`)), 'gc.db'));
  await store.migrate();
  const clock = new FakeClock(Date.parse(startIso));
  const service = new IncidentService(store, clock);
  const runbook = shippedRunbook(FULL_COLLECTION_RUNBOOK);
  const entry = { runbook, file: join(RUNBOOKS_DIR, `${FULL_COLLECTION_RUNBOOK}.yaml`) };
  const { incident } = await service.open({
    runbook,
    runbookVersion: 'sha256:9a1e77c0',
    service: 'checkout-api',
    inputs: { job: 'checkout' },
    commander: ALICE,
    trigger: 'alert PythonFullCollectionPauses',
  });
  return { store, clock, service, runbook, entry, incident };
}
