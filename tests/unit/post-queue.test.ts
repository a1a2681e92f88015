/**
 * The durable Slack post queue (src/slack/post-queue.ts) on a real SQLite store, with a fake
 * clock and timers (no real waits) and a fake sender that can refuse like Slack does.
 */
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SqliteStore } from '../../src/adapters/store/sqlite-store.js';
import type { Store } from '../../src/core/ports.js';
import { explainSlackError, type PostOptions, SlackApiError } from '../../src/slack/gateway.js';
import { parsePace } from '../../src/slack/post-pace.js';
import {
  PostQueue,
  type PostQueueOptions,
  type PostSender,
  type Timers,
} from '../../src/slack/post-queue.js';
import { sqliteFactory } from '../helpers/stores.js';

const T0 = Date.parse('2026-12-06T10:00:00.000Z');
const logger = pino({ level: 'silent' });
const msg = (text: string) => ({ text, blocks: [] });

/** Time that moves only when told; timers fire in order as it passes. */
class FakeTime implements Timers {
  now = T0;
  private seq = 0;
  private readonly pending = new Map<number, { at: number; fn: () => void }>();
  readonly clock = { now: () => new Date(this.now) };
  setTimeout(fn: () => void, ms: number): unknown {
    const id = ++this.seq;
    this.pending.set(id, { at: this.now + ms, fn });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.pending.delete(handle as number);
  }
  /** Moves time forward by `ms`, firing every timer due on the way and letting its work settle. */
  async advance(ms: number): Promise<void> {
    const end = this.now + ms;
    for (;;) {
      await settle();
      const next = [...this.pending.entries()].sort((a, b) => a[1].at - b[1].at)[0];
      if (!next || next[1].at > end) break;
      this.pending.delete(next[0]);
      this.now = Math.max(this.now, next[1].at);
      next[1].fn();
    }
    this.now = end;
    await settle();
  }
}

/** The store's WAL syncs under way (a write answers once its sync ends: real I/O, not fake time). */
let syncsUnderWay: () => Promise<void> = async () => {};

async function settle() {
  for (let i = 0; i < 20; i++) {
    await new Promise((r) => setImmediate(r));
    await syncsUnderWay();
  }
}

type Fault = { error: string; retryAfterMs?: number };

/** Slack's side: what arrived when, refusing with scripted faults; a keyed post is found by lookup. */
class FakeSender implements PostSender {
  readonly posts: {
    channel: string;
    text: string;
    key?: string | undefined;
    at: number;
    threadTs?: string | undefined;
  }[] = [];
  readonly updates: { channel: string; ts: string; text: string; at: number }[] = [];
  readonly faults = new Map<string, Fault[]>();
  hang = false;
  constructor(private readonly time: FakeTime) {}
  async post(channel: string, message: { text: string }, threadTs?: string, options: PostOptions = {}) {
    if (this.hang) return new Promise<never>(() => {});
    const fault = this.faults.get(channel)?.shift();
    if (fault)
      throw new SlackApiError(
        'chat.postMessage',
        fault.error,
        explainSlackError(fault.error),
        fault.retryAfterMs,
      );
    if (options.lookup && options.key) {
      const found = this.posts.find((p) => p.key === options.key);
      if (found) return { channel, ts: `${found.at}.0` };
    }
    this.posts.push({ channel, text: message.text, key: options.key, at: this.time.now, threadTs });
    return { channel, ts: `${this.time.now}.${this.posts.length}` };
  }
  async update(channel: string, ts: string, message: { text: string }) {
    this.updates.push({ channel, ts, text: message.text, at: this.time.now });
  }
  times(channel: string) {
    return this.posts.filter((p) => p.channel === channel).map((p) => p.at - T0);
  }
}

