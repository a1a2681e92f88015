/**
 * The replicated deployment's store: PostgreSQL through a `pg` pool. Appends
 * check the incident's version inside the transaction, so concurrent replicas
 * never both apply a change; migrations run under an advisory lock, so
 * replicas starting together apply each one once.
 */
import pg from 'pg';
import { GcIncidentError } from '../../core/errors.js';
import type { Incident, TimelineEvent } from '../../core/incident/model.js';
import type {
  CauseRow,
  ClaimedReminder,
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
import { type LeasedWorkRow, leasedWorkFromRow } from './leased-work-rows.js';
import { POSTGRES_MIGRATIONS } from './migrations.js';
import { PostgresIncidents } from './postgres-incidents.js';
import { PostgresPostQueue } from './postgres-post-queue.js';
import { type ReminderRow, reminderFromRow } from './reminder-rows.js';

const MIGRATION_LOCK = 7_134_211_001;

export interface PostgresOptions {
  readonly connectionString: string;
  /** A schema to use instead of public (tests give each run its own). */
  readonly schema?: string | undefined;
  readonly max?: number | undefined;
}

export class PostgresStore implements IncidentStore, ReminderStore, LeaseStore {
  readonly kind = 'postgres' as const;
  private readonly pool: pg.Pool;
  readonly posts = new PostgresPostQueue((sql, params) => this.query(sql, params));
  private readonly incidents = new PostgresIncidents(
    (sql, params) => this.query(sql, params),
    (statement, params) => this.pool.query({ ...statement, values: params }),
  );

  constructor(private readonly options: PostgresOptions) {
    const schema = options.schema;
    if (schema !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(schema))
      throw new Error(`invalid schema name ${schema}`);
    this.pool = new pg.Pool({
      connectionString: options.connectionString,
      max: options.max ?? 10,
      // The schema is set at connection start-up, before any query can run on the connection.
      ...(schema ? { options: `-c search_path=${schema}` } : {}),
    });
    // A lost connection surfaces on the next query; an idle client's error must not crash the process.
    this.pool.on('error', () => {});
  }

  private async tx<T>(fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      throw new GcIncidentError('STORE_UNAVAILABLE', `cannot reach PostgreSQL: ${(error as Error).message}`);
    }
    try {
      await client.query('BEGIN');
      const result = await fn(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      throw error;
    } finally {
      client.release();
    }
  }

  async scheduleReminder(r: ReminderRequest): Promise<void> {
    await this.query(
      // Scheduling again revives a cancelled row with the same id (a snooze landing on a cancelled time).
      `INSERT INTO reminders (id, incident_id, item_id, owner, due_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (id) DO UPDATE SET cancelled_at = NULL, owner = excluded.owner WHERE reminders.sent_at IS NULL`,
      [r.id, r.incidentId, r.itemId, r.owner, r.dueAt],
    );
  }

  async claimDueReminders(
    now: Date,
    claimant: string,
    leaseMs: number,
    limit: number,
  ): Promise<ClaimedReminder[]> {
    // SKIP LOCKED: replicas claiming at the same moment take different rows instead of waiting.
    const { rows } = await this.query<ReminderRow>(
      `WITH due AS (
         SELECT id FROM reminders
         WHERE sent_at IS NULL AND cancelled_at IS NULL AND due_at <= $1 AND (lease_until IS NULL OR lease_until < $1)
         ORDER BY due_at LIMIT $4 FOR UPDATE SKIP LOCKED)
       UPDATE reminders r SET claimed_by = $2, lease_until = $3, attempts = r.attempts + 1
       FROM due WHERE r.id = due.id
       RETURNING r.id, r.incident_id, r.item_id, r.owner, r.due_at, r.attempts, r.delivery`,
      [now, claimant, new Date(now.getTime() + leaseMs), limit],
    );
    return rows.map(reminderFromRow).sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime());
  }

  async recordDelivery(id: string, claimant: string, delivery: ReminderDelivery): Promise<boolean> {
    const { rowCount } = await this.query(
      'UPDATE reminders SET delivery = $1 WHERE id = $2 AND claimed_by = $3 AND sent_at IS NULL',
      [JSON.stringify(delivery), id, claimant],
    );
    return rowCount === 1;
  }

  async markSent(id: string, claimant: string, now: Date): Promise<boolean> {
    const { rowCount } = await this.query(
      'UPDATE reminders SET sent_at = $1, lease_until = NULL WHERE id = $2 AND claimed_by = $3 AND sent_at IS NULL',
      [now, id, claimant],
    );
    return rowCount === 1;
  }

  async cancelReminders(incidentId: string, itemId: string, now: Date): Promise<number> {
    const { rowCount } = await this.query(
      'UPDATE reminders SET cancelled_at = $1 WHERE incident_id = $2 AND item_id = $3 AND sent_at IS NULL AND cancelled_at IS NULL',
      [now, incidentId, itemId],
    );
    return rowCount ?? 0;
  }

  async pendingReminders(dueBy?: Date): Promise<number> {
    const { rows } = await this.query<{ n: string }>(
      'SELECT count(*) AS n FROM reminders WHERE sent_at IS NULL AND cancelled_at IS NULL AND ($1::timestamptz IS NULL OR due_at <= $1)',
      [dueBy ?? null],
    );
    return Number(rows[0]?.n ?? 0);
  }

  async claimOnce(key: string, claimant: string, now: Date): Promise<boolean> {
    const { rowCount } = await this.query(
      'INSERT INTO digests (key, claimed_by, claimed_at) VALUES ($1, $2, $3) ON CONFLICT (key) DO NOTHING',
      [key, claimant, now],
    );
    return rowCount === 1;
  }

  async hold(
    work: { key: string; kind: string; body: string },
    claimant: string,
    now: Date,
    leaseMs: number,
  ): Promise<boolean> {
    const { rowCount } = await this.query(
      `INSERT INTO leased_work (key, kind, body, claimed_by, lease_until, held_since) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (key) DO NOTHING`,
      [work.key, work.kind, work.body, claimant, new Date(now.getTime() + leaseMs), now],
    );
    return rowCount === 1;
  }

  async renew(keys: readonly string[], claimant: string, now: Date, leaseMs: number): Promise<void> {
    if (keys.length === 0) return;
    await this.query('UPDATE leased_work SET lease_until = $1 WHERE key = ANY($2) AND claimed_by = $3', [
      new Date(now.getTime() + leaseMs),
      keys,
      claimant,
    ]);
  }

  async release(keys: readonly string[]): Promise<void> {
    if (keys.length === 0) return;
    await this.query('DELETE FROM leased_work WHERE key = ANY($1)', [keys]);
  }

  async claimExpired(now: Date, claimant: string, leaseMs: number, limit: number): Promise<LeasedWork[]> {
    // SKIP LOCKED: replicas sweeping at the same moment take different rows instead of waiting.
    const { rows } = await this.query<LeasedWorkRow>(
      `WITH expired AS (
         SELECT key FROM leased_work WHERE lease_until < $1 ORDER BY held_since LIMIT $4 FOR UPDATE SKIP LOCKED)
       UPDATE leased_work w SET claimed_by = $2, lease_until = $3, attempts = w.attempts + 1
       FROM expired WHERE w.key = expired.key
       RETURNING w.key, w.kind, w.body, w.held_since, w.attempts`,
      [now, claimant, new Date(now.getTime() + leaseMs), limit],
    );
    return rows.map(leasedWorkFromRow).sort((a, b) => a.heldSince.getTime() - b.heldSince.getTime());
  }

  async heldWork(): Promise<number> {
    const { rows } = await this.query<{ n: string }>('SELECT count(*) AS n FROM leased_work');
    return Number(rows[0]?.n ?? 0);
  }

  private async query<R extends pg.QueryResultRow>(
    sql: string | { readonly name: string; readonly text: string },
    params: unknown[] = [],
  ): Promise<pg.QueryResult<R>> {
    try {
      return typeof sql === 'string'
        ? await this.pool.query<R>(sql, params)
        : await this.pool.query<R>({ name: sql.name, text: sql.text, values: params });
    } catch (error) {
      throw new GcIncidentError('STORE_UNAVAILABLE', `PostgreSQL query failed: ${(error as Error).message}`);
    }
  }

  async migrate(): Promise<void> {
    if (this.options.schema) await this.query(`CREATE SCHEMA IF NOT EXISTS ${this.options.schema}`);
    await this.tx(async (client) => {
      await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
      await client.query(
        'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL)',
      );
      const { rows } = await client.query<{ version: number }>('SELECT version FROM schema_migrations');
      const applied = new Set(rows.map((r) => r.version));
      for (const migration of POSTGRES_MIGRATIONS) {
        if (applied.has(migration.version)) continue;
        await client.query(migration.sql);
        await client.query('INSERT INTO schema_migrations (version, applied_at) VALUES ($1, now())', [
          migration.version,
        ]);
      }
    });
  }

  async nextIncidentNumber(year: number): Promise<number> {
    const { rows } = await this.query<{ last: number }>(
      `INSERT INTO incident_counters (year, last) VALUES ($1, 1)
       ON CONFLICT (year) DO UPDATE SET last = incident_counters.last + 1 RETURNING last`,
      [year],
    );
    return rows[0]?.last ?? 1;
  }

  append(
    incidentId: string,
    expectedVersion: number,
    events: readonly TimelineEvent[],
    snapshot: Incident,
    idempotencyKey?: string,
  ): Promise<boolean> {
    return this.incidents.append(incidentId, expectedVersion, events, snapshot, idempotencyKey);
  }

  load(incidentId: string): Promise<Incident | undefined> {
    return this.incidents.load(incidentId);
  }

  async timeline(incidentId: string): Promise<TimelineEvent[]> {
    const { rows } = await this.query<{
      incident_id: string;
      seq: number;
      at: Date;
      actor: string;
      type: string;
      data: Record<string, unknown>;
    }>('SELECT incident_id, seq, at, actor, type, data FROM events WHERE incident_id = $1 ORDER BY seq', [
      incidentId,
    ]);
    return rows.map((r) => ({
      incidentId: r.incident_id,
      seq: r.seq,
      at: r.at.toISOString(),
      actor: r.actor,
      type: r.type as TimelineEvent['type'],
      data: r.data,
    }));
  }

  list(
    options: { status?: Incident['status'] | undefined; limit?: number | undefined } = {},
  ): Promise<Incident[]> {
    return this.incidents.list(options);
  }

  async findIdempotent(key: string): Promise<StoredResponse | undefined> {
    const { rows } = await this.query<{ incident_id: string; seqs: number[] }>(
      'SELECT incident_id, seqs FROM idempotency WHERE key = $1',
      [key],
    );
    const row = rows[0];
    return row ? { incidentId: row.incident_id, seqs: row.seqs } : undefined;
  }

  findByCause(cause: string): Promise<Incident | undefined> {
    return this.incidents.findByCause(cause);
  }

  async recentCauses(runbookId: string, since: Date, limit: number): Promise<CauseRow[]> {
    // A range over the cause index: every cause of the runbook starts with `id{` ('|' follows '{').
    const { rows } = await this.query<CauseRow>(
      `SELECT cause, id AS "incidentId", snapshot->>'service' AS service, snapshot->>'trigger' AS trigger
       FROM incidents
       WHERE cause >= $1 AND cause < $2 AND opened_at >= $3
       ORDER BY opened_at DESC, id DESC LIMIT $4`,
      [`${runbookId}{`, `${runbookId}|`, since, limit],
    );
    return rows;
  }

  loadForCommand(incidentId: string, idempotencyKey?: string): Promise<CommandRead> {
    return this.incidents.loadForCommand(incidentId, idempotencyKey);
  }

  commandLocked(
    incidentId: string,
    idempotencyKey: string | undefined,
    decide: LockedDecision,
  ): Promise<void> {
    return this.incidents.commandLocked((work) => this.tx(work), incidentId, idempotencyKey, decide);
  }

  async ping(): Promise<void> {
    await this.query('SELECT 1');
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
