/**
 * The post queue in the real app against the loopback Slack Web API: a 429 with Retry-After
 * holds back its channel alone, Slack's per-channel pace is kept (no 429 at all), pending posts
 * survive a restart and go out once, and a post Slack refuses for good is noted on the incident.
 *
 * waits: Retry-After is whole seconds on the wire (the fake answers 1–2 s) and the pace is 1 s.
 */
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { ALICE, CHANNEL, SlackHarness, until } from '../helpers/slack-app.js';

const OTHER = 'C0OTHER0001';
const msg = (text: string) => ({ text, blocks: [] });
let h: SlackHarness | undefined;

afterEach(async () => {
  await h?.stop();
  h = undefined;
});

function postsIn(harness: SlackHarness, channel: string, text: string) {
  return harness.api.messages.filter((m) => m.channel === channel && m.text === text);
}

describe('Slack post queue (loopback Web API)', () => {
  it('a 429 holds back that channel for its Retry-After; another channel goes on', async () => {
    h = await SlackHarness.start({ env: { SLACK_POST_PACE: '0' } });
    const harness = h;
    harness.api.channels.set(OTHER, true);
    harness.api.failNext('chat.postMessage', { status: 429, retryAfter: 2 });
    const held = harness.server.services.slack.post(CHANNEL, msg('held back'), undefined, { key: 'held' });
    await until(() => harness.api.callsOf('chat.postMessage').find((c) => c.error === 'ratelimited'));
    const refusedAt = Date.now();
    await harness.server.services.slack.post(OTHER, msg('goes on'));
    expect(Date.now() - refusedAt).toBeLessThan(1_500);
    expect(postsIn(harness, CHANNEL, 'held back')).toHaveLength(0);
    await held;
    expect(Date.now() - refusedAt).toBeGreaterThanOrEqual(1_900);
    expect(postsIn(harness, CHANNEL, 'held back')).toHaveLength(1);
  });

  it("keeps Slack's pace of one post per second per channel: nothing is refused", async () => {
    h = await SlackHarness.start({ env: { SLACK_POST_PACE: '1s' } });
    const harness = h;
    harness.api.channelPaceMs = 1_000;
    const started = Date.now();
    await Promise.all(
      ['one', 'two', 'three'].map((t) => harness.server.services.slack.post(CHANNEL, msg(t))),
    );
    expect(harness.api.rateLimited).toBe(0);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_900);
    expect(harness.api.messages.filter((m) => m.channel === CHANNEL).map((m) => m.text)).toEqual([
      'one',
      'two',
      'three',
    ]);
  });

  it('pending posts survive a restart and go out once', async () => {
    h = await SlackHarness.start({ env: { SLACK_POST_PACE: '0' } });
    const harness = h;
    harness.api.failNext('chat.postMessage', { status: 429, retryAfter: 1 });
    const pending = harness.server.services.slack
      .post(CHANNEL, msg('after the restart'), undefined, { key: 'restart-1' })
      .catch(() => undefined);
    await until(() => harness.api.callsOf('chat.postMessage').find((c) => c.error === 'ratelimited'));
    await harness.restart();
    await until(() => postsIn(harness, CHANNEL, 'after the restart')[0], 10_000);
    await pending;
    // Slack has the post before the new process records it as sent: wait for the record.
    await until(async () => (await harness.store.posts.pendingPosts()) === 0, 10_000, 'no pending post');
    expect(postsIn(harness, CHANNEL, 'after the restart')).toHaveLength(1);
  });

  it('the Alertmanager webhook answers while Slack hangs on posts; the card follows once', async () => {
    const token = 'alertmanager-shared-secret-0031';
    h = await SlackHarness.start({ env: { SLACK_POST_PACE: '0', ALERTMANAGER_TOKEN: token } });
    const harness = h;
    harness.api.channels.set('#python-platform', true);
    harness.api.stall('chat.postMessage');
    const started = Date.now();
    const response = await request(`http://127.0.0.1:${harness.port}/alertmanager`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        version: '4',
        groupKey: '{}:{alertname="PythonGCUncollectableObjects"}',
        status: 'firing',
        receiver: 'gc-incident',
        truncatedAlerts: 0,
        externalURL: 'http://alertmanager.invalid',
        alerts: [
          {
            status: 'firing',
            labels: { alertname: 'PythonGCUncollectableObjects', job: 'api', instance: 'api-1' },
            annotations: { summary: 'uncollectable objects on api-1' },
            startsAt: '2026-12-06T09:58:00.000Z',
            endsAt: '0001-01-01T00:00:00Z',
            fingerprint: 'f1',
          },
        ],
      }),
    });
    const answer = (await response.body.json()) as { opened: string[] };
    expect(response.statusCode).toBe(200);
    expect(answer.opened).toHaveLength(1);
    expect(Date.now() - started).toBeLessThan(3_000);
    const id = answer.opened[0] as string;
    expect((await harness.store.load(id))?.card).toBeUndefined();
    harness.api.unstall();
    const card = await until(async () => (await harness.store.load(id))?.card, 10_000);
    expect(harness.api.messages.filter((m) => m.ts === card.ts)).toHaveLength(1);
  });

  it('a post Slack refuses for good is noted on its incident', async () => {
    h = await SlackHarness.start({ env: { SLACK_POST_PACE: '0' } });
    const harness = h;
    await harness.slash('start gc-full-collection-latency job=checkout service=checkout', ALICE);
    const incident = await until(
      async () =>
        (await harness.store.list({ limit: 1 }))[0]?.card && (await harness.store.list({ limit: 1 }))[0],
    );
    if (!incident) throw new Error('no incident');
    await expect(
      harness.server.services.slack.post('C0GONE00001', msg('lost'), undefined, { incidentId: incident.id }),
    ).rejects.toMatchObject({ error: 'channel_not_found' });
    const note = await until(async () =>
      (await harness.store.timeline(incident.id)).find(
        (e) => e.type === 'note.added' && String(e.data.text).includes('channel_not_found'),
      ),
    );
    expect(String(note.data.text)).toContain('could not be posted in C0GONE00001');
  });

  it('a card whose channel refuses it is noted once, not in a loop (the note redraws the card)', async () => {
    h = await SlackHarness.start({ env: { SLACK_POST_PACE: '0' } });
    const harness = h;
    await harness.slash('start gc-full-collection-latency job=checkout service=checkout', ALICE);
    const incident = await until(
      async () =>
        (await harness.store.list({ limit: 1 }))[0]?.card && (await harness.store.list({ limit: 1 }))[0],
    );
    if (!incident) throw new Error('no incident');
    await until(async () => (await harness.store.load(incident.id))?.phase === 'detection' || undefined);
    // The channel is archived or deleted under the incident: every edit of its card fails for good.
    harness.api.channels.delete(CHANNEL);
    await harness.flow.driver.addNote(
      (await harness.store.load(incident.id)) ?? incident,
      'still here',
      { id: ALICE },
      'loop-test',
    );
    const failures = async () =>
      (await harness.store.timeline(incident.id)).filter(
        (e) => e.type === 'note.added' && String(e.data.text).includes('could not be'),
      );
    await until(async () => ((await failures()).length > 0 ? true : undefined));
    // Before the fix: each failure note redrew the card, whose edit failed with a new revision and
    // a new note, hundreds a second. Given two seconds, it stays at one per message and error.
    // waits: the loop it guards ran on real timers (hundreds of notes a second); 2 s shows it.
    await new Promise((r) => setTimeout(r, 2_000));
    const notes = await failures();
    expect(notes.length).toBeLessThanOrEqual(2);
    expect(String(notes[0]?.data.text)).toContain('could not be updated');
  });
});
