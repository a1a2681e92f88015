/**
 * The driver plans follow-up reminders in one place (driver/reminders.ts) and records what a
 * surface shows beside the steps (driver/records.ts): scripted ports, a SQLite store, the
 * reminders port recording what was scheduled and cancelled.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SqliteStore } from '../../src/adapters/store/sqlite-store.js';
import { IncidentDriver } from '../../src/core/incident/driver/driver.js';
import type { Narrator } from '../../src/core/incident/driver/ports.js';
import { INTERRUPTED } from '../../src/core/incident/driver/records.js';
import { IncidentService } from '../../src/core/incident/service.js';
import type { ReminderRequest } from '../../src/core/ports.js';
import { FakeClock, shippedRunbook } from '../helpers/engine.js';

const RUNBOOK = 'gc-thrash-allocation-churn';
const CMD = 'U0CMD00001';
const BOB = 'U0BOB00001';
const DAY = 24 * 3600 * 1000;

async function setup() {
  const store = new SqliteStore(join(mkdtempSync(join(tmpdir(), 'gc-driver-fu-')), 'gc.db'));
  await store.migrate();
  const clock = new FakeClock();
  const scheduled: ReminderRequest[] = [];
  const cancelled: string[] = [];
  const changed: number[] = [];
  const narrator = new Proxy({} as Narrator, {
    get:
      (_t, name: string) =>
      (...args: unknown[]) => {
        if (name === 'changed') changed.push((args[0] as { version: number }).version);
        return Promise.resolve();
      },
  });
  const runbook = shippedRunbook(RUNBOOK);
  const driver = new IncidentDriver({
    service: new IncidentService(store, clock),
    runbookOf: () => ({ runbook, file: join('runbooks', `${RUNBOOK}.yaml`) }),
    narrator,
    decisions: { ask: async () => undefined },
    caps: {
      reminders: async (r) => {
        scheduled.push(r);
      },
      cancelReminders: async (incidentId, itemId) => {
        cancelled.push(`${incidentId}/${itemId}`);
        return 1;
      },
    },
    clock,
    sleep: async (ms) => clock.advance(ms),
  });
  const { incident } = await driver.open({
    runbook,
    runbookVersion: 'v',
    inputs: { job: 'api' },
    commander: CMD,
  });
  return { store, clock, driver, incident, scheduled, cancelled, changed };
}

describe('follow-up reminders, planned by the driver', () => {
  it('an item added by hand is reminded at its due date, once even when the request is retried', async () => {
    const { driver, incident, scheduled, clock, store } = await setup();
    const add = { owner: BOB, title: 'Fix the cache', dueMs: 3 * DAY, type: 'prevent' as const };
    const { item, outcome } = await driver.addFollowUp(incident.id, add, { id: CMD }, 'k1');
    expect(outcome.replayed).toBe(false);
    expect(item).toMatchObject({ owner: BOB, title: 'Fix the cache', status: 'open' });
    expect(scheduled.map((r) => [r.itemId, r.owner, r.dueAt.toISOString()])).toEqual([
      [item.id, BOB, new Date(clock.now().getTime() + 3 * DAY).toISOString()],
    ]);
    const again = await driver.addFollowUp(incident.id, add, { id: CMD }, 'k1');
    expect(again.outcome.replayed).toBe(true);
    expect(scheduled).toHaveLength(1);
    await store.close();
  });

  it('a change cancels what was pending: snoozed, reminded once later; done, not again', async () => {
    const { driver, incident, scheduled, cancelled, changed, clock, store } = await setup();
    const add = { owner: BOB, title: 'Fix the cache', dueMs: 3 * DAY, type: 'prevent' as const };
    const { item } = await driver.addFollowUp(incident.id, add, { id: CMD }, 'k1');
    scheduled.length = 0;
    const snoozed = await driver.changeFollowUp(incident.id, item.id, { snoozeMs: DAY }, { id: BOB }, 'k2');
    expect(cancelled).toEqual([`${incident.id}/${item.id}`]);
    expect(scheduled.map((r) => r.dueAt.toISOString())).toEqual([
      new Date(clock.now().getTime() + DAY).toISOString(),
    ]);
    expect(changed).toContain(snoozed.outcome.incident.version);
    scheduled.length = 0;
    const done = await driver.changeFollowUp(incident.id, item.id, { status: 'done' }, { id: BOB }, 'k3');
    expect(done.item.status).toBe('done');
    expect(cancelled).toHaveLength(2);
    expect(scheduled).toEqual([]);
    await store.close();
  });

  it("the runbook's items are reminded at their offsets; a role's items and reminders move to its new holder", async () => {
    const { driver, incident, scheduled, cancelled, store } = await setup();
    const created = await driver.createFollowUps(incident, { id: CMD });
    const reduce = created.followUps.find((f) => f.stepId === 'reduce-allocations');
    // Owned by the service owner, whom the commander stands in for: 30d due, reminded 14d and 3d before.
    expect(reduce?.owner).toBe(CMD);
    expect(scheduled.filter((r) => r.itemId === reduce?.id)).toHaveLength(3);
    scheduled.length = 0;
    await driver.assignRole(created, 'service-owner', BOB, { id: CMD });
    const moved = scheduled.map((r) => r.owner);
    // Three items are the service owner's; the docs item stays the commander's.
    expect(new Set(moved)).toEqual(new Set([BOB]));
    expect(new Set(scheduled.map((r) => r.itemId)).size).toBe(3);
    expect(cancelled).toHaveLength(3);
    await store.close();
  });
});

describe('what a surface records through the driver', () => {
  it('the card, channel, canvas, postmortem notes and interrupted steps are commands on the timeline', async () => {
    const { driver, incident, store } = await setup();
    await driver.recordCard(incident.id, { channel: 'C1', ts: '1.0001' });
    await driver.recordChannel(incident.id, 'C2', { channel: 'C1', ts: '1.0002' });
    await driver.recordCanvas(incident.id, 'F1');
    await driver.notePostmortem(
      incident.id,
      { rootCause: 'the encoder allocates per request' },
      { id: CMD },
      'n1',
    );
    const step = incident.steps.find((s) => s.kind === 'check') as { id: string };
    const before = (await store.timeline(incident.id)).length;
    // A dead process's step fails with the reason, by the app, keyed by the lease (so once).
    const failed = await driver.failInterrupted(incident.id, [step.id], 'lease-1');
    const after = await store.timeline(incident.id);
    expect(after.length).toBeGreaterThan(before);
    expect(failed?.incident.steps.find((s) => s.id === step.id)).toMatchObject({ status: 'failed' });
    expect(after.at(-1)).toMatchObject({ actor: 'system', data: { stepId: step.id, error: INTERRUPTED } });
    const loaded = await store.load(incident.id);
    expect(loaded).toMatchObject({
      card: { channel: 'C1', ts: '1.0001' },
      channel: { id: 'C2' },
      canvas: { id: 'F1' },
      notes: { rootCause: 'the encoder allocates per request' },
    });
    await store.close();
  });

  it('the announcing line is recorded after the channel, once, and only for a recorded channel', async () => {
    const { driver, incident, store } = await setup();
    // No channel yet: nothing to announce.
    await driver.recordAnnouncement(incident.id, { channel: 'C1', ts: '1.0001' });
    expect((await store.load(incident.id))?.channel).toBeUndefined();
    await driver.recordChannel(incident.id, 'C2');
    const before = (await store.timeline(incident.id)).length;
    const recorded = await driver.recordAnnouncement(incident.id, { channel: 'C1', ts: '1.0002' });
    expect(recorded.incident.channel).toEqual({ id: 'C2', announcement: { channel: 'C1', ts: '1.0002' } });
    // A retry (another process, a restart) records nothing more.
    await driver.recordAnnouncement(incident.id, { channel: 'C1', ts: '1.0002' });
    const after = await store.timeline(incident.id);
    expect(after.length).toBe(before + 1);
    expect(after.at(-1)).toMatchObject({ type: 'channel.announced', actor: 'system' });
    expect((await store.load(incident.id))?.channel?.announcement).toEqual({ channel: 'C1', ts: '1.0002' });
    await store.close();
  });
});
