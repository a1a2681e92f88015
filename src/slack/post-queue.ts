/**
 * One durable queue of Slack posts per channel. A post is written to the store before it is
 * sent, so a restart (or another replica, once this one's lease on the channel ends) sends what
 * was pending; its idempotency key travels in the message's metadata, so a send that may have
 * reached Slack before its process died is looked for before it is made again.
 *
 * One process at a time drains a channel, at the channel's pace (post-pace.ts). A 429 holds
 * back that channel alone for its Retry-After; transient errors back off and give up after
 * `maxAttempts`; a permanent error (channel_not_found, not_in_channel, …) fails the post and is
 * reported through `onFailure` (the server records it on the incident). Card updates of one
 * message coalesce: only the newest body is sent.
 *
 * The clock and timers are injected: tests drive it with a fake clock.
 */
import { randomUUID } from 'node:crypto';
import type { QueuedPostRow } from '../core/ports.js';
import type { SlackMessage } from './blocks/common.js';
import { explainSlackError, SlackApiError } from './gateway.js';
import { backoffMs, classifySendError, DEFAULT_PACE, nextPostAt, type Pace } from './post-pace.js';
import type { PostBody as Body, EnqueueRequest, PostQueueOptions } from './post-queue-types.js';

export { realTimers, type Timers } from './post-pace.js';
export type { EnqueueRequest, PostQueueOptions, PostSender } from './post-queue-types.js';

type Waiter = { resolve: (r: { channel: string; ts: string }) => void; reject: (e: Error) => void };

export class PostQueue {
  private readonly pace: Pace;
  private readonly leaseMs: number;
  private readonly maxAttempts: number;
  private readonly pollMs: number;
  /** Channels a lane of this process is draining now. */
  private readonly busy = new Set<string>();
  /** Recent post times per channel (this process's), for the per-minute cap. */
  private readonly sent = new Map<string, number[]>();
  private readonly waiters = new Map<string, Waiter[]>();
  private timer: unknown;
  private timerAt = Number.POSITIVE_INFINITY;
  private ticking: Promise<void> | undefined;
  private again = false;
  private stopped = true;
  private readonly lanes = new Set<Promise<void>>();
  /** Lanes pausing for their pace, woken when their channel gets something new. */
  private readonly pokes = new Map<string, () => void>();
  /** Channels this process claimed: let go on stop. */
  private readonly held = new Set<string>();
  private prunedAt = Number.NEGATIVE_INFINITY;
  private startedAt = Number.POSITIVE_INFINITY;
  /**
   * Channels taken over from another claimant whose lease ended (it may have sent a post and died
   * before recording it): their posts are looked for in Slack before they are sent.
   */
  private readonly takenOver = new Set<string>();
  /** Channels with a send under way (or one whose outcome was never recorded: the store failed). */
  private readonly inFlight = new Set<string>();
  /** Channels given something since their lane last looked (a lane letting go looks again). */
  private readonly dirty = new Set<string>();

  constructor(private readonly o: PostQueueOptions) {
    this.pace = o.pace ?? DEFAULT_PACE;
    this.leaseMs = o.leaseMs ?? 30_000;
    this.maxAttempts = o.maxAttempts ?? 5;
    this.pollMs = o.pollMs ?? 1000;
  }

  start(): void {
    this.stopped = false;
    this.startedAt = this.o.clock.now().getTime();
    this.wake(0);
  }

  /** Stops sending; the channels this process holds are let go, so another takes them at once. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const poke of [...this.pokes.values()]) poke();
    if (this.timer !== undefined) this.o.timers.clearTimeout(this.timer);
    this.timer = undefined;
    await this.ticking;
    // A send in flight finishes (waited for at most 5 s here).
    await new Promise<void>((resolve) => {
      const handle = this.o.timers.setTimeout(resolve, 5_000);
      void Promise.all([...this.lanes]).then(() => {
        this.o.timers.clearTimeout(handle);
        resolve();
      });
    });
    // A channel with a send still in flight is never let go: another process would send it again
    // at once. Its lane lets it go once the send is recorded; if this process dies first, the
    // lease ends and the next claimant, taking it over, looks the post up before sending.
    for (const channel of [...this.held]) if (!this.inFlight.has(channel)) await this.letGo(channel);
  }

  private async letGo(channel: string): Promise<void> {
    this.held.delete(channel);
    await this.o.store.releasePostChannel(channel, this.o.claimant).catch(() => undefined);
  }

  /** Queues a new message; it is stored when this resolves. */
  async post(request: EnqueueRequest): Promise<QueuedPostRow> {
    const body: Body = {
      message: request.message,
      threadTs: request.threadTs,
      broadcast: request.options?.broadcast,
      lookup: request.options?.lookup,
    };
    const row = await this.o.store.enqueuePost(
      {
        key: request.options?.key ?? `post:${randomUUID()}`,
        channel: request.channel,
        kind: 'post',
        body: JSON.stringify(body),
        incidentId: request.incidentId,
      },
      this.o.clock.now(),
    );
    this.kick(request.channel);
    return row;
  }

