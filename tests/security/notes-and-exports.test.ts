/**
 * Findings 6 and 7 (low): `/gc-incident note` and pinned text skipped the
 * cleaning inputs get (ESC and BEL reached `gc-incident show` raw, U+202E the
 * Markdown and HTML exports); the Markdown export kept reference-style link
 * definitions (`[x]: javascript:…`) and images with remote sources.
 * Replayed through the incident service, `gc-incident show` and both exports.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exportPostmortem } from '../../src/adapters/postmortem/export.js';
import { SqliteStore } from '../../src/adapters/store/sqlite-store.js';
import { isGcIncidentError } from '../../src/core/errors.js';
import { IncidentService } from '../../src/core/incident/service.js';
import { cli } from '../helpers/cli.js';
import { FakeClock, shippedRunbook } from '../helpers/engine.js';
import { SCRIPTED_RUNBOOK } from '../helpers/scripted-incident.js';

const ALICE = 'U0ALICE001';
const ESC = '\u001b';
const BEL = '\u0007';
const RLO = '\u202E';

async function opened() {
  const db = join(mkdtempSync(join(tmpdir(), 'gc-incident-notes-')), 'gc.db');
  const store = new SqliteStore(db);
  await store.migrate();
  const service = new IncidentService(store, new FakeClock());
  const { incident } = await service.open({
    runbook: shippedRunbook(SCRIPTED_RUNBOOK),
    runbookVersion: 'v',
    service: 'checkout',
    inputs: { job: 'x' },
    commander: ALICE,
  });
  return { db, store, service, id: incident.id };
}

describe('notes and pins get the cleaning inputs get', () => {
  it('refuses a note with ESC, BEL or U+202E, and records nothing', async () => {
    const { store, service, id } = await opened();
    for (const text of [`${ESC}]0;pwned${BEL}`, `pay ${RLO}tnemyap`]) {
      const before = (await store.timeline(id)).length;
      const error = await service
        .execute(id, { type: 'add-note', text, actor: ALICE })
        .catch((e: unknown) => e);
      expect(isGcIncidentError(error) && error.code).toBe('INPUT_INVALID');
      expect((await store.timeline(id)).length).toBe(before);
    }
    await store.close();
  });

  it('keeps a pinned message, cleaned: show prints no escape, the exports no bidi override', async () => {
    const { db, store, service, id } = await opened();
    await service.execute(id, {
      type: 'pin-message',
      channel: 'C0INCIDENT1',
      ts: '1.000002',
      author: 'U0BOB00001',
      text: `restart ${ESC}[2J${ESC}]0;owned${BEL} then pay ${RLO}tnemyap`,
      postedAt: '2026-12-06T10:00:00.000Z',
      actor: ALICE,
    });
    const pinned = (await store.load(id))?.pinned?.[0]?.text ?? '';
    expect(pinned).toContain('restart');
    expect([ESC, BEL, RLO].some((c) => pinned.includes(c))).toBe(false);
    expect(pinned).toContain('[U+202E]');
    const show = await cli(['show', id], { DATABASE_URL: `sqlite:${db}` });
    expect(show.code).toBe(0);
    expect(show.stdout).toContain('restart');
    expect([ESC, BEL, RLO].some((c) => show.stdout.includes(c))).toBe(false);
    for (const format of ['md', 'html'] as const) {
      const { content } = await exportPostmortem({ store, clock: new FakeClock(), incidentId: id, format });
      expect(content).toContain('restart');
      expect(content).not.toContain(RLO);
    }
    await store.close();
  });
});

describe('the Markdown export and link syntax', () => {
  it('neutralises reference definitions and images, in notes and in postmortem fields', async () => {
    const { store, service, id } = await opened();
    await service.execute(id, {
      type: 'add-note',
      text: '[x]: javascript:alert(1)\nsee [x], ![tracker](http://evil.example/p.png) and ![r][x]',
      actor: ALICE,
    });
    await service.execute(id, {
      type: 'note-postmortem',
      actor: ALICE,
      notes: {
        summary: '[docs]: javascript:alert(document.cookie)\nread [docs]',
        impact: '![pixel](https://tracker.example/p.gif)',
        rootCause: 'x',
        contributingFactors: ['[y]: http://evil.example'],
        wentWell: [],
        wentWrong: [],
        lucky: [],
      },
    } as never);
    const md = (await exportPostmortem({ store, clock: new FakeClock(), incidentId: id, format: 'md' }))
      .content;
    await store.close();
    // No line (or list item) defines a reference; no image of user text remains.
    expect(md).not.toMatch(/^\s*(?:[-*+]\s+)?\[[^\]\n]*\]:/m);
    expect(md).not.toMatch(/(?<!\\)!\[(?:tracker|pixel|r)\]/);
    expect(md).not.toMatch(/(?<!\\)\[[^\]\n]*\]:\s*(javascript|http)/);
    // Still readable.
    expect(md).toContain('javascript:alert(1)');
    expect(md).toContain('tracker');
  });
});
