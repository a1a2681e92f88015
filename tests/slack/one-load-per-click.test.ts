/**
 * A click reads the incident from the store once: the listener loads it, the driver decides on
 * that copy, and the card is redrawn from the state the command left (not loaded again). The
 * store is the real SQLite store; its reads are counted, not replaced. The access check
 * (src/slack/access.ts) reads where an incident lives once per process and remembers it (a
 * home never moves): openIncident() clicks Roles once so the counted click is a later one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/core/ports.js';
import { ACTION } from '../../src/slack/ids.js';
import { ALICE, BOB, SlackHarness, until } from '../helpers/slack-app.js';

let h: SlackHarness;
const reads: string[] = [];

/** Counts the store's incident reads (load and loadForCommand), by incident id. */
function countReads(store: Store): void {
  const load = store.load.bind(store);
  const loadForCommand = store.loadForCommand.bind(store);
  // SQLite's loadForCommand reads through load() (called at once, before its first await): one read.
  let inCommandRead = false;
  store.load = (id) => {
    if (!inCommandRead) reads.push(id);
    return load(id);
  };
  store.loadForCommand = (id, key) => {
    reads.push(id);
    inCommandRead = true;
    const read = loadForCommand(id, key);
    inCommandRead = false;
    return read;
  };
}

async function openIncident(): Promise<string> {
  await h.slash('start gc-full-collection-latency job=checkout service=checkout-api');
  const incident = await until(
    async () => (await h.store.list({ limit: 1 })).find((i) => i.card),
    10_000,
    'the incident card',
  );
  await h.flow.idle();
  // The first click on an incident lets the access check learn its channel (one read, cached).
  await h.click(ACTION.roles, incident.id);
  return incident.id;
}

/** The card as the last chat.update drew it. */
function lastCardUpdate(ts: string): string {
  const update = h.api
    .callsOf('chat.update')
    .filter((c) => c.body.ts === ts && c.ok)
    .at(-1);
  return JSON.stringify(update?.body ?? {});
}

beforeAll(async () => {
  h = await SlackHarness.start({ env: { SLACK_APPROVERS: 'S0SRELEADS' } });
  h.api.groups.set('S0SRELEADS', { handle: 'sre-leads', users: [BOB] });
  countReads(h.store);
}, 30_000);
afterAll(async () => h?.stop());

describe('one incident read per click', () => {
  it('Approve reads the incident once and redraws the card', async () => {
    const id = await openIncident();
    const card = (await h.store.load(id))?.card;
    const updatesBefore = h.api.callsOf('chat.update').filter((c) => c.body.ts === card?.ts).length;
    reads.length = 0;

    await h.click(ACTION.approve, `${id}|shift-traffic`, { user: BOB });

    expect(reads.filter((r) => r === id)).toHaveLength(1);
    expect((await h.store.load(id))?.steps.find((s) => s.id === 'shift-traffic')?.approvedBy).toBe(BOB);
    expect(h.api.callsOf('chat.update').filter((c) => c.body.ts === card?.ts).length).toBeGreaterThan(
      updatesBefore,
    );
  });

  it('Assign to me reads the incident once, and the card it redraws shows the owner', async () => {
    const id = await openIncident();
    const incident = await h.store.load(id);
    const step = incident?.steps.find((s) => s.phase === 'detection');
    expect(step).toBeDefined();
    reads.length = 0;

    await h.click(ACTION.assign, `${id}|${step?.id}`, { user: ALICE });

    expect(reads.filter((r) => r === id)).toHaveLength(1);
    expect((await h.store.load(id))?.steps.find((s) => s.id === step?.id)?.assignee).toBe(ALICE);
    expect(lastCardUpdate(incident?.card?.ts as string)).toContain(`assigned to <@${ALICE}>`);
  });

  it('a refused approval reads the incident once and changes nothing', async () => {
    const id = await openIncident();
    reads.length = 0;
    const denied = await h.click(ACTION.approve, `${id}|shift-traffic`, { user: 'U0CAROL001' });
    expect(String((await until(() => h.answersTo(denied.responseUrl)[0])).text)).toContain('may approve');
    expect(reads.filter((r) => r === id)).toHaveLength(1);
    expect((await h.store.load(id))?.steps.find((s) => s.id === 'shift-traffic')?.approvedBy).toBeUndefined();
  });
});
