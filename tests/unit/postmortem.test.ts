/**
 * Postmortem export of a scripted incident against reviewed golden files
 * (UPDATE_GOLDEN=1 rewrites them; review the diff before committing), the
 * JSON against its schema, and the derived times.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadBundledSchemas } from '../../src/adapters/fs/package-files.js';
import { exportPostmortem } from '../../src/adapters/postmortem/export.js';
import { SqliteStore } from '../../src/adapters/store/sqlite-store.js';
import type { IncidentStore } from '../../src/core/ports.js';
import { createAjv } from '../../src/core/schema-validator.js';
import { FakeClock, shippedRunbook } from '../helpers/engine.js';
import { REPO, RUNBOOKS_DIR } from '../helpers/runbooks.js';
import { SCRIPTED_RUNBOOK, scriptedIncident } from '../helpers/scripted-incident.js';

const GOLDEN = join(REPO, 'tests/fixtures/postmortem');
let store: IncidentStore;
let id: string;

beforeAll(async () => {
  store = new SqliteStore(join(mkdtempSync(join(tmpdir(), 'gc-incident-pm-')), 'gc.db'));
  await store.migrate();
  ({ id } = await scriptedIncident(store));
});

async function exported(format: 'md' | 'json' | 'html') {
  return exportPostmortem({
    store,
    clock: new FakeClock(Date.parse('2026-11-21T09:00:00.000Z')),
    incidentId: id,
    format,
    runbook: {
      runbook: shippedRunbook(SCRIPTED_RUNBOOK),
      file: join(RUNBOOKS_DIR, `${SCRIPTED_RUNBOOK}.yaml`),
    },
    charts: true,
  });
}

describe('postmortem export of a scripted incident', () => {
  for (const format of ['md', 'json', 'html'] as const) {
    it(`${format} matches the reviewed golden file`, async () => {
      const file = await exported(format);
      const golden = join(GOLDEN, `scripted.${format}`);
      if (process.env.UPDATE_GOLDEN) writeFileSync(golden, file.content);
      expect(file.content).toBe(readFileSync(golden, 'utf8'));
    });
  }

  it('the JSON follows schemas/postmortem.schema.json', async () => {
    const validate = createAjv(loadBundledSchemas()).getSchema(
      'https://gc-incident.dev/schemas/postmortem.schema.json',
    );
    if (!validate) throw new Error('the postmortem schema is not bundled');
    const doc = JSON.parse((await exported('json')).content);
    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
    // And a document with a wrong field is refused.
    expect(validate({ ...doc, durations: { ...doc.durations, timeToResolveMs: -1 } })).toBe(false);
  });

  it('derives the key times and durations from the timeline', async () => {
    const doc = JSON.parse((await exported('json')).content);
    expect(doc.keyTimes).toMatchObject({
      opened: '2026-11-20T14:02:00.000Z',
      detected: '2026-11-20T14:03:00.000Z',
      acknowledged: '2026-11-20T14:02:00.000Z',
    });
    expect(doc.durations.timeToDetectMs).toBe(60_000);
    expect(doc.durations.timeToMitigateMs).toBe(
      Date.parse(doc.keyTimes.mitigated) - Date.parse(doc.keyTimes.opened),
    );
    expect(doc.durations.timeToResolveMs).toBeGreaterThan(doc.durations.timeToMitigateMs);
    expect(doc.simulations[0].reproScript).toContain('import gc');
    expect(
      doc.containment.find((a: { stepId: string }) => a.stepId === 'raise-young-threshold').httpCall.status,
    ).toBe(200);
    expect(doc.actionItems.map((a: { status: string }) => a.status)).toEqual(['open', 'done']);
    expect(doc.prompts).toEqual([]);
    expect(doc.timeline).toHaveLength((await store.timeline(id)).length);
  });

  it('leaves clearly marked prompts where people have not written yet', async () => {
    const bare = new SqliteStore(join(mkdtempSync(join(tmpdir(), 'gc-incident-pm2-')), 'gc.db'));
    await bare.migrate();
    const { IncidentService } = await import('../../src/core/incident/service.js');
    const { incident } = await new IncidentService(bare, new FakeClock()).open({
      runbook: shippedRunbook(SCRIPTED_RUNBOOK),
      runbookVersion: 'v',
      service: 's',
      inputs: { job: 'x' },
      commander: 'U0ALICE001',
    });
    const md = (
      await exportPostmortem({ store: bare, clock: new FakeClock(), incidentId: incident.id, format: 'md' })
    ).content;
    expect(md).toContain('> _To write: why the collector behaved this way._');
    expect(md).toContain('| Resolved | — | — |');
    await bare.close();
  });
});
