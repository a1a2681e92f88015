import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadBundledSchemas } from '../../src/adapters/fs/package-files.js';
import { IncidentService } from '../../src/core/incident/service.js';
import type { Clock, IncidentStore } from '../../src/core/ports.js';
import type { Runbook } from '../../src/core/runbook/types.js';
import { validateRunbookBytes } from '../../src/core/runbook/validate.js';
import { createSchemaValidator } from '../../src/core/schema-validator.js';
import { REPO } from './runbooks.js';

/** A clock that only moves when told to. */
export class FakeClock implements Clock {
  constructor(private t = Date.parse('2026-11-23T10:00:00.000Z')) {}
  now(): Date {
    return new Date(this.t);
  }
  advance(ms: number): void {
    this.t += ms;
  }
}

/** A fake clock and the sleep that moves it: waits of the driver and the app take no real time. */
export function steppingClock(start?: number): { clock: FakeClock; sleep: (ms: number) => Promise<void> } {
  const clock = new FakeClock(start);
  return {
    clock,
    sleep: async (ms) => {
      clock.advance(ms);
    },
  };
}

export function shippedRunbook(id: string): Runbook {
  const bytes = readFileSync(join(REPO, 'runbooks', `${id}.yaml`));
  const result = validateRunbookBytes(`${id}.yaml`, bytes, createSchemaValidator(loadBundledSchemas()), {
    datasources: new Set(['default']),
  });
  if (!result.runbook) throw new Error(`invalid runbook ${id}`);
  return result.runbook;
}

/** Opens an incident from a shipped runbook (job=checkout unless given) on a store and a fake clock. */
export async function openTestIncident(
  store: IncidentStore,
  runbookId: string,
  job = 'checkout',
  clock = new FakeClock(),
) {
  const service = new IncidentService(store, clock);
  const runbook = shippedRunbook(runbookId);
  const { incident } = await service.open({
    runbook,
    runbookVersion: 'v',
    service: 's',
    inputs: { job },
    commander: 'U0CMD',
  });
  return { service, runbook, incident, clock };
}
