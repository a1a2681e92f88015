/**
 * The PostgreSQL store's incident rows: the append (one statement, one round
 * trip) and every read that returns a snapshot. As in the SQLite store
 * (snapshot-cache.ts), a write whose snapshot differs from the one it replaces
 * only in `version` and `updatedAt` (a note, most timeline events) updates
 * those two columns and leaves the JSONB as it was, so its value (about 5 kB,
 * TOASTed) is neither sent nor rewritten; every read here takes both fields
 * from the columns when the JSONB's version is older than the row's.
 */
import type pg from 'pg';
import { GcIncidentError } from '../../core/errors.js';
import type { Incident, TimelineEvent } from '../../core/incident/model.js';
import type { CommandRead, LockedDecision } from '../../core/ports.js';
import { DecisionThrew, deciding } from './decision-threw.js';
import { SnapshotCache } from './snapshot-cache.js';

type Query = <R extends pg.QueryResultRow>(
  sql: string | { readonly name: string; readonly text: string },
  params?: unknown[],
) => Promise<pg.QueryResult<R>>;

/** A statement that may lose a race: its error as PostgreSQL gave it. */
type RawQuery = <R extends pg.QueryResultRow>(
  statement: { readonly name: string; readonly text: string },
  params: unknown[],
) => Promise<pg.QueryResult<R>>;

/** A transaction on one pooled connection (PostgresStore.tx). */
type Transaction = <T>(work: (client: pg.PoolClient) => Promise<T>) => Promise<T>;

/** What every snapshot read selects: the JSONB and the columns that may be newer than it. */
const SNAPSHOT = 'snapshot, version, updated_at';

interface SnapshotRow {
  readonly snapshot: Incident;
  readonly version: number;
  readonly updated_at: Date;
}

/** A row's incident: its JSONB, with the row's version and update time when the JSONB is older. */
function fromRow(row: SnapshotRow): Incident {
  const s = row.snapshot;
  return s.version === row.version
    ? s
    : { ...s, version: row.version, updatedAt: row.updated_at.toISOString() };
}

/**
 * The append's one statement. Sibling data-modifying CTEs all run; the events and the key are only
 * written when `target` returned the incident's row, and a key already taken (or an event row
 * already there) raises a unique violation that undoes the whole statement: a lost race.
 * Placeholders: $1 id, $2 version, $3 updated_at, $4 events, $5 key, $6 seqs, then the target's.
 */
function appendStatement(target: string): string {
  return `WITH target AS (${target}),
      written AS (
        INSERT INTO events (incident_id, seq, at, actor, type, data)
        SELECT target.id, e.seq, e.at, e.actor, e.type, e.data
        FROM target, jsonb_to_recordset($4::jsonb) AS e(seq INTEGER, at TIMESTAMPTZ, actor TEXT, type TEXT, data JSONB)
      ),
      keyed AS (
        INSERT INTO idempotency (key, incident_id, seqs, created_at)
        SELECT $5::text, target.id, $6::jsonb, $3 FROM target WHERE $5::text IS NOT NULL
      )
      SELECT count(*)::int AS applied FROM target`;
}

const APPEND = {
  opened: {
    name: 'gc_incident_append_opened',
    // $7 status, $8 opened_at, $9 snapshot
    text: appendStatement(`INSERT INTO incidents (id, version, status, opened_at, updated_at, snapshot, cause)
      VALUES ($1, $2, $7, $8, $3, $9, $9::jsonb->>'cause') ON CONFLICT (id) DO NOTHING RETURNING id`),
  },
  snapshot: {
    name: 'gc_incident_append_snapshot',
    // $7 expected version, $8 status, $9 snapshot
    text: appendStatement(`UPDATE incidents SET version = $2, status = $8, updated_at = $3, snapshot = $9
      WHERE id = $1 AND version = $7 RETURNING id`),
  },
  columns: {
    name: 'gc_incident_append_columns',
    // $7 expected version
    text: appendStatement(
      'UPDATE incidents SET version = $2, updated_at = $3 WHERE id = $1 AND version = $7 RETURNING id',
    ),
  },
} as const;

