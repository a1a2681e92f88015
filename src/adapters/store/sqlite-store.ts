/**
 * The default store: one SQLite file (better-sqlite3) in WAL mode; every write
 * answers once the WAL is synced (see the constructor's `sync`), so an event
 * acknowledged to a user survives a crash of the process or of the machine.
 * Several processes may share the file (busy timeout); for replicas across
 * machines use PostgreSQL.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { GcIncidentError } from '../../core/errors.js';
import type { Incident, TimelineEvent } from '../../core/incident/model.js';
import type {
  CauseRow,
  ClaimedReminder,
  Clock,
  CommandRead,
  IncidentStore,
  LeasedWork,
  LeaseStore,
  LockedDecision,
  ReminderDelivery,
  ReminderRequest,
  ReminderStore,
  StoredResponse,
} from '../../core/ports.js';
import { systemClock } from '../clock.js';
import { DecisionThrew } from './decision-threw.js';
import { SQLITE_MIGRATIONS } from './migrations.js';
import { fromRow, SnapshotCache, type SnapshotRow } from './snapshot-cache.js';
import { type Append, KeyTaken, writeAppend, writeLocked } from './sqlite-append.js';
import { type SqliteSync, WalGroupCommit } from './sqlite-group-commit.js';
import { SqliteLeases } from './sqlite-leases.js';
import { SqlitePostQueue } from './sqlite-post-queue.js';
import { SqliteReminders } from './sqlite-reminders.js';

interface EventRow {
  incident_id: string;
  seq: number;
  at: string;
  actor: string;
  type: string;
  data: string;
}

export class SqliteStore implements IncidentStore, ReminderStore, LeaseStore {
  readonly kind = 'sqlite' as const;
  private readonly db: Database.Database;
  private readonly statements = new Map<string, Database.Statement>();

  private readonly clock: Clock;
  readonly posts: SqlitePostQueue;
  /** Undefined in `commit` mode, or for a database in memory (or not in WAL mode): every commit syncs. */
  readonly group: WalGroupCommit | undefined;
  private readonly leases: SqliteLeases;
  private readonly reminders: SqliteReminders;
  private readonly snapshots = new SnapshotCache();
  private appendTx: ((append: Append) => boolean) | undefined;

  /**
   * `clock`: when migrations were applied (default: the machine's). `sync`: `commit` (the terminal)
   * syncs each write in its own commit (synchronous=FULL), the cheapest one at a time; `group`
   * (default, the Slack server) shares syncs off the event loop (sqlite-group-commit.ts).
   */
  constructor(
    readonly path: string,
    options: { clock?: Clock | undefined; sync?: SqliteSync | undefined } = {},
  ) {
    this.clock = options.clock ?? systemClock;
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    try {
      this.db = new Database(path);
      // exec() rather than pragma(): pragma() leaves a statement object behind for the collector.
      this.db.exec(
        'PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA busy_timeout = 10000; PRAGMA foreign_keys = ON',
      );
      this.group = options.sync === 'commit' ? undefined : WalGroupCommit.of(this.db, path);
      this.posts = new SqlitePostQueue(
        this.db,
        (sql) => this.prepare(sql),
        (value) => this.synced(value),
      );
      this.leases = new SqliteLeases(this.db, (sql) => this.prepare(sql), this.group);
      this.reminders = new SqliteReminders(
        this.db,
        (sql) => this.prepare(sql),
        (value) => this.syncedNow(value),
      );
    } catch (error) {
      throw new GcIncidentError(
        'STORE_UNAVAILABLE',
        `cannot open the SQLite database ${path}: ${(error as Error).message}`,
        {
          path,
        },
      );
    }
  }

  async migrate(): Promise<void> {
    this.db.exec(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)',
    );
    const applied = new Set(
      (this.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map(
        (r) => r.version,
      ),
    );
    for (const migration of SQLITE_MIGRATIONS) {
      if (applied.has(migration.version)) continue;
      this.db
        .transaction(() => {
          this.db.exec(migration.sql);
          this.prepare('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)').run(
            migration.version,
            this.clock.now().toISOString(),
          );
        })
        .immediate();
    }
    this.syncedNow(undefined);
  }

  async nextIncidentNumber(year: number): Promise<number> {
    return this.synced(
      this.db
        .transaction(() => {
          this.prepare(
            'INSERT INTO incident_counters (year, last) VALUES (?, 1) ON CONFLICT (year) DO UPDATE SET last = last + 1',
          ).run(year);
          return (
            this.prepare('SELECT last FROM incident_counters WHERE year = ?').get(year) as { last: number }
          ).last;
        })
        .immediate(),
    );
  }

  async append(
    incidentId: string,
    expectedVersion: number,
    events: readonly TimelineEvent[],
    snapshot: Incident,
    idempotencyKey?: string,
  ): Promise<boolean> {
    // Only `version` and `updatedAt` moved (see snapshot-cache.ts): the JSON stays as it is.
    const columnsOnly = expectedVersion > 0 && this.snapshots.onlyVersionMoved(snapshot, expectedVersion);
    // One transaction function for every append: better-sqlite3 builds four wrappers per call.
    this.appendTx ??= this.db.transaction((a: Append) =>
      writeAppend((sql) => this.prepare(sql), a),
    ).immediate;
    try {
      const written = this.appendTx({
        incidentId,
        expectedVersion,
        events,
        snapshot,
        idempotencyKey,
        columnsOnly,
      });
      if (!written) return false;
      this.snapshots.set(snapshot);
    } catch (error) {
      if (error instanceof KeyTaken) return false;
      throw new GcIncidentError(
        'STORE_UNAVAILABLE',
        `writing incident ${incidentId} failed: ${(error as Error).message}`,
        {
          incidentId,
        },
      );
    }
    return this.synced(true);
  }

  /** See IncidentStore.commandLocked: the read, `decide` and the append in one BEGIN IMMEDIATE. */
  async commandLocked(
    incidentId: string,
    idempotencyKey: string | undefined,
    decide: LockedDecision,
  ): Promise<void> {
    const locked = this.db.transaction(() =>
      writeLocked(
        (sql) => this.prepare(sql),
        {
          incident: this.loadNow(incidentId),
          replay: idempotencyKey ? this.keyNow(idempotencyKey) : undefined,
        },
        idempotencyKey,
        decide,
        (next, version) => this.snapshots.onlyVersionMoved(next, version),
      ),
    );
    let written: Incident | undefined;
    try {
      written = locked.immediate();
    } catch (error) {
      if (error instanceof DecisionThrew) throw error.error;
      throw new GcIncidentError(
        'STORE_UNAVAILABLE',
        `writing incident ${incidentId} failed: ${(error as Error).message}`,
        { incidentId },
      );
    }
    if (written) {
      this.snapshots.set(written);
      await this.synced(true);
    }
  }

  async load(incidentId: string): Promise<Incident | undefined> {
    return this.loadNow(incidentId);
  }

  private loadNow(incidentId: string): Incident | undefined {
    const version = this.prepare('SELECT version FROM incidents WHERE id = ?').pluck().get(incidentId) as
      | number
      | undefined;
    if (version === undefined) return undefined;
    return this.atVersion({ id: incidentId, version });
  }

  /** The incident from the cache when it is known at this version, else read and parsed. */
  private atVersion(ref: { id: string; version: number }): Incident | undefined {
    const known = this.snapshots.get(ref.id, ref.version);
    if (known) return known;
    const row = this.prepare('SELECT snapshot, version, updated_at FROM incidents WHERE id = ?').get(
      ref.id,
    ) as SnapshotRow | undefined;
    return row ? this.snapshots.set(fromRow(row)) : undefined;
  }

  async timeline(incidentId: string): Promise<TimelineEvent[]> {
    const rows = this.prepare(
      'SELECT incident_id, seq, at, actor, type, data FROM events WHERE incident_id = ? ORDER BY seq',
    ).all(incidentId) as EventRow[];
    return rows.map((r) => ({
      incidentId: r.incident_id,
      seq: r.seq,
      at: r.at,
      actor: r.actor,
      type: r.type as TimelineEvent['type'],
      data: JSON.parse(r.data) as Record<string, unknown>,
    }));
  }

  async list(
    options: { status?: Incident['status'] | undefined; limit?: number | undefined } = {},
  ): Promise<Incident[]> {
    const limit = options.limit ?? 50;
    // One read transaction: the versions and the snapshots read for the ones not known agree.
    return this.db.transaction(() => {
      const rows = (
        options.status
          ? this.prepare(
              `SELECT ${COLUMNS} FROM incidents WHERE status = ? ORDER BY opened_at DESC, id DESC LIMIT ?`,
            ).all(options.status, limit)
          : this.prepare(`SELECT ${COLUMNS} FROM incidents ORDER BY opened_at DESC, id DESC LIMIT ?`).all(
              limit,
            )
      ) as { id: string; version: number }[];
      return rows.map((r) => this.atVersion(r)).filter((i): i is Incident => i !== undefined);
    })();
  }

  async findIdempotent(key: string): Promise<StoredResponse | undefined> {
    return this.keyNow(key);
  }

  private keyNow(key: string): StoredResponse | undefined {
    const row = this.prepare('SELECT incident_id, seqs FROM idempotency WHERE key = ?').get(key) as
      | { incident_id: string; seqs: string }
      | undefined;
    return row ? { incidentId: row.incident_id, seqs: JSON.parse(row.seqs) as number[] } : undefined;
  }

  async findByCause(cause: string): Promise<Incident | undefined> {
    return this.db.transaction(() => {
      const row = this.prepare(
        `SELECT ${COLUMNS} FROM incidents WHERE cause = ? ORDER BY opened_at DESC, id DESC LIMIT 1`,
      ).get(cause) as { id: string; version: number } | undefined;
      return row ? this.atVersion(row) : undefined;
    })();
  }

  async recentCauses(runbookId: string, since: Date, limit: number): Promise<CauseRow[]> {
    // A range over the cause index: every cause of the runbook starts with `id{` ('|' follows '{').
    return this.prepare(
      `SELECT cause, id AS incidentId, json_extract(snapshot, '$.service') AS service,
              json_extract(snapshot, '$.trigger') AS trigger FROM incidents
       WHERE cause >= ? AND cause < ? AND opened_at >= ? ORDER BY opened_at DESC, id DESC LIMIT ?`,
    ).all(`${runbookId}{`, `${runbookId}|`, since.toISOString(), limit) as CauseRow[];
  }

  async loadForCommand(incidentId: string, idempotencyKey?: string): Promise<CommandRead> {
    // In-process: two prepared reads cost less than a join, and answer the same.
    return {
      incident: await this.load(incidentId),
      replay: idempotencyKey ? await this.findIdempotent(idempotencyKey) : undefined,
    };
  }

  async ping(): Promise<void> {
    this.prepare('SELECT 1').get();
  }

  async close(): Promise<void> {
    await this.group?.close();
    this.db.close();
    // See RETAINED below.
    for (const statement of this.statements.values()) RETAINED.push(statement);
    RETAINED.push(this.db);
    this.statements.clear();
  }

  scheduleReminder(r: ReminderRequest): Promise<void> {
    return this.reminders.scheduleReminder(r);
  }

  claimDueReminders(now: Date, claimant: string, leaseMs: number, limit: number): Promise<ClaimedReminder[]> {
    return this.reminders.claimDueReminders(now, claimant, leaseMs, limit);
  }

  recordDelivery(id: string, claimant: string, delivery: ReminderDelivery): Promise<boolean> {
    return this.reminders.recordDelivery(id, claimant, delivery);
  }

  markSent(id: string, claimant: string, now: Date): Promise<boolean> {
    return this.reminders.markSent(id, claimant, now);
  }

  cancelReminders(incidentId: string, itemId: string, now: Date): Promise<number> {
    return this.reminders.cancelReminders(incidentId, itemId, now);
  }

  pendingReminders(dueBy?: Date): Promise<number> {
    return this.reminders.pendingReminders(dueBy);
  }

  async claimOnce(key: string, claimant: string, now: Date): Promise<boolean> {
    return this.syncedNow(
      this.prepare(
        'INSERT INTO digests (key, claimed_by, claimed_at) VALUES (?, ?, ?) ON CONFLICT (key) DO NOTHING',
      ).run(key, claimant, now.toISOString()).changes === 1,
    );
  }

  hold(work: { key: string; kind: string; body: string }, claimant: string, now: Date, leaseMs: number) {
    return this.leases.hold(work, claimant, now, leaseMs);
  }

  renew(keys: readonly string[], claimant: string, now: Date, leaseMs: number): Promise<void> {
    return this.leases.renew(keys, claimant, now, leaseMs);
  }

  release(keys: readonly string[]): Promise<void> {
    return this.leases.release(keys);
  }

  claimExpired(now: Date, claimant: string, leaseMs: number, limit: number): Promise<LeasedWork[]> {
    return this.leases.claimExpired(now, claimant, leaseMs, limit);
  }

  heldWork(): Promise<number> {
    return this.leases.heldWork();
  }

  /** `value` once the write that produced it is on disk, with others' (see sqlite-group-commit.ts). */
  private synced<T>(value: T): Promise<T> {
    return this.group ? this.group.synced(value) : Promise.resolve(value);
  }

  /** `value` once the write that produced it is on disk, synced now, on the event loop. */
  private syncedNow<T>(value: T): T {
    return this.group ? this.group.syncedNow(value) : value;
  }

  private prepare(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }
}

/**
 * On Node 24, a better-sqlite3 statement or database finalised by V8's garbage
 * collector in some contexts crashes the process (Statement::~Statement and
 * Database::~Database assert on a null environment; seen at the end of test
 * runs). Closed stores' statements and database handles are therefore kept
 * until the process exits, where Node's own cleanup hooks finalise them
 * safely. A store has about a dozen statements and is closed once per process
 * in production.
 */
const RETAINED: (Database.Statement | Database.Database)[] = [];

/** What finds an incident's snapshot, parsed only when not known at that version (snapshot-cache.ts). */
const COLUMNS = 'id, version';
