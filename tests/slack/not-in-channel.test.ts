/**
 * Every Web API call that needs the bot in a channel answers `not_in_channel` in the loopback
 * fake as Slack does when the bot has not joined: in a public channel the gateway joins and
 * retries (posting, history and thread look-ups, updates, ephemeral replies, uploads); in a
 * private one it cannot, and the error says who must invite it where.
 */
import { WebClient } from '@slack/web-api';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/adapters/clock.js';
import { createAppMetrics } from '../../src/adapters/observability/app-metrics.js';
import { createLogger } from '../../src/adapters/observability/logger.js';
import { SlackApiError, WebSlackGateway } from '../../src/slack/gateway.js';
import { FakeSlackApi } from '../helpers/slack-api.js';

const PUBLIC = 'C0PUBLIC01';
const PRIVATE = 'G0PRIVATE1';
const message = { text: 'GC-2026-0001 card', blocks: [] };
let api: FakeSlackApi | undefined;
afterEach(async () => {
  await api?.stop();
  api = undefined;
});

async function gateway() {
  api = await new FakeSlackApi().start();
  api.channels.set(PUBLIC, false);
  api.channels.set(PRIVATE, false);
  api.privateChannels.add(PRIVATE);
  const slack = new WebSlackGateway(
    new WebClient(api.token, { slackApiUrl: api.url, retryConfig: { retries: 0 } }),
    createAppMetrics({ defaultMetrics: false }),
    createLogger({ level: 'silent' }),
    systemClock,
  );
  return { slack, api };
}

describe('channels the bot is not in', () => {
  it('a keyed post with a look-up joins the public channel, then finds or posts', async () => {
    const { slack, api } = await gateway();
    const card = await slack.post(PUBLIC, message, undefined, { key: 'card:1', lookup: true });
    expect(api.channels.get(PUBLIC)).toBe(true);
    expect(api.callsOf('conversations.history').map((c) => c.error ?? 'ok')).toEqual([
      'not_in_channel',
      'ok',
    ]);
    expect(api.callsOf('conversations.join')).toHaveLength(1);
    // Found again in the channel's history, not posted twice.
    expect(await slack.post(PUBLIC, message, undefined, { key: 'card:1', lookup: true })).toEqual(card);
    expect(api.messages.filter((m) => m.channel === PUBLIC)).toHaveLength(1);
  });

  it('updates, thread look-ups, ephemeral replies and uploads join and retry too', async () => {
    const { slack, api } = await gateway();
    const card = await slack.post(PUBLIC, message);
    // Someone removed the bot from the channel after the card was posted.
    api.channels.set(PUBLIC, false);
    await slack.update(PUBLIC, card.ts, { text: 'updated', blocks: [] });
    expect(api.messages.find((m) => m.ts === card.ts)?.text).toBe('updated');
    api.channels.set(PUBLIC, false);
    await slack.post(PUBLIC, message, card.ts, { key: 'reply:1', lookup: true });
    expect(api.callsOf('conversations.replies').map((c) => c.error ?? 'ok')).toEqual([
      'not_in_channel',
      'ok',
    ]);
    api.channels.set(PUBLIC, false);
    await slack.ephemeral(PUBLIC, 'U0ALICE001', message);
    api.channels.set(PUBLIC, false);
    await slack.upload(PUBLIC, card.ts, { filename: 'x.md', title: 'x', content: Buffer.from('# x\n') });
    expect(api.files.map((f) => f.filename)).toEqual(['x.md']);
    // The first post joined as well: five joins for five calls made outside the channel.
    expect(api.callsOf('conversations.join').filter((c) => c.ok)).toHaveLength(5);
  });

  it('a private channel it cannot join: the error says to invite it there', async () => {
    const { slack, api } = await gateway();
    const error = await slack.post(PRIVATE, message).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SlackApiError);
    expect((error as SlackApiError).error).toBe('not_in_channel');
    expect((error as SlackApiError).explanation).toContain(`<#${PRIVATE}>`);
    expect((error as SlackApiError).explanation).toContain('/invite @gc-incident');
    expect(api.messages).toHaveLength(0);
  });
});
