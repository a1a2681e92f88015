/**
 * Follow-ups in Slack on a fake clock: items from the runbook and by hand,
 * reminders by direct message and in the thread (once per due time, again
 * every day while overdue), Done / Snooze / Reassign, catching up after a
 * restart, and the daily digest sent once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTION } from '../../src/slack/ids.js';
import { FakeClock } from '../helpers/engine.js';
import { FakeSlackApi } from '../helpers/slack-api.js';
import { ALICE, BOB, CHANNEL, SlackHarness, until } from '../helpers/slack-app.js';
import { blockActionPayload, payloadBody, sendSigned } from '../helpers/slack-requests.js';

const HOUR = 3600_000;
const DAY = 24 * HOUR;
let h: SlackHarness;
let api: FakeSlackApi;
const clock = new FakeClock(Date.parse('2026-11-23T10:00:00.000Z'));

beforeAll(async () => {
  api = await new FakeSlackApi().start();
  h = await SlackHarness.start({ api, clock });
}, 30_000);
afterAll(async () => {
  await h?.stop();
  await api?.stop();
});

const dmsTo = (user: string) =>
  api.calls.filter((c) => c.method === 'chat.postMessage' && c.ok && c.body.channel === `D${user.slice(1)}`);

/** Runs a tick and counts the reminders it posted for one incident (other tests' items keep their own). */
async function tickFor(id: string): Promise<number> {
  const dms = () =>
    api.calls.filter(
      (c) =>
        c.method === 'chat.postMessage' &&
        c.ok &&
        String(c.body.channel).startsWith('D') &&
        String(c.body.text).includes(`${id}/`),
    ).length;
  const before = dms();
  await h.server.reminders.tick();
  return dms() - before;
}

async function incident() {
  await h.slash('start gc-cyclic-garbage-growth job=checkout');
  return h.latestIncident();
}