export class PostgresIncidents {
  private readonly snapshots = new SnapshotCache();

  /** `query` reads (its errors say the store is unavailable); `raw` writes. */
  constructor(
    private readonly query: Query,
    private readonly raw: RawQuery,
  ) {}

  /** One round trip per command: the version check (or the new row), the events and the key. */
  async append(
    incidentId: string,
    expectedVersion: number,
    events: readonly TimelineEvent[],
    snapshot: Incident,
    idempotencyKey?: string,
  ): Promise<boolean> {
    const [statement, params] = this.statement(incidentId, expectedVersion, events, snapshot, idempotencyKey);
    let applied: boolean;
    try {
      const { rows } = await this.raw<{ applied: number }>(statement, params);
      applied = rows[0]?.applied === 1;
    } catch (error) {
      // A concurrent writer inserting the same key or event first is a lost race, not a failure.
      if ((error as { code?: string }).code === '23505') return false;
      throw new GcIncidentError(
        'STORE_UNAVAILABLE',
        `writing incident ${incidentId} failed: ${(error as Error).message}`,
        { incidentId },
      );
    }
    if (applied) this.snapshots.set(snapshot);
    return applied;
  }

  /**
   * See IncidentStore.commandLocked: the row locked FOR UPDATE in `tx`'s transaction, then the
   * key's earlier outcome, `decide`, and the append on the same connection (six round trips with
   * the transaction's own: the slow path, after lost races).
   */
  async commandLocked(
    tx: Transaction,
    incidentId: string,
    idempotencyKey: string | undefined,
    decide: LockedDecision,
    again = true,
  ): Promise<void> {
    let written: Incident | undefined;
    try {
      written = await tx(async (client) => {
        // A writer that stopped while holding the lock (a paused VM, a cut network) must not hold
        // every other writer of the incident until TCP gives up: wait 5 s for the lock, and end a
        // transaction left idle for 10 s.
        await client.query(
          "SET LOCAL lock_timeout = '5s'; SET LOCAL idle_in_transaction_session_timeout = '10s'",
        );
        const { rows } = await client.query<SnapshotRow>({
          name: 'gc_incident_load_locked',
          text: `SELECT ${SNAPSHOT} FROM incidents WHERE id = $1 FOR UPDATE`,
          values: [incidentId],
        });
        const keyed = idempotencyKey
          ? await client.query<{ incident_id: string; seqs: number[] }>({
              name: 'gc_incident_key',
              text: 'SELECT incident_id, seqs FROM idempotency WHERE key = $1',
              values: [idempotencyKey],
            })
          : undefined;
        const incident = rows[0] ? this.known(rows[0]) : undefined;
        const key = keyed?.rows[0];
        const write = deciding(decide, {
          incident,
          replay: key ? { incidentId: key.incident_id, seqs: key.seqs } : undefined,
        });
        if (!write || !incident) return undefined;
        const [statement, params] = this.statement(
          incidentId,
          incident.version,
          write.events,
          write.snapshot,
          idempotencyKey,
        );
        const applied = await client.query<{ applied: number }>({ ...statement, values: params });
        // Nobody else can write the locked row: a failed check is a bug, not a race.
        if (applied.rows[0]?.applied !== 1) throw new Error('the locked append did not apply');
        return write.snapshot;
      });
    } catch (error) {
      if (error instanceof DecisionThrew) throw error.error;
      if (error instanceof GcIncidentError) throw error;
      const code = (error as { code?: string }).code;
      // The key was taken meanwhile by a command on another incident (keys are read unlocked):
      // decided once more, the read then sees it and replays.
      if (code === '23505' && again) return this.commandLocked(tx, incidentId, idempotencyKey, decide, false);
      if (code === '55P03')
        throw new GcIncidentError(
          'CONFLICT',
          `incident ${incidentId} is held by another writer that has not finished for 5 s; try again`,
          { incidentId },
        );
      throw new GcIncidentError(
        'STORE_UNAVAILABLE',
        `writing incident ${incidentId} failed: ${(error as Error).message}`,
        { incidentId },
      );
    }
    if (written) this.snapshots.set(written);
  }

