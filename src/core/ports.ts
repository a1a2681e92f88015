/**
 * The small interfaces the core depends on; adapters implement them and the
 * composition root (src/composition/) wires them.
 */
import type { Incident, TimelineEvent } from './incident/model.js';

export interface Clock {
  now(): Date;
}

export interface StoredResponse {
  readonly incidentId: string;
  /** Timeline positions the original command appended. */
  readonly seqs: readonly number[];
}

/**
 * Durable incidents: an append-only timeline per incident plus a snapshot of
 * the folded state, written together in one transaction.
 *
 * Implementations: SQLite (one process, the default) and PostgreSQL (several
 * replicas). Every implementation passes tests/contract/store.contract.ts.
 */
export interface IncidentStore {
  readonly kind: 'sqlite' | 'postgres';
  /** Applies pending schema migrations; safe to call on every start. */
  migrate(): Promise<void>;
  /** The next incident number of a year, atomically (GC-2026-0042 is number 42 of 2026). */
  nextIncidentNumber(year: number): Promise<number>;
  /**
   * Appends events when the incident is still at `expectedVersion` (0: it must not exist yet),
   * replaces the snapshot, and records the idempotency key, all or nothing. Returns false (and
   * writes nothing) when another writer got there first or the idempotency key is already taken:
   * the service relies on both to start commands from a state it has not read again.
   */
  append(
    incidentId: string,
    expectedVersion: number,
    events: readonly TimelineEvent[],
    snapshot: Incident,
    idempotencyKey?: string | undefined,
  ): Promise<boolean>;
  load(incidentId: string): Promise<Incident | undefined>;
  timeline(incidentId: string): Promise<TimelineEvent[]>;
  list(options?: {
    status?: Incident['status'] | undefined;
    limit?: number | undefined;
  }): Promise<Incident[]>;
  findIdempotent(key: string): Promise<StoredResponse | undefined>;
  /**
   * The latest incident (by opening time) whose cause is `cause` (src/core/alerts/cause.ts), in
   * any status; an indexed lookup, so alerts find their incident in one read.
   */
  findByCause(cause: string): Promise<Incident | undefined>;
  /**
   * Incidents of a runbook with a cause, opened at or after `since`, newest first (at most
   * `limit`): how many services one runbook's alerts hit lately (a storm becomes a fleet incident).
   */
  recentCauses(runbookId: string, since: Date, limit: number): Promise<CauseRow[]>;
  /**
   * What a command needs before it decides, in one read: the incident and, when the command
   * carries an idempotency key, what that key already recorded (a replay). Same answers as
   * `load` and `findIdempotent`; one round trip instead of two on a networked store.
   */
  loadForCommand(incidentId: string, idempotencyKey?: string | undefined): Promise<CommandRead>;
  /**
   * A command's read, decision and append holding the incident's write lock (PostgreSQL: its row
   * locked FOR UPDATE; SQLite: one BEGIN IMMEDIATE transaction), so no other writer can move the
   * incident in between and the append cannot lose a race. `decide` sees what `loadForCommand`
   * would return and gives what to append, or undefined to write nothing; when it throws, nothing
   * is written and the error is thrown. Costs a transaction: the service falls back to it only
   * when optimistic appends keep losing to a busy writer (two replicas in a storm).
   */
  commandLocked(
    incidentId: string,
    idempotencyKey: string | undefined,
    decide: LockedDecision,
  ): Promise<void>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface CauseRow {
  readonly cause: string;
  readonly incidentId: string;
  readonly service: string;
  /** What started it (an alert's trigger starts with ALERT_TRIGGER in src/core/alerts/fleet.ts). */
  readonly trigger: string | null;
}

/** What a locked command appends (see IncidentStore.commandLocked). */
export interface LockedAppend {
  readonly events: readonly TimelineEvent[];
  readonly snapshot: Incident;
}

export type LockedDecision = (read: CommandRead) => LockedAppend | undefined;

export interface CommandRead {
  readonly incident: Incident | undefined;
  readonly replay: StoredResponse | undefined;
}

export interface Sample {
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

export interface Series {
  readonly labels: Readonly<Record<string, string>>;
  readonly points: readonly (readonly [number, number])[];
}

/** Prometheus-compatible queries by datasource name (the HTTP client is its own adapter). */
export interface MetricsClient {
  instant(datasource: string, query: string, time: Date): Promise<Sample[]>;
  range(datasource: string, query: string, start: Date, end: Date, stepSeconds: number): Promise<Series[]>;
  /** Series a check keeps from this datasource's answers (default DEFAULT_MAX_SERIES, the worst ones). */
  maxSeries?(datasource: string): number;
}

export interface ReminderRequest {
  /** Deterministic (incident/item/kind/due), so scheduling twice, or from two replicas, adds one row. */
  readonly id: string;
  readonly incidentId: string;
  readonly itemId: string;
  readonly owner: string;
  readonly dueAt: Date;
}

/** Where a reminder was posted, recorded before it is marked sent (a retry after a crash skips those). */
export interface ReminderDelivery {
  readonly dm?: { readonly channel: string; readonly ts: string } | undefined;
  readonly thread?: { readonly channel: string; readonly ts: string } | undefined;
}

export interface ClaimedReminder extends ReminderRequest {
  readonly attempts: number;
  readonly delivery: ReminderDelivery;
}

/**
 * Durable follow-up reminders. Every replica's scheduler tick claims due rows atomically with a
 * lease (PostgreSQL: FOR UPDATE SKIP LOCKED; SQLite: one write transaction), so each reminder is
 * delivered by one process; a claim whose process died is claimable again when its lease ends.
 * Every implementation passes tests/contract/reminders.contract.ts.
 */
export interface ReminderStore {
  scheduleReminder(reminder: ReminderRequest): Promise<void>;
  claimDueReminders(now: Date, claimant: string, leaseMs: number, limit: number): Promise<ClaimedReminder[]>;
  /** Records where it was posted; false when the claim was lost (lease expired and taken). */
  recordDelivery(id: string, claimant: string, delivery: ReminderDelivery): Promise<boolean>;
  markSent(id: string, claimant: string, now: Date): Promise<boolean>;
  /** Cancels the item's pending reminders (done, won't do, snoozed, reassigned). */
  cancelReminders(incidentId: string, itemId: string, now: Date): Promise<number>;
  /** Reminders not sent nor cancelled; with `dueBy`, only those due by then. */
  pendingReminders(dueBy?: Date): Promise<number>;
  /** True for exactly one caller per key (a daily digest is sent once whatever the replicas). */
  claimOnce(key: string, claimant: string, now: Date): Promise<boolean>;
}

/** Work one process holds under a lease: an acknowledged Slack request, or running steps. */
export interface LeasedWork {
  readonly key: string;
  /** What to do when its process dies: `slack` replays the request, `steps` fails the steps as interrupted. */
  readonly kind: string;
  /** JSON text the kind's handler reads. */
  readonly body: string;
  readonly heldSince: Date;
  /** How many processes have held it (1: the one that took it first). */
  readonly attempts: number;
}

/**
 * Work in progress that must survive its process: a row is written before the work is
 * acknowledged (a Slack request's ack) or started, renewed while the process works on it, and
 * deleted when done. A row whose lease ended belongs to a dead process; one replica claims it
 * (PostgreSQL: FOR UPDATE SKIP LOCKED; SQLite: one write transaction) and finishes the job.
 * Every implementation passes tests/contract/leases.contract.ts.
 */
export interface LeaseStore {
  /** Records the work under `claimant`'s lease; false (and nothing changes) when the key is held already. */
  hold(
    work: { key: string; kind: string; body: string },
    claimant: string,
    now: Date,
    leaseMs: number,
  ): Promise<boolean>;
  /** Extends the leases of these keys that `claimant` still holds. */
  renew(keys: readonly string[], claimant: string, now: Date, leaseMs: number): Promise<void>;
  /** The work is finished (by whichever process): forget these rows, in one write. */
  release(keys: readonly string[]): Promise<void>;
  /** Takes over work whose lease ended before `now`, oldest first, counting the attempt. */
  claimExpired(now: Date, claimant: string, leaseMs: number, limit: number): Promise<LeasedWork[]>;
  /** Rows held (any lease); for health and tests. */
  heldWork(): Promise<number>;
}

/** A Slack message waiting in its channel's queue (src/slack/post-queue.ts), as stored. */
export interface PostChannelClaim {
  readonly channel: string;
  readonly takenOver: boolean;
}

export interface QueuedPostRow {
  /** Idempotency key: one row per post, however often it is enqueued (a retry, another replica). */
  readonly key: string;
  readonly channel: string;
  /** `post`: chat.postMessage; `update`: chat.update of one message, coalesced (the newest body wins). */
  readonly kind: 'post' | 'update';
  /** JSON text the sender reads (message, thread, target ts). */
  readonly body: string;
  readonly incidentId: string | null;
  /** Bumped by each coalesced update: a send of an older revision does not settle the row. */
  readonly revision: number;
  readonly attempts: number;
  readonly state: 'pending' | 'sent' | 'failed';
  /** The message's ts once sent; the Slack error once failed. */
  readonly resultTs: string | null;
  readonly error: string | null;
  /** When it was first queued: a post queued before its sender started may have been sent by a process that died. */
  readonly queuedAt: Date;
}

/**
 * Durable per-channel queues of Slack posts. One process at a time drains a channel (a lease
 * on the channel's row, so the pace holds across replicas); a channel whose process died is
 * taken over when its lease ends, and its pending posts go out then. Every implementation
 * passes tests/contract/post-queue.contract.ts.
 */
/** One channel's pending posts, as /healthz reports them. */
export interface PostBacklog {
  readonly channel: string;
  readonly pending: number;
  /** When its oldest pending post was queued. */
  readonly oldestQueuedAt: Date;
  /** When the channel may send next (the pace, a Retry-After, a backoff); undefined before its first send. */
  readonly nextAt: Date | undefined;
}

export interface PostQueueStore {
  /**
   * Adds a post (nothing changes when its key is pending or sent; a failed one is queued again,
   * as a person retries after inviting the bot) or an update (an unsent one takes the new body; a
   * sent one is pending again with it). Returns the row as it now stands.
   */
  enqueuePost(
    post: {
      key: string;
      channel: string;
      kind: 'post' | 'update';
      body: string;
      incidentId?: string | undefined;
    },
    now: Date,
  ): Promise<QueuedPostRow>;
  /**
   * Channels with pending posts that `claimant` holds now (free, expired or its own), due by `now`.
   * `takenOver`: another claimant's lease had ended (it died, maybe mid-send), so what is pending
   * may be in Slack already and is looked for before it is sent.
   */
  claimPostChannels(now: Date, claimant: string, leaseMs: number, limit: number): Promise<PostChannelClaim[]>;
  /** The channel's next pending row: its oldest update (an edit of a sent message), else its oldest post. */
  nextPost(channel: string): Promise<QueuedPostRow | undefined>;
  /**
   * Settles a post sent (`ts`) or failed for good (`error`); false when a newer revision waits.
   * `recentSends` (ms since the epoch): the channel's posts in the last minute, kept with the
   * channel so that whichever process drains it next keeps its per-minute cap.
   */
  settlePost(
    key: string,
    revision: number,
    outcome: { ts: string } | { error: string },
    now: Date,
    recentSends?: readonly number[],
  ): Promise<boolean>;
  /** The channel's posts in the last minute as the last process to send into it recorded them. */
  recentSends(channel: string): Promise<number[]>;
  /**
   * Counts a send that failed and will be tried again, and returns the count: a post with
   * attempts may have reached Slack (a timeout), so the sender looks for it before posting again.
   */
  countAttempt(key: string): Promise<number>;
  /** The channel sends nothing before `until` (Retry-After, backoff, the pace). */
  deferChannel(channel: string, until: Date): Promise<void>;
  /** Lets the channel go (its queue is empty, or the process stops). */
  releasePostChannel(channel: string, claimant: string): Promise<void>;
  postByKey(key: string): Promise<QueuedPostRow | undefined>;
  /** Pending posts (all channels); for health and tests. */
  pendingPosts(): Promise<number>;
  /** The channels with pending posts, oldest first (at most `limit`): what /healthz reports. */
  postBacklog(limit: number): Promise<PostBacklog[]>;
  /** Forgets settled posts settled before `before` (their keys no longer dedupe). */
  prunePosts(before: Date): Promise<number>;
}

/** What the app and the CLI open from DATABASE_URL: incidents, reminders and leased work in one database. */
export type Store = IncidentStore &
  ReminderStore &
  LeaseStore & {
    /** Slack's per-channel post queues, in the same database. */
    readonly posts: PostQueueStore;
  };