  /** Queues an edit of a message; an edit of the same message still waiting is replaced by this one. */
  async update(channel: string, ts: string, message: SlackMessage, incidentId?: string): Promise<string> {
    const body: Body = { message, ts };
    const row = await this.o.store.enqueuePost(
      { key: `update:${channel}:${ts}`, channel, kind: 'update', body: JSON.stringify(body), incidentId },
      this.o.clock.now(),
    );
    this.kick(channel);
    return row.key;
  }

  /** Where the post landed, once sent (by this process or another); its Slack error once it failed. */
  async delivered(key: string): Promise<{ channel: string; ts: string }> {
    for (;;) {
      const row = await this.o.store.postByKey(key);
      if (!row)
        throw new SlackApiError('chat.postMessage', 'unknown_error', explainSlackError('unknown_error'));
      if (row.state === 'sent' && row.resultTs) return { channel: row.channel, ts: row.resultTs };
      if (row.state === 'failed') {
        const code = row.error ?? 'unknown_error';
        throw new SlackApiError('chat.postMessage', code, explainSlackError(code));
      }
      // Woken by this process's lane, or after pollMs to read what another process did.
      await new Promise<void>((resolve) => {
        const handle = this.o.timers.setTimeout(() => done(), this.pollMs);
        const done = () => {
          this.o.timers.clearTimeout(handle);
          this.removeWaiter(key, waiter);
          resolve();
        };
        const waiter: Waiter = { resolve: done, reject: done };
        this.waiters.set(key, [...(this.waiters.get(key) ?? []), waiter]);
      });
    }
  }

  private removeWaiter(key: string, waiter: Waiter) {
    const rest = (this.waiters.get(key) ?? []).filter((w) => w !== waiter);
    if (rest.length) this.waiters.set(key, rest);
    else this.waiters.delete(key);
  }

  private settled(key: string) {
    for (const w of this.waiters.get(key) ?? []) w.resolve({ channel: '', ts: '' });
  }

  /**
   * Something was queued for the channel: its lane, when this process drains it, takes it on its
   * next look (no claim, no write); otherwise a tick claims the channel.
   */
  private kick(channel: string): void {
    this.dirty.add(channel);
    if (this.busy.has(channel)) this.pokes.get(channel)?.();
    else this.wake(0);
  }

  /** A tick in `ms` (or sooner, when one is due sooner already). */
  private wake(ms: number): void {
    if (this.stopped) return;
    const at = this.o.clock.now().getTime() + Math.max(0, ms);
    if (this.timer !== undefined && this.timerAt <= at) return;
    if (this.timer !== undefined) this.o.timers.clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = this.o.timers.setTimeout(
      () => {
        this.timer = undefined;
        this.timerAt = Number.POSITIVE_INFINITY;
        void this.tick();
      },
      Math.max(0, ms),
    );
  }

  /** Claims the channels that have posts due and starts a lane for each not drained already. */
  tick(): Promise<void> {
    if (this.ticking) {
      this.again = true;
      return this.ticking;
    }
    this.ticking = (async () => {
      try {
        await this.prune();
        do {
          this.again = false;
          const channels = await this.o.store.claimPostChannels(
            this.o.clock.now(),
            this.o.claimant,
            this.leaseMs,
            100,
          );
          for (const { channel, takenOver } of channels) {
            this.held.add(channel);
            if (takenOver) this.takenOver.add(channel);
            if (this.busy.has(channel) || this.stopped) continue;
            this.busy.add(channel);
            const lane = this.drain(channel).finally(async () => {
              this.busy.delete(channel);
              this.lanes.delete(lane);
              // Stopped while its send was in flight: let go now that the send is recorded.
              if (this.stopped && this.held.has(channel) && !this.inFlight.has(channel))
                await this.letGo(channel);
            });
            this.lanes.add(lane);
          }
        } while (this.again && !this.stopped);
      } catch (error) {
        this.o.logger.warn({ err: String(error) }, 'post queue: could not claim channels; trying again');
      } finally {
        this.ticking = undefined;
        this.wake(this.pollMs);
      }
    })();
    return this.ticking;
  }

  /**
   * Hourly, forgets posts settled over a day ago: their keys dedupe retries and replicas, which
   * come within minutes; the message's metadata still finds an older one (PostOptions.lookup).
   */
  private async prune(): Promise<void> {
    const now = this.o.clock.now().getTime();
    if (now - this.prunedAt < 3_600_000) return;
    this.prunedAt = now;
    const forgotten = await this.o.store.prunePosts(new Date(now - 86_400_000));
    if (forgotten > 0) this.o.logger.debug({ forgotten }, 'post queue: settled posts forgotten');
  }

