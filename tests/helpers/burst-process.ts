/**
 * A separate process that sends a burst of commands to one incident and prints
 * `ack <n>` after each one the engine acknowledged. Used by the durability and
 * multi-process tests, which kill it or run two side by side.
 *
 *   node --import tsx tests/helpers/burst-process.ts URL SCHEMA|- INCIDENT TAG FROM COUNT [STEP...]
 */
import { writeSync } from 'node:fs';
import { jitteredBackoff } from '../../src/adapters/backoff.js';
import { openStore, parseDatabaseUrl } from '../../src/adapters/store/open-store.js';
import { isGcIncidentError } from '../../src/core/errors.js';
import { IncidentService } from '../../src/core/incident/service.js';

const [url = '', schema = '-', incidentId = '', tag = 'p', fromText = '0', countText = '0', ...steps] =
  process.argv.slice(2);
const store = await openStore(parseDatabaseUrl(url), schema === '-' ? {} : { schema });
const service = new IncidentService(store, { now: () => new Date() }, { retryDelay: jitteredBackoff() });
const from = Number(fromText);
const count = Number(countText);
for (let i = from; i < from + count; i++) {
  await service.execute(incidentId, {
    type: 'add-note',
    text: `${tag} note ${i}`,
    actor: `cli:${tag}`,
    idempotencyKey: `${tag}-${i}`,
  });
  writeSync(1, `ack ${i}\n`);
  // Race the other process for the same steps now and then.
  const step = steps[i % 97];
  if (step !== undefined && i % 7 === 0) {
    try {
      await service.execute(incidentId, { type: 'complete-step', stepId: step, actor: `cli:${tag}` });
      writeSync(1, `done ${step}\n`);
    } catch (error) {
      if (!isGcIncidentError(error) || error.code !== 'ILLEGAL_TRANSITION') throw error;
    }
  }
}
await store.close();
