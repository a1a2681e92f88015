/**
 * Defect 7 of #15: the Markdown postmortem copied user-written `<script>`,
 * `<img onerror>` and `[x](javascript:…)` verbatim, and multi-line notes could
 * inject headings and tables. User fields of the `.md` export are now escaped
 * (HTML, link syntax, headings, table rows); the text still reads the same.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exportPostmortem } from '../../src/adapters/postmortem/export.js';
import { SqliteStore } from '../../src/adapters/store/sqlite-store.js';
import { IncidentService } from '../../src/core/incident/service.js';
import { FakeClock, shippedRunbook } from '../helpers/engine.js';
import { SCRIPTED_RUNBOOK } from '../helpers/scripted-incident.js';

describe('the Markdown postmortem', () => {
  it('escapes HTML, link syntax, headings and table rows in user-written fields', async () => {
    const store = new SqliteStore(join(mkdtempSync(join(tmpdir(), 'gc-incident-md-')), 'gc.db'));
    await store.migrate();
    const service = new IncidentService(store, new FakeClock());
    const { incident } = await service.open({
      runbook: shippedRunbook(SCRIPTED_RUNBOOK),
      runbookVersion: 'v',
      service: 'svc<script>alert(1)</script>',
      inputs: { job: 'x' },
      commander: 'U0ALICE001',
    });
    await service.execute(incident.id, {
      type: 'note-postmortem',
      actor: 'U0ALICE001',
      notes: {
        summary:
          'All good <img src=x onerror=alert(1)> see [docs](javascript:alert(1))\n# Injected heading\n| a | b |\n|---|---|',
        impact: '<script>steal()</script>',
        rootCause: '[click](javascript:alert(document.cookie))',
        contributingFactors: ['<b onmouseover=x>bold</b>', '[x](javascript:void(0))'],
        wentWell: ['fine'],
        wentWrong: [],
        lucky: [],
      },
    } as never);
    const md = (
      await exportPostmortem({ store, clock: new FakeClock(), incidentId: incident.id, format: 'md' })
    ).content;
    await store.close();
    expect(md).not.toMatch(/<script|<img|<b /i);
    expect(md).not.toMatch(/\]\(javascript:/i);
    expect(md).not.toMatch(/^# Injected heading/m);
    expect(md).not.toMatch(/^\| a \| b \|/m);
    // Still readable: the words are there.
    expect(md).toContain('Injected heading');
    expect(md).toContain('steal()');
  });
});