  /** The append's statement: a new row, the version columns only, or the whole snapshot. */
  private statement(
    incidentId: string,
    expectedVersion: number,
    events: readonly TimelineEvent[],
    snapshot: Incident,
    idempotencyKey: string | undefined,
  ): [{ readonly name: string; readonly text: string }, unknown[]] {
    const shared = [
      incidentId,
      snapshot.version,
      snapshot.updatedAt,
      JSON.stringify(events),
      idempotencyKey ?? null,
      JSON.stringify(events.map((e) => e.seq)),
    ];
    return expectedVersion === 0
      ? [APPEND.opened, [...shared, snapshot.status, snapshot.openedAt, snapshot]]
      : this.snapshots.onlyVersionMoved(snapshot, expectedVersion)
        ? [APPEND.columns, [...shared, expectedVersion]]
        : [APPEND.snapshot, [...shared, expectedVersion, snapshot.status, snapshot]];
  }

  /**
   * A row's incident, as the object already known at that version when there is one: (id,
   * version) names one snapshot, and a command that starts from the known object is then seen to
   * move only version and updatedAt (a fresh copy of the same state would not compare equal).
   */
  private known(row: SnapshotRow): Incident {
    return this.snapshots.get(row.snapshot.id, row.version) ?? this.snapshots.set(fromRow(row));
  }

  async load(incidentId: string): Promise<Incident | undefined> {
    const { rows } = await this.query<SnapshotRow>(
      { name: 'gc_incident_load', text: `SELECT ${SNAPSHOT} FROM incidents WHERE id = $1` },
      [incidentId],
    );
    return rows[0] ? this.known(rows[0]) : undefined;
  }

  async list(options: {
    status?: Incident['status'] | undefined;
    limit?: number | undefined;
  }): Promise<Incident[]> {
    const limit = options.limit ?? 50;
    const { rows } = options.status
      ? await this.query<SnapshotRow>(
          `SELECT ${SNAPSHOT} FROM incidents WHERE status = $1 ORDER BY opened_at DESC, id DESC LIMIT $2`,
          [options.status, limit],
        )
      : await this.query<SnapshotRow>(
          `SELECT ${SNAPSHOT} FROM incidents ORDER BY opened_at DESC, id DESC LIMIT $1`,
          [limit],
        );
    return rows.map((r) => this.known(r));
  }

  async findByCause(cause: string): Promise<Incident | undefined> {
    const { rows } = await this.query<SnapshotRow>(
      {
        name: 'gc_incident_find_by_cause',
        text: `SELECT ${SNAPSHOT} FROM incidents WHERE cause = $1 ORDER BY opened_at DESC, id DESC LIMIT 1`,
      },
      [cause],
    );
    return rows[0] ? this.known(rows[0]) : undefined;
  }

  async loadForCommand(incidentId: string, idempotencyKey?: string): Promise<CommandRead> {
    const { rows } = await this.query<{
      snapshot: Incident | null;
      version: number | null;
      updated_at: Date | null;
      key_incident: string | null;
      seqs: number[] | null;
    }>(
      {
        name: 'gc_incident_load_for_command',
        text: `SELECT i.snapshot, i.version, i.updated_at, k.incident_id AS key_incident, k.seqs
               FROM (SELECT 1) AS one
               LEFT JOIN incidents i ON i.id = $1
               LEFT JOIN idempotency k ON k.key = $2::text`,
      },
      [incidentId, idempotencyKey ?? null],
    );
    const row = rows[0];
    return {
      incident:
        row?.snapshot && row.version !== null && row.updated_at !== null
          ? this.known({ snapshot: row.snapshot, version: row.version, updated_at: row.updated_at })
          : undefined,
      replay: row?.key_incident ? { incidentId: row.key_incident, seqs: row.seqs ?? [] } : undefined,
    };
  }
}
