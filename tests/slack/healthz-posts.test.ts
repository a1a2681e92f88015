/**
 * /healthz reports Slack's post queues (issue 31): what waits per channel, since when, and when
 * the channel may send next, as counts and channel ids (never a message's text). A backlog older
 * than POST_BACKLOG_DEGRADED_S makes the app degraded, never down: the incidents still work.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { POST_BACKLOG_DEGRADED_S } from '../../src/slack/health.js';
import { FakeClock } from '../helpers/engine.js';
import { CHANNEL, SlackHarness } from '../helpers/slack-app.js';

let h: SlackHarness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

async function healthz(harness: SlackHarness) {
  const res = await fetch(`http://127.0.0.1:${harness.port}/healthz`);
  return {
    status: res.status,
    body: (await res.json()) as {
      status: string;
      checks: { posts: { ok: boolean; error?: string } & Record<string, unknown> };
    },
  };
}

describe('/healthz and the post queues', () => {
  it('an empty queue: ok, nothing pending', async () => {
    h = await SlackHarness.start();
    const { status, body } = await healthz(h);
    expect(status).toBe(200);
    expect(body.status).toBe('ok');
    expect(body.checks.posts).toEqual({ ok: true, pending: 0, oldestSeconds: 0, channels: [] });
  });

  it('Slack rate-limits a channel: its backlog, its wait, and degraded once the oldest post waited too long', async () => {
    const clock = new FakeClock(Date.parse('2026-12-07T03:00:00.000Z'));
    h = await SlackHarness.start({ clock });
    // Slack answers the channel's posts with 429 and a long Retry-After.
    h.api.failNext('chat.postMessage', { status: 429, retryAfter: 600 }, { status: 429, retryAfter: 600 });
    await h.store.posts.enqueuePost(
      { key: 'secret-1', channel: CHANNEL, kind: 'post', body: '{"text":"the secret text"}' },
      clock.now(),
    );
    await h.store.posts.deferChannel(CHANNEL, new Date(clock.now().getTime() + 600_000));
    clock.advance(60_000);
    const early = await healthz(h);
    expect(early.status).toBe(200);
    expect(early.body.status).toBe('ok');
    expect(early.body.checks.posts).toMatchObject({
      ok: true,
      pending: 1,
      oldestSeconds: 60,
      channels: [{ channel: CHANNEL, pending: 1, oldestSeconds: 60, nextSendInSeconds: 540 }],
    });
    clock.advance((POST_BACKLOG_DEGRADED_S + 1) * 1000 - 60_000);
    const late = await healthz(h);
    // Degraded, not down: the store answers and incidents go on; the posts wait.
    expect(late.status).toBe(200);
    expect(late.body.status).toBe('degraded');
    expect(late.body.checks.posts.ok).toBe(false);
    expect(late.body.checks.posts.error).toContain(`waited ${POST_BACKLOG_DEGRADED_S + 1} s`);
    expect(JSON.stringify(late.body)).not.toContain('secret');
  });
});