describe('follow-ups and reminders', () => {
  it('followup add schedules reminders; each goes out once, to the owner and the thread, and again daily while overdue', async () => {
    const { id } = await incident();
    const add = await h.slash(
      `followup add <@${BOB}|bob> "Break the cycle in the request context" due=3d type=prevent`,
    );
    expect(JSON.stringify(h.answersTo(add.responseUrl))).toContain(`${id}/F1`);
    const item = (await h.store.load(id))?.followUps[0];
    expect(item).toMatchObject({
      id: 'F1',
      owner: BOB,
      type: 'prevent',
      status: 'open',
      dueAt: new Date(clock.now().getTime() + 3 * DAY).toISOString(),
    });

    expect(await tickFor(id)).toBe(0);
    clock.advance(3 * DAY);
    expect(await tickFor(id)).toBe(1);
    expect(await tickFor(id)).toBe(0);
    const dm = dmsTo(BOB).at(-1);
    expect(String(dm?.body.text)).toContain(`${id}/F1`);
    expect(JSON.stringify((await h.thread(id)).at(-1)?.blocks)).toContain(ACTION.followupSnooze);
    clock.advance(DAY);
    expect(await tickFor(id)).toBe(1);
    expect(dmsTo(BOB).filter((c) => String(c.body.text).includes(`${id}/F1`))).toHaveLength(2);
  });

  it('Snooze 1 day, Reassign and Done act on the item, its timeline and its reminders', async () => {
    const { id } = await incident();
    await h.slash(`followup add <@${BOB}> "Add a leak test" due=1d`);
    clock.advance(DAY);
    expect(await tickFor(id)).toBe(1);
    await h.click(ACTION.followupSnooze, `${id}|F1`, { user: BOB });
    let item = (await h.store.load(id))?.followUps[0];
    expect(item?.snoozedUntil).toBe(new Date(clock.now().getTime() + DAY).toISOString());
    clock.advance(12 * HOUR);
    expect(await tickFor(id)).toBe(0);
    clock.advance(13 * HOUR);
    expect(await tickFor(id)).toBe(1);

    // Reassign with the user picker on the reminder.
    const payload = blockActionPayload({
      actionId: ACTION.followupReassign,
      value: '',
      userId: BOB,
      channelId: CHANNEL,
      messageTs: '1.1',
      triggerId: api.trigger(),
      responseUrl: api.responseUrl(),
    });
    const actions = payload.actions as Record<string, unknown>[];
    actions[0] = {
      type: 'users_select',
      action_id: ACTION.followupReassign,
      block_id: `followup:${id}|F1`,
      selected_user: ALICE,
      action_ts: '1',
    };
    await sendSigned(h.port, payloadBody(payload));
    await h.settle();
    item = (await h.store.load(id))?.followUps[0];
    expect(item?.owner).toBe(ALICE);
    clock.advance(DAY);
    const before = dmsTo(ALICE).length;
    expect(await tickFor(id)).toBe(1);
    expect(dmsTo(ALICE).length).toBe(before + 1);

    // Done cancels what was pending for the item (the driver plans reminders: driver/reminders.ts).
    const pending = await h.store.pendingReminders();
    await h.click(ACTION.followupDone, `${id}|F1`, { user: ALICE });
    item = (await h.store.load(id))?.followUps[0];
    expect(item?.status).toBe('done');
    expect(await h.store.pendingReminders()).toBeLessThan(pending);
    clock.advance(5 * DAY);
    expect(await tickFor(id)).toBe(0);
    const history = (await h.store.timeline(id)).filter((e) => e.type.startsWith('followup.'));
    expect(history.map((e) => [e.type, e.actor, Object.keys(e.data.after ?? {}).join(',')])).toEqual([
      ['followup.created', ALICE, ''],
      ['followup.changed', BOB, 'snoozedUntil'],
      ['followup.changed', BOB, 'owner'],
      ['followup.changed', ALICE, 'status'],
    ]);
  });

  it("the runbook's follow-up phase creates its items with owners and due dates; list, won't do", async () => {
    const { id } = await incident();
    await h.flow.createRunbookFollowUps(id, { id: ALICE });
    const items = (await h.store.load(id))?.followUps ?? [];
    expect(items.map((i) => i.stepId)).toEqual(['fix-cycle', 'leak-test', 'alert-uncollectable', 'docs']);
    // service-owner is not known to the incident: the commander owns the items until reassigned.
    expect(items.every((i) => i.owner === ALICE)).toBe(true);
    expect(items[0]?.dueAt).toBe(new Date(clock.now().getTime() + 14 * DAY).toISOString());
    // Runbook reminders (7d and 2d before a 14d due date, …) and due dates: at +7d, fix-cycle and
    // leak-test (7d before), docs (due), alert-uncollectable (2d before and due: one message).
    clock.advance(7 * DAY);
    expect(await tickFor(id)).toBe(4);
    const list = await h.slash('followup list mine');
    expect(JSON.stringify(h.answersTo(list.responseUrl))).toContain(`${id}/F3`);
    const wont = await h.slash(`followup wontdo ${id}/F3 "covered by the platform alert"`);
    expect(JSON.stringify(h.answersTo(wont.responseUrl))).toContain("won't do");
    const leak = (await h.store.load(id))?.steps.find((s) => s.id === 'alert-uncollectable');
    expect(leak?.status).toBe('skipped');
    const bad = await h.slash('followup done F99');
    expect(JSON.stringify(h.answersTo(bad.responseUrl))).toContain('no follow-up F99');
  });

  it('reminders that fell due while the app was down go out once when it is back', async () => {
    const { id } = await incident();
    await h.slash(`followup add <@${BOB}> "Pin the interpreter" due=1d`);
    await h.slash(`followup add <@${BOB}> "Document gc.freeze" due=2d`);
    await h.server.stop();
    clock.advance(6 * DAY);
    const before = dmsTo(BOB).filter((c) => String(c.body.text).includes(`${id}/`)).length;
    await h.restart();
    expect(await tickFor(id)).toBe(2);
    expect(dmsTo(BOB).filter((c) => String(c.body.text).includes(`${id}/`)).length).toBe(before + 2);
  });

  it('the daily digest lists overdue follow-ups per channel, once a day whatever the replicas', async () => {
    const posted = await h.server.digest();
    expect(posted).toBe(1);
    expect(await h.server.digest()).toBe(0);
    const digest = api.messages
      .filter((m) => m.channel === CHANNEL && !m.threadTs && m.text.includes('follow-ups'))
      .at(-1);
    expect(JSON.stringify(digest?.blocks)).toContain('Overdue follow-ups');
    clock.advance(DAY);
    expect(await h.server.digest()).toBe(1);
    await until(() => true);
  });
});
