/**
 * Keyed posts through the real WebClient against the loopback Web API: the key
 * travels in message metadata, a look-up finds it in the channel or thread, and
 * a look-up Slack refuses (a missing *:history scope) posts anyway and says so.
 */
import { Writable } from 'node:stream';
import { WebClient } from '@slack/web-api';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/adapters/clock.js';
import { createAppMetrics } from '../../src/adapters/observability/app-metrics.js';
import { createLogger } from '../../src/adapters/observability/logger.js';
import { WebSlackGateway } from '../../src/slack/gateway.js';
import { FakeSlackApi } from '../helpers/slack-api.js';

const CHANNEL = 'C0INCIDENT';
const STRICT = { rejectRateLimitedCalls: true };
let api: FakeSlackApi | undefined;
afterEach(async () => {
  await api?.stop();
  api = undefined;
});

async function gateway(
  clientOptions: { rejectRateLimitedCalls?: boolean } = {},
): Promise<{ slack: WebSlackGateway; api: FakeSlackApi; logs: string[] }> {
  api = await new FakeSlackApi().start();
  api.channels.set(CHANNEL, true);
  const logs: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      logs.push(String(chunk));
      done();
    },
  });
  const slack = new WebSlackGateway(
    // As the post queue's own client: a 429 comes back at once (the queue waits for that channel).
    new WebClient(api.token, { slackApiUrl: api.url, retryConfig: { retries: 0 }, ...clientOptions }),
    createAppMetrics({ defaultMetrics: false }),
    createLogger({ level: 'info', destination }),
    systemClock,
  );
  return { slack, api, logs };
}

const message = { text: 'GC-2026-0001 card', blocks: [] };

describe('keyed posts', () => {
  it('finds a post by its key in the channel, and in a thread, instead of posting again', async () => {
    const { slack, api } = await gateway();
    const card = await slack.post(CHANNEL, message, undefined, { key: 'card:GC-2026-0001' });
    const again = await slack.post(CHANNEL, message, undefined, { key: 'card:GC-2026-0001', lookup: true });
    expect(again).toEqual(card);
    const reply = await slack.post(CHANNEL, { text: 'reminder', blocks: [] }, card.ts, { key: 'r1:thread' });
    expect(
      await slack.post(CHANNEL, { text: 'reminder', blocks: [] }, card.ts, {
        key: 'r1:thread',
        lookup: true,
      }),
    ).toEqual(reply);
    // Another key is not mistaken for it.
    const other = await slack.post(CHANNEL, message, undefined, { key: 'card:GC-2026-0002', lookup: true });
    expect(other.ts).not.toBe(card.ts);
    expect(api.messages).toHaveLength(3);
    expect(api.callsOf('conversations.history').map((c) => c.body.include_all_metadata)).toEqual([
      'true',
      'true',
    ]);
    expect(api.callsOf('conversations.replies')).toHaveLength(1);
  });

  it('posts without searching when not asked to look up', async () => {
    const { slack, api } = await gateway();
    await slack.post(CHANNEL, message, undefined, { key: 'k' });
    await slack.post(CHANNEL, message, undefined, { key: 'k' });
    expect(api.messages).toHaveLength(2);
    expect(api.callsOf('conversations.history')).toHaveLength(0);
  });

  it('posts, and logs why, when Slack refuses the search', async () => {
    const { slack, api, logs } = await gateway();
    await slack.post(CHANNEL, message, undefined, { key: 'k' });
    api.failNext('conversations.history', { error: 'missing_scope' });
    await slack.post(CHANNEL, message, undefined, { key: 'k', lookup: true });
    expect(api.messages).toHaveLength(2);
    expect(logs.join('')).toContain('could not search for an earlier post');
  });

  it('does not post when the search is rate-limited: the post waits and searches again', async () => {
    const { slack, api } = await gateway(STRICT);
    await slack.post(CHANNEL, message, undefined, { key: 'k' });
    api.failNext('conversations.history', { status: 429, retryAfter: 1 });
    await expect(slack.post(CHANNEL, message, undefined, { key: 'k', lookup: true })).rejects.toMatchObject({
      error: 'ratelimited',
    });
    expect(api.messages).toHaveLength(1);
    // Searched again once Slack allows it: the message is found, not posted a second time.
    await slack.post(CHANNEL, message, undefined, { key: 'k', lookup: true });
    expect(api.messages).toHaveLength(1);
  });
});
