/**
 * A real app process is SIGKILLed after Slack made the incident's channel but before the answer
 * reached it (so before it recorded the channel). The next process replays the request and takes
 * the card's lease over: it adopts the channel the dead one made (name_taken, created by the
 * app) and works the incident there. One channel, no stray, no fallback to a thread.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startApp } from '../helpers/app-process.js';
import { FakeSlackApi } from '../helpers/slack-api.js';
import { ALICE, CHANNEL, SlackHarness, until } from '../helpers/slack-app.js';
import { sendSigned, slashBody } from '../helpers/slack-requests.js';

const START = 'start gc-full-collection-latency job=checkout service=checkout severity=sev2';
const ENV = { INCIDENT_CHANNEL_SEVERITIES: 'sev1,sev2' };
let harness: SlackHarness | undefined;
let api: FakeSlackApi | undefined;
afterEach(async () => {
  api?.unstall();
  await harness?.stop();
  await api?.stop();
  harness = undefined;
  api = undefined;
});

describe('an incident channel when its process is killed', () => {
  it('between conversations.create and recording it: the next process adopts the channel', async () => {
    const fake = await new FakeSlackApi().start();
    api = fake;
    fake.channels.set(CHANNEL, true);
    const first = await SlackHarness.start({ api: fake, env: ENV });
    const { dbPath } = first;
    const env = { ...first.env };
    await first.stop();
    const child = await startApp({ ...env, LOG_LEVEL: 'silent' }, { leaseMs: 1000 });
    // Slack makes the channel; the answer never reaches the process, which is killed meanwhile.
    fake.stallAnswer('conversations.create');
    const sent = await sendSigned(
      child.port,
      slashBody({
        text: START,
        userId: ALICE,
        channelId: CHANNEL,
        triggerId: fake.trigger(),
        responseUrl: fake.responseUrl(),
      }),
    );
    expect(sent.status).toBe(200);
    await until(() => fake.stalledCalls === 1, 10_000, 'conversations.create to stall');
    child.child.kill('SIGKILL');
    await child.exited;
    // waits: the killed process's socket closes before the stalled answer is released
    await new Promise((r) => setTimeout(r, 200));
    fake.unstall();
    expect(fake.created.size).toBe(1);
    const [made] = [...fake.created.values()];

    // The card's pin comes after the card is recorded: a slow pins.add makes sure the test waits
    // for the taken-over work to end (it once read the pins a moment before, 1 of 5 runs).
    fake.slow('pins.add', 300);
    harness = await SlackHarness.start({ api: fake, dbPath, leaseMs: 1000, env: ENV });
    const h = harness;
    const incident = await h.newestWithCard(15_000, 'the next process to post the card');
    await h.settle();
    expect(fake.created.size).toBe(1);
    expect(incident.channel?.id).toBe(made?.id);
    expect(incident.card?.channel).toBe(made?.id);
    expect(made?.pins).toEqual([incident.card?.ts]);
    expect(
      fake.callsOf('conversations.create').filter((c) => c.error === 'name_taken').length,
    ).toBeGreaterThan(0);
    expect(fake.messages.filter((m) => m.channel === CHANNEL && !m.threadTs)).toHaveLength(1);
  });
});
