/**
 * An incident channel survives a crash between conversations.create and recording it: the
 * name is recorded first, and the retry adopts the channel the dead attempt made (Slack says
 * name_taken; conversations.list shows this app created it) instead of making a second one or
 * falling back to a thread. Someone else's channel of that name is still a collision.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { LeasedWork } from '../../src/core/ports.js';
import { ALICE, CHANNEL, SlackHarness, until } from '../helpers/slack-app.js';

let h: SlackHarness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

const ENV = {
  INCIDENT_CHANNEL_SEVERITIES: 'sev1,sev2',
  RUNBOOK_BASE_URL: 'https://github.com/acme/runbooks/blob/main/runbooks',
};
const START = 'start gc-full-collection-latency job=checkout service=checkout severity=sev2';

describe('an incident channel after a crash', () => {
  it('a process dying between create and record: the takeover adopts the channel, no second one', async () => {
    h = await SlackHarness.start({ env: ENV });
    const harness = h;
    // The crash: the channel exists in Slack, the process dies before the incident records it.
    const driver = harness.flow.driver as { recordChannel: (...args: never[]) => Promise<unknown> };
    const recordChannel = driver.recordChannel;
    driver.recordChannel = () => Promise.reject(new Error('process killed'));
    await harness.slash(START);
    const incident = await until(
      async () => (await harness.store.list({ limit: 5 }))[0],
      10_000,
      'the incident',
    );
    await harness.flow.idle();
    expect(harness.api.created.size).toBe(1);
    const [name, made] = [...harness.api.created.entries()][0] ?? ['', { id: '', pins: [] as string[] }];
    const crashed = await harness.store.load(incident.id);
    expect(crashed?.intendedChannel?.name).toBe(name);
    expect(crashed?.channel).toBeUndefined();
    expect(crashed?.card).toBeUndefined();

    // Another process takes over the card's lease (what server.ts runs for a CARD_LEASE).
    driver.recordChannel = recordChannel;
    const work = {
      key: `card:${incident.id}`,
      kind: 'card',
      body: JSON.stringify({ incidentId: incident.id, channel: CHANNEL, user: ALICE }),
    } as unknown as LeasedWork;
    await harness.flow.finishCard(work);
    await harness.flow.idle();

    const after = await harness.store.load(incident.id);
    expect(harness.api.created.size).toBe(1);
    expect(after?.channel?.id).toBe(made.id);
    expect(after?.card?.channel).toBe(made.id);
    expect(made.pins).toEqual([after?.card?.ts]);
    // Slack refused the second create by name; the app found its own channel instead.
    expect(harness.api.callsOf('conversations.create').map((c) => c.error ?? 'ok')).toEqual([
      'ok',
      'name_taken',
    ]);
    // Nothing said twice: one line where it was opened, one runbook bookmark, no fallback notice.
    expect(harness.api.messages.filter((m) => m.channel === CHANNEL && !m.threadTs)).toHaveLength(1);
    expect(harness.api.channelById(made.id)?.bookmarks.map((b) => b.title)).toEqual(['Runbook']);
    expect(
      (await harness.thread(incident.id)).filter((m) => m.text.includes('stays in this thread')),
    ).toHaveLength(0);
  });

  it('an answer lost on the way (the client retries): the channel is adopted, not refused', async () => {
    h = await SlackHarness.start({ env: ENV });
    h.api.failNext('conversations.create', { lost: true });
    await h.slash(START);
    const harness = h;
    const incident = await harness.newestWithCard();
    await h.flow.idle();
    expect(h.api.created.size).toBe(1);
    const [made] = [...h.api.created.values()];
    expect(incident.channel?.id).toBe(made?.id);
    expect(incident.card?.channel).toBe(made?.id);
  });

  it('someone else’s channel of that name is a collision: a thread, one message', async () => {
    h = await SlackHarness.start({ env: { ...ENV, INCIDENT_CHANNEL_NAME: 'inc-gc-{number}' } });
    // A sev3 (a thread) shows the numbering; someone else made the next incident's name meanwhile.
    await h.slash(START.replace('sev2', 'sev3'));
    const [first] = await h.store.list({ limit: 5 });
    const next = String(Number(first?.id.slice(8)) + 1).padStart(4, '0');
    h.api.created.set(`inc-gc-${next}`, {
      id: 'C0SOMEONE1',
      topic: '',
      members: [],
      bookmarks: [],
      pins: [],
      archived: false,
      creator: 'U0SOMEONE1',
    });
    await h.slash(START);
    const harness = h;
    const incident = await until(
      async () => {
        const [latest] = await harness.store.list({ limit: 5 });
        return latest?.card && latest.severity === 'sev2' ? latest : undefined;
      },
      10_000,
      'the incident card',
    );
    await h.flow.idle();
    expect(harness.api.callsOf('conversations.list')).toHaveLength(1);
    expect(incident.channel).toBeUndefined();
    expect(incident.card?.channel).toBe(CHANNEL);
    expect((await h.thread(incident.id)).filter((m) => m.text.includes('exists already'))).toHaveLength(1);
  });
});