describe('Slack post queue', () => {
  let store: Store;
  let cleanup: () => Promise<void>;
  let time: FakeTime;
  let sender: FakeSender;
  const queues: PostQueue[] = [];
  const failures: { key: string; incidentId: string | null; code: string }[] = [];
  const queue = (extra: Partial<PostQueueOptions> = {}) => {
    const q = new PostQueue({
      store: store.posts,
      sender,
      clock: time.clock,
      timers: time,
      logger,
      claimant: 'p1',
      onFailure: async (row, code) => {
        failures.push({ key: row.key, incidentId: row.incidentId, code });
      },
      ...extra,
    });
    queues.push(q);
    q.start();
    return q;
  };

  beforeEach(async () => {
    ({ store, cleanup } = await sqliteFactory.create());
    const group = (store as SqliteStore).group;
    syncsUnderWay = async () => group?.idle();
    time = new FakeTime();
    sender = new FakeSender(time);
    failures.length = 0;
  });
  afterEach(async () => {
    for (const q of queues.splice(0)) await q.stop();
    await cleanup();
  });

  it('sends at most one post per second into a channel; another channel is not held back', async () => {
    const q = queue({ pace: { gapMs: 1000, perMinute: 0 } });
    for (const t of ['a', 'b', 'c']) await q.post({ channel: 'C1', message: msg(t) });
    await q.post({ channel: 'C2', message: msg('other') });
    await time.advance(5_000);
    expect(sender.times('C1')).toEqual([0, 1000, 2000]);
    expect(sender.posts.filter((p) => p.channel === 'C1').map((p) => p.text)).toEqual(['a', 'b', 'c']);
    expect(sender.times('C2')).toEqual([0]);
    expect(await store.posts.pendingPosts()).toBe(0);
  });

  it('caps the posts per minute into one channel (a storm stays readable)', async () => {
    const q = queue({ pace: parsePace('1s,3/min') });
    for (let i = 0; i < 5; i++) await q.post({ channel: 'C1', message: msg(`m${i}`) });
    await time.advance(120_000);
    expect(sender.times('C1')).toEqual([0, 1000, 2000, 60_000, 61_000]);
  });

  it('keeps the per-minute cap when another process takes the channel over', async () => {
    const a = queue({ claimant: 'A', pace: parsePace('1s,3/min') });
    for (let i = 0; i < 3; i++) await a.post({ channel: 'C1', message: msg(`a${i}`) });
    await time.advance(5_000);
    await a.stop();
    const b = queue({ claimant: 'B', pace: parsePace('1s,3/min') });
    await b.post({ channel: 'C1', message: msg('b0') });
    await time.advance(50_000);
    expect(sender.times('C1')).toEqual([0, 1000, 2000]);
    await time.advance(10_000);
    expect(sender.times('C1')).toEqual([0, 1000, 2000, 60_000]);
  });

  it('on 429 waits the Retry-After for that channel only; the post is sent after it, once', async () => {
    const q = queue({ pace: { gapMs: 1000, perMinute: 0 } });
    sender.faults.set('C1', [{ error: 'ratelimited', retryAfterMs: 7_000 }]);
    const first = await q.post({ channel: 'C1', message: msg('held'), options: { key: 'k1' } });
    await q.post({ channel: 'C2', message: msg('free') });
    await time.advance(3_000);
    await q.post({ channel: 'C2', message: msg('free again') });
    await time.advance(1_000);
    expect(sender.times('C1')).toEqual([]);
    expect(sender.times('C2')).toEqual([0, 3_000]);
    await time.advance(4_000);
    expect(sender.times('C1')).toEqual([7_000]);
    expect((await q.delivered(first.key)).ts).toMatch(new RegExp(`^${T0 + 7_000}\\.`));
  });

  it('retries a transient error with backoff, and gives up after the limit with a recorded failure', async () => {
    const q = queue({ maxAttempts: 3, pace: { gapMs: 0, perMinute: 0 } });
    sender.faults.set('C1', [{ error: 'request_error' }]);
    await q.post({ channel: 'C1', message: msg('flaky'), options: { key: 'flaky' } });
    await time.advance(999);
    expect(sender.times('C1')).toEqual([]);
    await time.advance(1);
    expect(sender.times('C1')).toEqual([1_000]);

    sender.faults.set('C9', [
      { error: 'service_unavailable' },
      { error: 'service_unavailable' },
      { error: 'service_unavailable' },
    ]);
    await q.post({
      channel: 'C9',
      message: msg('doomed'),
      options: { key: 'doomed' },
      incidentId: 'GC-2026-0007',
    });
    const outcome = q.delivered('doomed').catch((e: unknown) => e);
    await time.advance(10_000);
    expect(await outcome).toMatchObject({ error: 'service_unavailable' });
    expect(failures).toEqual([{ key: 'doomed', incidentId: 'GC-2026-0007', code: 'service_unavailable' }]);
    expect(await store.posts.postByKey('doomed')).toMatchObject({ state: 'failed', attempts: 3 });
  });

  it('a permanent error fails the post at once, is reported with its incident, and the channel goes on', async () => {
    const q = queue({ pace: { gapMs: 0, perMinute: 0 } });
    sender.faults.set('C1', [{ error: 'channel_not_found' }]);
    await q.post({
      channel: 'C1',
      message: msg('lost'),
      options: { key: 'lost' },
      incidentId: 'GC-2026-0001',
    });
    await q.post({ channel: 'C1', message: msg('next') });
    const outcome = q.delivered('lost').catch((e: unknown) => e);
    await time.advance(10);
    const error = await outcome;
    expect(error).toBeInstanceOf(SlackApiError);
    expect((error as SlackApiError).explanation).toMatch(/cannot see that channel/);
    expect(failures).toEqual([{ key: 'lost', incidentId: 'GC-2026-0001', code: 'channel_not_found' }]);
    expect(sender.posts.map((p) => p.text)).toEqual(['next']);
  });

  it('coalesces card updates: only the newest body of a message is sent, before waiting posts', async () => {
    const q = queue({ pace: { gapMs: 1000, perMinute: 0 } });
    sender.faults.set('C1', [{ error: 'ratelimited', retryAfterMs: 5_000 }]);
    await q.post({ channel: 'C1', message: msg('held post') });
    await time.advance(10);
    // The channel waits for its Retry-After; meanwhile the card is redrawn three times.
    for (const v of [1, 2, 3]) await q.update('C1', '42.0', msg(`card v${v}`), 'GC-2026-0001');
    await time.advance(4_000);
    expect(sender.updates).toEqual([]);
    await time.advance(1_000);
    await time.advance(20);
    expect(sender.updates.map((u) => u.text)).toEqual(['card v3']);
    // The edit went first; the post after it, once the Retry-After had passed.
    expect(sender.times('C1')).toHaveLength(1);
    expect(sender.times('C1')[0]).toBeGreaterThanOrEqual(5_000);
    expect(sender.updates[0]?.at).toBeLessThanOrEqual(sender.posts[0]?.at ?? 0);
    const key = await q.update('C1', '42.0', msg('card v4'));
    await time.advance(10);
    expect(sender.updates.map((u) => u.text)).toEqual(['card v3', 'card v4']);
    await expect(q.delivered(key)).resolves.toEqual({ channel: 'C1', ts: '42.0' });
  });

  it('an edit does not wait for the posting pace', async () => {
    const q = queue({ pace: { gapMs: 1000, perMinute: 1 } });
    await q.post({ channel: 'C1', message: msg('a') });
    await q.post({ channel: 'C1', message: msg('b') });
    await time.advance(10);
    await q.update('C1', '42.0', msg('card'));
    await time.advance(10);
    expect(sender.updates.map((u) => u.at - T0)).toEqual([10]);
    expect(sender.times('C1')).toEqual([0]);
    await time.advance(60_000);
    expect(sender.times('C1')).toEqual([0, 60_000]);
  });

  it('survives a restart: pending posts go out from the next process, none lost, none twice', async () => {
    // Process A's timers stop firing when it is killed: it renews nothing and lets nothing go.
    let dead = false;
    const aTimers: Timers = {
      setTimeout: (fn, ms) => time.setTimeout(() => dead || fn(), ms),
      clearTimeout: (handle) => time.clearTimeout(handle),
    };
    const a = queue({ claimant: 'A', pace: { gapMs: 1000, perMinute: 0 }, timers: aTimers });
    for (const t of ['one', 'two', 'three']) await a.post({ channel: 'C1', message: msg(t) });
    await time.advance(10);
    expect(sender.posts.map((p) => p.text)).toEqual(['one']);
    // Process A dies in the middle of sending 'two': Slack got it, the store never heard back.
    sender.hang = true;
    await time.advance(1_000);
    const before = sender.posts.length;
    sender.hang = false;
    // What 'two' looked like in Slack had A's send completed (its key in the metadata).
    const two = await store.posts.nextPost('C1');
    sender.posts.push({ channel: 'C1', text: 'two', key: two?.key, at: time.now });
    expect(sender.posts.length).toBe(before + 1);
    // A is killed (SIGKILL): its send never returns and it never lets the channel go.
    dead = true;
    queues.splice(queues.indexOf(a), 1);

    const b = queue({ claimant: 'B', pace: { gapMs: 1000, perMinute: 0 }, leaseMs: 30_000 });
    await time.advance(20_000);
    expect(sender.posts.map((p) => p.text)).toEqual(['one', 'two']);
    await time.advance(15_000);
    expect(sender.posts.map((p) => p.text)).toEqual(['one', 'two', 'three']);
    expect(await store.posts.pendingPosts()).toBe(0);
    await b.stop();
  });

  it('a replica up before the posts were queued looks them up when it takes the channel over', async () => {
    let dead = false;
    const aTimers: Timers = {
      setTimeout: (fn, ms) => time.setTimeout(() => dead || fn(), ms),
      clearTimeout: (handle) => time.clearTimeout(handle),
    };
    const a = queue({ claimant: 'A', pace: { gapMs: 1000, perMinute: 0 }, timers: aTimers });
    // B has been running all along: the posts are not older than B, yet A may have sent them.
    const b = queue({ claimant: 'B', pace: { gapMs: 1000, perMinute: 0 }, leaseMs: 30_000 });
    await time.advance(10);
    for (const t of ['one', 'two', 'three']) await a.post({ channel: 'C1', message: msg(t) });
    await time.advance(10);
    expect(sender.posts.map((p) => p.text)).toEqual(['one']);
    sender.hang = true;
    await time.advance(1_000);
    sender.hang = false;
    // A's send of 'two' reached Slack; A died before recording it.
    const two = await store.posts.nextPost('C1');
    sender.posts.push({ channel: 'C1', text: 'two', key: two?.key, at: time.now });
    dead = true;
    queues.splice(queues.indexOf(a), 1);
    await time.advance(40_000);
    expect(sender.posts.map((p) => p.text)).toEqual(['one', 'two', 'three']);
    expect(await store.posts.pendingPosts()).toBe(0);
    await b.stop();
  });

  it('stop() keeps a channel whose send is in flight: no other process sends it again at once', async () => {
    const a = queue({ claimant: 'A', pace: { gapMs: 0, perMinute: 0 } });
    queues.splice(queues.indexOf(a), 1);
    sender.hang = true;
    await a.post({ channel: 'C1', message: msg('slow') });
    await time.advance(10);
    const stopping = a.stop();
    await time.advance(5_000);
    await stopping;
    // Still A's: another claimant gets it only when A's lease ends, and knows it took it over.
    expect(await store.posts.claimPostChannels(time.clock.now(), 'B', 30_000, 10)).toEqual([]);
    await time.advance(30_000);
    expect(await store.posts.claimPostChannels(time.clock.now(), 'B', 30_000, 10)).toEqual([
      { channel: 'C1', takenOver: true },
    ]);
  });

  it('a post enqueued twice with one key (a retried request) is sent once', async () => {
    const q = queue({ pace: { gapMs: 0, perMinute: 0 } });
    await q.post({ channel: 'C1', message: msg('card'), options: { key: 'card:GC-1' } });
    await q.post({ channel: 'C1', message: msg('card'), options: { key: 'card:GC-1' } });
    await time.advance(10);
    expect(sender.posts.map((p) => p.key)).toEqual(['card:GC-1']);
    await expect(q.delivered('card:GC-1')).resolves.toMatchObject({ channel: 'C1' });
  });

  it('forgets settled posts a day after they settled, not before', async () => {
    // An hourly look for others' posts: a day of fake time passes in 24 ticks.
    const q = queue({ pace: { gapMs: 0, perMinute: 0 }, pollMs: 3_600_000 });
    await q.post({ channel: 'C1', message: msg('old'), options: { key: 'old' } });
    await time.advance(10);
    expect(await store.posts.postByKey('old')).toMatchObject({ state: 'sent' });
    await time.advance(23 * 3_600_000);
    expect(await store.posts.postByKey('old')).toBeDefined();
    await time.advance(2 * 3_600_000);
    expect(await store.posts.postByKey('old')).toBeUndefined();
  });

  it('SLACK_POST_PACE', () => {
    expect(parsePace(undefined)).toEqual({ gapMs: 1000, perMinute: 20 });
    expect(parsePace('1500ms')).toEqual({ gapMs: 1500, perMinute: 0 });
    expect(parsePace('2s,10/min')).toEqual({ gapMs: 2000, perMinute: 10 });
    expect(parsePace('0')).toEqual({ gapMs: 0, perMinute: 0 });
    expect(() => parsePace('fast')).toThrow(/SLACK_POST_PACE/);
  });
});
