/**
 * Work that must survive the process doing it. Before a Slack request is
 * acknowledged, or a step starts running, a row is written under this
 * process's lease; a timer renews the leases of everything still in flight;
 * the row is deleted when the work is done. A process killed in between
 * leaves rows whose lease runs out: every replica sweeps for those and one
 * takes each over, handing it to the handler of its kind (replay the Slack
 * request; fail the interrupted steps so people can run them again).
 */
import type { Logger } from 'pino';
import type { Clock, LeasedWork, LeaseStore } from '../../core/ports.js';

export type LeaseHandler = (work: LeasedWork) => Promise<void>;

export interface WorkLeasesOptions {
  readonly store: LeaseStore;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Who holds the lease (host:pid); distinct per running process. */
  readonly claimant: string;
  /** Unique per process start, so keys made here never repeat after a restart (pid 1 in containers). */
  readonly bootId: string;
  /** How long a dead process's work waits before another takes it over (default 30 s). */
  readonly leaseMs?: number | undefined;
  /** Takeovers of one row before it is given up with an error log (a request that crashes every process). */
  readonly maxAttempts?: number | undefined;
  /** How long a row `forget` was called for may wait to be deleted with others (default 200 ms, at most a quarter of the lease). */
  readonly forgetBatchMs?: number | undefined;
}

/** Rows forgotten in one batch at most; a full batch is deleted at once. */
const FORGET_BATCH = 256;

export class WorkLeases {
  readonly leaseMs: number;
  private readonly maxAttempts: number;
  private readonly inFlight = new Set<string>();
  private readonly handlers = new Map<string, LeaseHandler>();
  private readonly timers: NodeJS.Timeout[] = [];
  private sweeping: Promise<number> | undefined;
  private sequence = 0;
  private forgotten: string[] = [];
  private forgetTimer: NodeJS.Timeout | undefined;
  private readonly forgetBatchMs: number;

  constructor(private readonly options: WorkLeasesOptions) {
    this.leaseMs = options.leaseMs ?? 30_000;
    this.maxAttempts = options.maxAttempts ?? 5;
    // Well inside the lease: a forgotten row is deleted long before anyone could take it over.
    this.forgetBatchMs = Math.min(options.forgetBatchMs ?? 200, Math.floor(this.leaseMs / 4));
  }

  /** What to do with work of this kind whose process died. */
  on(kind: string, handler: LeaseHandler): void {
    this.handlers.set(kind, handler);
  }

  /** A key no other process and no earlier start of this one can make. */
  newKey(prefix: string): string {
    this.sequence += 1;
    return `${prefix}:${this.options.bootId}:${this.sequence}`;
  }

  /** Writes the row before the work starts; false when the key is held already (by anyone). */
  async hold(work: { key: string; kind: string; body: string }): Promise<boolean> {
    const held = await this.options.store.hold(
      work,
      this.options.claimant,
      this.options.clock.now(),
      this.leaseMs,
    );
    if (held) this.inFlight.add(work.key);
    return held;
  }

  /** The work is done: forget the row. */
  async release(key: string): Promise<void> {
    this.inFlight.delete(key);
    await this.options.store.release([key]);
  }

  /**
   * The work is done and its key is never held again (a Slack request's trigger_id): its row is
   * deleted later, with the others finished meanwhile, in one write off the request's path. The
   * row is no longer renewed; a process that stops before the batch is written leaves it to be
   * taken over when its lease ends, and the replay of finished work changes nothing (the
   * listeners' idempotency keys), as for a process killed between finishing and releasing.
   */
  forget(key: string): void {
    this.inFlight.delete(key);
    this.forgotten.push(key);
    if (this.forgotten.length >= FORGET_BATCH) void this.flushForgotten().catch(() => {});
    else if (!this.forgetTimer) {
      this.forgetTimer = setTimeout(() => void this.flushForgotten().catch(() => {}), this.forgetBatchMs);
      this.forgetTimer.unref();
    }
  }

  /** Deletes the forgotten rows now (on a timer, on a full batch, and when the server stops). */
  async flushForgotten(): Promise<void> {
    clearTimeout(this.forgetTimer);
    this.forgetTimer = undefined;
    const keys = this.forgotten;
    if (keys.length === 0) return;
    this.forgotten = [];
    try {
      await this.options.store.release(keys);
    } catch (error) {
      // Left to their leases: taken over and replayed, which changes nothing.
      this.options.logger.warn(
        { keys: keys.length, err: String(error) },
        'finished Slack requests not forgotten; their leases expire',
      );
    }
  }

  /** Stops renewing without deleting: another process takes it over when the lease ends. */
  abandon(key: string): void {
    this.inFlight.delete(key);
  }

  /** Renews every lease still in flight and sweeps for dead processes' work, on timers. */
  start(): void {
    const every = (ms: number, fn: () => Promise<unknown>) => {
      const timer = setInterval(() => {
        fn().catch((error) =>
          this.options.logger.warn({ err: String(error) }, 'leased work: renewal or sweep failed'),
        );
      }, ms);
      timer.unref();
      this.timers.push(timer);
    };
    every(Math.max(50, Math.floor(this.leaseMs / 3)), () => this.renew());
    every(Math.max(50, Math.floor(this.leaseMs / 4)), () => this.sweep());
    void this.sweep().catch(() => {});
  }

  stop(): void {
    for (const timer of this.timers) clearInterval(timer);
    this.timers.length = 0;
  }

  async renew(now = this.options.clock.now()): Promise<void> {
    if (this.inFlight.size === 0) return;
    await this.options.store.renew([...this.inFlight], this.options.claimant, now, this.leaseMs);
  }

  /** Takes over expired work and hands each row to its handler; returns how many were finished. */
  sweep(): Promise<number> {
    // One sweep at a time per process; a timer firing during a long takeover joins it.
    this.sweeping ??= this.sweepOnce().finally(() => {
      this.sweeping = undefined;
    });
    return this.sweeping;
  }

  private async sweepOnce(): Promise<number> {
    const { store, clock, claimant, logger } = this.options;
    const now = clock.now();
    // This process's own work is renewed first, at the instant the sweep reads, so a live process
    // never takes its own unfinished work for a dead one's and fails it as interrupted. Without
    // it, an event loop stalled past the lease, or a clock that moved faster than these timers (a
    // test's fake clock that a verification loop's sleeps advanced 30 s a round), did just that.
    await this.renew(now);
    const taken = await store.claimExpired(now, claimant, this.leaseMs, 20);
    let finished = 0;
    for (const work of taken) {
      const handler = this.handlers.get(work.kind);
      if (!handler || work.attempts > this.maxAttempts) {
        logger.error(
          { key: work.key, kind: work.kind, attempts: work.attempts, heldSince: work.heldSince },
          handler
            ? 'leased work given up: every process that took it over stopped before finishing it'
            : 'leased work of an unknown kind dropped',
        );
        await store.release([work.key]);
        continue;
      }
      this.inFlight.add(work.key);
      try {
        logger.warn(
          { key: work.key, kind: work.kind, attempts: work.attempts, heldSince: work.heldSince },
          'taking over work a stopped process left unfinished',
        );
        await handler(work);
        await this.release(work.key);
        finished += 1;
      } catch (error) {
        logger.warn({ key: work.key, err: String(error) }, 'taking over leased work failed; retried later');
        this.abandon(work.key);
      }
    }
    return finished;
  }
}