  /**
   * Sends the channel's queue: edits first (they wait for no pace: the message exists, and only
   * the newest body is left), then posts in order, each when the pace allows. While a post waits
   * for its pace the lane holds the channel and wakes for an edit queued meanwhile. A 429 or a
   * backoff defers the whole channel in the store, so whichever process holds it next waits too.
   */
  private async drain(channel: string): Promise<void> {
    try {
      // The pace of posts another process sent into the channel before this one took it.
      const before = await this.o.store.recentSends(channel);
      const mine = this.sent.get(channel) ?? [];
      this.sent.set(
        channel,
        [...new Set([...before, ...mine])].sort((a, b) => a - b),
      );
      while (!this.stopped) {
        this.dirty.delete(channel);
        const row = await this.o.store.nextPost(channel);
        if (!row) {
          await this.o.store.releasePostChannel(channel, this.o.claimant);
          this.held.delete(channel);
          this.takenOver.delete(channel);
          // Queued while it let go: a tick claims the channel again.
          if (this.dirty.has(channel)) this.wake(0);
          return;
        }
        const now = this.o.clock.now().getTime();
        if (row.kind === 'post') {
          const due = nextPostAt(this.recent(channel, now), this.pace);
          if (due > now) {
            await this.pause(channel, Math.min(due - now, this.pollMs));
            continue;
          }
        }
        const wait = await this.send(row);
        if (wait !== undefined) {
          await this.deferFor(channel, wait);
          return;
        }
      }
    } catch (error) {
      this.o.logger.warn({ channel, err: String(error) }, 'post queue: store unavailable; trying again');
      this.wake(this.pollMs);
    }
  }

  /** Waits `ms`, or less when something is queued for the channel meanwhile. */
  private pause(channel: string, ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const handle = this.o.timers.setTimeout(() => done(), ms);
      const done = () => {
        this.o.timers.clearTimeout(handle);
        this.pokes.delete(channel);
        resolve();
      };
      this.pokes.set(channel, done);
    });
  }

  private async deferFor(channel: string, ms: number): Promise<void> {
    await this.o.store.deferChannel(channel, new Date(this.o.clock.now().getTime() + ms));
    this.wake(ms);
  }

  private recent(channel: string, now: number): number[] {
    const kept = (this.sent.get(channel) ?? []).filter((t) => t > now - 60_000);
    this.sent.set(channel, kept);
    return kept;
  }

  /** One send; how long the channel must wait before the next, or undefined to go on. */
  private async send(row: QueuedPostRow): Promise<number | undefined> {
    const body = JSON.parse(row.body) as Body;
    // A send of this process whose outcome was never recorded (the store failed after it).
    const unrecorded = this.inFlight.has(row.channel);
    this.inFlight.add(row.channel);
    let outcome: { ts: string } | { error: string };
    try {
      if (row.kind === 'update') {
        await this.o.sender.update(row.channel, body.ts as string, body.message);
        outcome = { ts: body.ts as string };
      } else {
        const posted = await this.o.sender.post(row.channel, body.message, body.threadTs, {
          key: row.key,
          // A send after a failed one (a timeout may have reached Slack), of a post queued before
          // this process started, or in a channel taken over from another claimant (the process
          // that had it may have sent it, then died before recording it).
          lookup:
            body.lookup ||
            row.attempts > 0 ||
            unrecorded ||
            this.takenOver.has(row.channel) ||
            row.queuedAt.getTime() < this.startedAt,
          broadcast: body.broadcast,
        });
        const now = this.o.clock.now().getTime();
        this.sent.set(row.channel, [...this.recent(row.channel, now), now]);
        outcome = { ts: posted.ts };
      }
    } catch (error) {
      const failure = classifySendError(error, backoffMs(row.attempts + 1));
      if (failure.kind === 'rate-limited') {
        this.o.logger.info(
          { channel: row.channel, waitMs: failure.waitMs },
          'Slack rate limit: the channel waits',
        );
        this.inFlight.delete(row.channel);
        return failure.waitMs;
      }
      const attempts = failure.kind === 'transient' ? await this.o.store.countAttempt(row.key) : 0;
      if (failure.kind === 'transient' && attempts < this.maxAttempts) {
        this.o.logger.warn(
          { channel: row.channel, key: row.key, error: failure.code, attempts },
          'post failed; retrying',
        );
        this.inFlight.delete(row.channel);
        return backoffMs(attempts);
      }
      outcome = { error: failure.code };
    }
    const settled = await this.o.store.settlePost(
      row.key,
      row.revision,
      outcome,
      this.o.clock.now(),
      row.kind === 'post' && 'ts' in outcome ? this.sent.get(row.channel) : undefined,
    );
    this.inFlight.delete(row.channel);
    if (settled && 'error' in outcome) await this.failed(row, outcome.error);
    this.settled(row.key);
    return undefined;
  }

  private async failed(row: QueuedPostRow, code: string): Promise<void> {
    this.o.logger.warn({ channel: row.channel, key: row.key, error: code }, 'Slack refused a post for good');
    try {
      await this.o.onFailure?.(row, code);
    } catch (error) {
      this.o.logger.warn({ key: row.key, err: String(error) }, 'could not record the failed post');
    }
  }
}
