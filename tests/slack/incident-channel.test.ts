/**
 * Where an incident lives in Slack, through the real app and the loopback Web API: a sev2
 * incident gets its own channel (topic, bookmarks, responders invited, the card pinned, one
 * line in the channel it was opened from, kept current); a sev3 stays a thread; a name
 * collision and a missing scope each fall back to a thread with one clear message; closing
 * archives the channel after the configured delay (injected clock, the durable reminder tick);
 * the postmortem canvas is created once and edited in place on the next export.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../helpers/engine.js';
import { ALICE, CHANNEL, SlackHarness, until } from '../helpers/slack-app.js';

let h: SlackHarness | undefined;
afterEach(async () => {
  h?.api.unstall();
  await h?.stop();
  h = undefined;
});

const ENV = {
  INCIDENT_CHANNEL_SEVERITIES: 'sev1,sev2',
  INCIDENT_CHANNEL_ARCHIVE_AFTER: '1h',
  RUNBOOK_BASE_URL: 'https://github.com/acme/runbooks/blob/main/runbooks',
  DASHBOARD_URL_TEMPLATE: 'https://grafana.example/d/gc?var-job={job}&from={from}&to={to}',
};

async function open(harness: SlackHarness, text: string) {
  const before = (await harness.store.list({ limit: 100 })).length;
  await harness.slash(text);
  const incident = await until(
    async () => {
      const all = await harness.store.list({ limit: 100 });
      return all.length > before && all[0]?.card ? all[0] : undefined;
    },
    10_000,
    'the incident card',
  );
  await harness.flow.idle();
  return (await harness.store.load(incident.id)) ?? incident;
}

const START = 'start gc-full-collection-latency job=checkout service=checkout';

describe('an incident channel by severity', () => {
  it('a sev2 opens its own channel: topic, bookmarks, invites, pinned card, and a line where it was opened', async () => {
    const clock = new FakeClock(Date.parse('2026-12-06T20:00:00.000Z'));
    h = await SlackHarness.start({ env: ENV, clock });
    const incident = await open(h, `${START} severity=sev2`);
    const year = incident.id.slice(3, 7);
    const number = incident.id.slice(8);
    const name = `inc-gc-${year}-${number}-checkout`;
    const channel = h.api.created.get(name);
    expect(channel, `channel ${name}`).toBeDefined();
    if (!channel) return;
    // The incident records its channel (what a scope check compares with) and its card is there.
    expect(incident.channel?.id).toBe(channel.id);
    expect(incident.card?.channel).toBe(channel.id);
    expect(channel.topic).toContain(incident.id);
    expect(channel.topic).toContain('SEV2');
    expect(channel.topic).toContain(`commander <@${ALICE}>`);
    expect(channel.topic).toContain('open');
    expect(channel.members).toContain(ALICE);
    expect(channel.bookmarks.map((b) => b.title)).toEqual(['Runbook', 'Dashboard']);
    expect(channel.bookmarks[0]?.link).toBe(
      'https://github.com/acme/runbooks/blob/main/runbooks/gc-full-collection-latency.yaml',
    );
    expect(channel.pins).toEqual([incident.card?.ts]);
    // One line in the alerts channel, linking to the new one; no card there.
    const line = h.api.messages.filter((m) => m.channel === CHANNEL && !m.threadTs);
    expect(line).toHaveLength(1);
    expect(JSON.stringify(line[0]?.blocks)).toContain(`<#${channel.id}>`);
    expect(incident.channel?.announcement?.ts).toBe(line[0]?.ts);

    // A state change keeps the topic and the line current.
    await h.flow.setStatus(incident.id, 'mitigated', { id: ALICE }, 'k1');
    await h.flow.idle();
    expect(channel.topic).toContain('mitigated');
    expect(h.api.message(CHANNEL, line[0]?.ts as string)?.text).toContain('mitigated');

    // Closing archives the channel after the configured hour, through the durable reminder tick.
    await h.flow.setStatus(incident.id, 'resolved', { id: ALICE }, 'k2');
    // Closing wants every high-risk action and required follow-up done or skipped with a reason.
    for (const step of (await h.store.load(incident.id))?.steps ?? [])
      if (step.status === 'pending')
        await h.flow.skip(incident.id, step.id, { id: ALICE }, 'not needed in this test', `skip:${step.id}`);
    await h.flow.setStatus(incident.id, 'closed', { id: ALICE }, 'k3');
    await h.flow.idle();
    expect((await h.store.load(incident.id))?.status).toBe('closed');
    await h.server.reminders.tick();
    expect(channel.archived).toBe(false);
    clock.advance(59 * 60_000);
    await h.server.reminders.tick();
    expect(channel.archived).toBe(false);
    clock.advance(2 * 60_000);
    await h.server.reminders.tick();
    expect(channel.archived).toBe(true);
    expect(h.api.callsOf('conversations.archive')).toHaveLength(1);
  });

  it('the card is posted in the new channel without waiting for the line where it was opened', async () => {
    h = await SlackHarness.start({ env: ENV });
    const harness = h;
    // The opened-from channel's queue is slow (busy with other posts): its line waits, the card does not.
    harness.api.stallChannel(CHANNEL);
    // Not awaited: the harness waits for background work, and the line is background work now.
    const opening = harness.slash(`${START} severity=sev1`);
    const incident = await until(
      async () => {
        const [latest] = await harness.store.list({ limit: 1 });
        return latest?.card ? latest : undefined;
      },
      900,
      'the card in the new channel before the line is delivered',
    );
    expect(incident.card?.channel).toBe(incident.channel?.id);
    expect(incident.channel?.announcement).toBeUndefined();
    expect(harness.api.messages.filter((m) => m.channel === CHANNEL && !m.threadTs)).toHaveLength(0);
    harness.api.unstall();
    await opening;
    const lines = harness.api.messages.filter((m) => m.channel === CHANNEL && !m.threadTs);
    expect(lines).toHaveLength(1);
    expect((await harness.store.load(incident.id))?.channel?.announcement?.ts).toBe(lines[0]?.ts);
    // Recorded after the card, the line still follows the next change.
    await harness.flow.setStatus(incident.id, 'mitigated', { id: ALICE }, 'k1');
    await harness.flow.idle();
    expect(harness.api.message(CHANNEL, lines[0]?.ts as string)?.text).toContain('mitigated');
  });

  it('a sev3 stays a thread in the channel it was opened from', async () => {
    h = await SlackHarness.start({ env: ENV });
    const incident = await open(h, `${START} severity=sev3`);
    expect(h.api.callsOf('conversations.create')).toHaveLength(0);
    expect(incident.channel).toBeUndefined();
    expect(incident.card?.channel).toBe(CHANNEL);
  });

  it('a name collision falls back to a thread with one clear message', async () => {
    h = await SlackHarness.start({ env: { ...ENV, INCIDENT_CHANNEL_NAME: 'inc-gc-{number}' } });
    const first = await open(h, `${START} severity=sev2`);
    // Someone made a channel with the next incident's name meanwhile.
    const next = String(Number(first.id.slice(8)) + 1).padStart(4, '0');
    h.api.created.set(`inc-gc-${next}`, {
      id: 'C0SOMEONE1',
      topic: '',
      members: [],
      bookmarks: [],
      pins: [],
      archived: false,
    });
    const second = await open(h, `${START} severity=sev2`);
    expect(second.channel).toBeUndefined();
    expect(second.card?.channel).toBe(CHANNEL);
    const notices = (await h.thread(second.id)).filter((m) => m.text.includes('stays in this thread'));
    expect(notices).toHaveLength(1);
    expect(notices[0]?.text).toContain(`#inc-gc-${next} exists already`);
  });

  it('a missing scope falls back to a thread with one clear message, and restricted_action too', async () => {
    h = await SlackHarness.start({ env: ENV });
    h.api.missingScopes.add('channels:manage');
    const incident = await open(h, `${START} severity=sev1`);
    expect(incident.card?.channel).toBe(CHANNEL);
    const notices = (await h.thread(incident.id)).filter((m) => m.text.includes('stays in this thread'));
    expect(notices).toHaveLength(1);
    expect(notices[0]?.text).toContain('channels:manage');
    h.api.missingScopes.clear();
    h.api.failNext('conversations.create', { error: 'restricted_action' });
    const other = await open(h, `${START} severity=sev2`);
    expect(other.card?.channel).toBe(CHANNEL);
    expect((await h.thread(other.id)).filter((m) => m.text.includes('only some members'))).toHaveLength(1);
  });
});

describe('the postmortem canvas', () => {
  it('is created once as the incident channel’s canvas and edited in place on the next export', async () => {
    h = await SlackHarness.start({ env: ENV });
    const incident = await open(h, `${START} severity=sev2`);
    await h.flow.exportToSlack(incident.id, 'md', CHANNEL);
    const after = await h.store.load(incident.id);
    expect(after?.canvas?.id).toBeDefined();
    const canvas = h.api.canvases.get(after?.canvas?.id as string);
    expect(canvas?.channel).toBe(incident.channel?.id);
    expect(canvas?.markdown).toContain(`# ${incident.id}`);
    expect(canvas?.markdown).toContain('## Timeline');
    await h.flow.notePostmortem(
      incident.id,
      { summary: 'Full collections every 40 s.' },
      { id: ALICE },
      'n1',
    );
    await h.flow.idle();
    await h.flow.exportToSlack(incident.id, 'md', CHANNEL);
    expect(h.api.canvases.size).toBe(1);
    expect(h.api.callsOf('conversations.canvases.create')).toHaveLength(1);
    expect(canvas?.edits).toBeGreaterThanOrEqual(1);
    expect(canvas?.markdown).toContain('Full collections every 40 s.');
  });

  it('a thread incident gets a standalone canvas, and the same content as the Markdown export', async () => {
    h = await SlackHarness.start({ env: ENV });
    const incident = await open(h, `${START} severity=sev3`);
    await h.flow.exportToSlack(incident.id, 'md', CHANNEL);
    expect(h.api.callsOf('canvases.create')).toHaveLength(1);
    const [canvas] = [...h.api.canvases.values()];
    expect(canvas?.channel).toBeUndefined();
    expect((await h.thread(incident.id)).some((m) => m.text.includes('postmortem is in a canvas'))).toBe(
      true,
    );
  });
});
