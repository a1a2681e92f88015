/**
 * An incident channel's topic and the one line announcing it where the incident was opened
 * follow every change they show (commander, status, alerts folded in), once per change: a
 * change they do not show (a note) sends nothing, and a title too long for Slack's 250
 * characters is cut, never the facts before it (the fake Web API refuses a longer topic).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ALICE, BOB, CHANNEL, SlackHarness, until } from '../helpers/slack-app.js';

let h: SlackHarness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

const ENV = { INCIDENT_CHANNEL_SEVERITIES: 'sev1,sev2' };
const START = 'start gc-full-collection-latency job=checkout service=checkout severity=sev2';

async function open(harness: SlackHarness, text: string) {
  await harness.slash(text);
  const incident = await until(
    async () => {
      const [latest] = await harness.store.list({ limit: 5 });
      return latest?.card && latest.channel ? latest : undefined;
    },
    10_000,
    'the incident in its channel',
  );
  await harness.flow.idle();
  return (await harness.store.load(incident.id)) ?? incident;
}

describe('an incident channel’s topic and announcing line', () => {
  it('follow the commander, the status and the alerts, once per change', async () => {
    h = await SlackHarness.start({ env: ENV });
    const harness = h;
    let incident = await open(harness, START);
    const channel = harness.api.channelById(incident.channel?.id as string);
    const lineTs = incident.channel?.announcement?.ts as string;
    const topics = () => harness.api.callsOf('conversations.setTopic').filter((c) => c.ok).length;
    const edits = () => harness.api.callsOf('chat.update').filter((c) => c.body.ts === lineTs).length;
    const line = () => JSON.stringify(harness.api.message(CHANNEL, lineTs)?.blocks);
    // Made with the channel; the card's redraws since changed nothing it shows.
    expect(topics()).toBe(1);
    expect(edits()).toBe(0);

    // A note changes nothing the topic or the line shows: nothing is sent.
    await harness.flow.driver.addNote(incident, 'looking at the heap', { id: ALICE }, 'note-1');
    await harness.flow.idle();
    expect(topics()).toBe(1);
    expect(edits()).toBe(0);

    // A new commander: one topic, one line edit.
    incident = (await harness.flow.driver.assignRole(incident, 'commander', BOB, { id: ALICE }, 'cmd-1'))
      .incident;
    await harness.flow.idle();
    expect(channel?.topic).toContain(`commander <@${BOB}>`);
    expect(line()).toContain(`Commander <@${BOB}>`);
    expect(topics()).toBe(2);
    expect(edits()).toBe(1);

    // Alerts folded into the incident: shown in both, once.
    await harness.flow.driver.alertFiring(
      {
        runbookId: incident.runbookId,
        cause: incident.cause as string,
        service: 'checkout',
        inputs: incident.inputs,
        firing: [
          { fingerprint: 'f1', name: 'GcPauseHigh' },
          { fingerprint: 'f2', name: 'GcPauseHigh' },
        ],
        resolved: [],
        summary: 'GcPauseHigh',
      },
      { id: 'alertmanager' },
      { relapseWindowMs: 0 },
      () => Promise.reject(new Error('the incident is live: nothing opens')),
    );
    await harness.flow.idle();
    expect(channel?.topic).toContain('2 alerts firing');
    expect(line()).toContain('2 alerts firing');
    expect(topics()).toBe(3);
    expect(edits()).toBe(2);

    // A status change: once each, though the driver tells both "changed" and "status changed".
    await harness.flow.setStatus(incident.id, 'mitigated', { id: BOB }, 'k1');
    await harness.flow.idle();
    expect(channel?.topic).toContain('mitigated');
    expect(harness.api.message(CHANNEL, lineTs)?.text).toContain('mitigated');
    expect(topics()).toBe(4);
    expect(edits()).toBe(3);
  });

  it('/gc-incident severity from the incident channel: recorded once, the topic and the line follow', async () => {
    h = await SlackHarness.start({ env: ENV });
    const harness = h;
    const incident = await open(harness, START);
    const place = incident.channel?.id as string;
    const topics = () => harness.api.callsOf('conversations.setTopic').length;
    await harness.slash('severity sev1', ALICE, place);
    await harness.flow.idle();
    const after = await harness.store.load(incident.id);
    expect(after?.severity).toBe('sev1');
    expect(harness.api.channelById(place)?.topic).toContain(' · SEV1 · ');
    expect(harness.api.message(CHANNEL, incident.channel?.announcement?.ts as string)?.text).toContain(
      'SEV1',
    );
    expect(topics()).toBe(2);
    const timeline = await harness.store.timeline(incident.id);
    expect(timeline.filter((e) => e.type === 'severity.changed').map((e) => e.data)).toEqual([
      { before: 'sev2', after: 'sev1' },
    ]);
    // The same severity again changes nothing: no event, no topic.
    await harness.slash(`severity ${incident.id} sev1`, ALICE, place);
    await harness.flow.idle();
    expect(topics()).toBe(2);
    expect(
      (await harness.store.timeline(incident.id)).filter((e) => e.type === 'severity.changed'),
    ).toHaveLength(1);
    // A usage mistake is said, not guessed.
    const wrong = await harness.slash('severity high', ALICE, place);
    expect(wrong.text).toContain('sev1, sev2, sev3 or sev4');
  });

  it('after a restart, a change they do not show sends nothing: the new process reads them back', async () => {
    h = await SlackHarness.start({ env: ENV });
    const harness = h;
    const opened = await open(harness, START);
    await harness.restart();
    const topics = () => harness.api.callsOf('conversations.setTopic').length;
    const edits = () =>
      harness.api.callsOf('chat.update').filter((c) => c.body.ts === opened.channel?.announcement?.ts).length;
    const incident = (await harness.store.load(opened.id)) ?? opened;
    await harness.flow.driver.addNote(incident, 'after the restart', { id: ALICE }, 'note-r');
    await harness.flow.idle();
    expect(harness.api.callsOf('conversations.info')).toHaveLength(1);
    expect(topics()).toBe(1);
    expect(edits()).toBe(0);
    await harness.flow.setStatus(incident.id, 'mitigated', { id: ALICE }, 'k-r');
    await harness.flow.idle();
    expect(topics()).toBe(2);
    expect(edits()).toBe(1);
    expect(harness.api.callsOf('conversations.info')).toHaveLength(1);
  });

  it('a title too long for the topic is cut; the facts before it stay', async () => {
    h = await SlackHarness.start({ env: ENV });
    const title = `Full collections ${'every forty seconds on checkout '.repeat(12)}`.trim();
    let incident = await h.flow.start({
      runbookId: 'gc-full-collection-latency',
      service: 'checkout',
      severity: 'sev2',
      inputs: { job: 'checkout' },
      channel: CHANNEL,
      user: { id: ALICE },
      idempotencyKey: 'long-title',
      title,
    });
    await h.flow.idle();
    incident = (await h.store.load(incident.id)) ?? incident;
    const channel = h.api.channelById(incident.channel?.id as string);
    expect(h.api.callsOf('conversations.setTopic').map((c) => c.error ?? 'ok')).toEqual(['ok']);
    expect(channel?.topic.length).toBeLessThanOrEqual(250);
    expect(channel?.topic).toMatch(
      new RegExp(`^${incident.id} · SEV2 · open · commander <@${ALICE}> · Full`),
    );
    expect(channel?.topic.endsWith('…')).toBe(true);
  });
});
