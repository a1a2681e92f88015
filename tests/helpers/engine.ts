import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadBundledSchemas } from '../../src/adapters/fs/package-files.js';
import type { Clock } from '../../src/core/ports.js';
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

export function shippedRunbook(id: string): Runbook {
  const bytes = readFileSync(join(REPO, 'runbooks', `${id}.yaml`));
  const result = validateRunbookBytes(`${id}.yaml`, bytes, createSchemaValidator(loadBundledSchemas()), {
    datasources: new Set(['default']),
  });
  if (!result.runbook) throw new Error(`invalid runbook ${id}`);
  return result.runbook;
}
