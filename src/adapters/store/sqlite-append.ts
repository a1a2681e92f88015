/**
 * The SQLite store's append (and a locked command's), inside its `BEGIN IMMEDIATE` transaction: the
 * version check (or the new incident's row), the events and the idempotency
 * key. A key already taken throws KeyTaken, which rolls the whole write back.
 */
import type Database from 'better-sqlite3';
import type { Incident, TimelineEvent } from '../../core/incident/model.js';
import type { CommandRead, LockedDecision } from '../../core/ports.js';
import { deciding } from './decision-threw.js';

export class KeyTaken extends Error {}

export interface Append {
  readonly incidentId: string;
  readonly expectedVersion: number;
  readonly events: readonly TimelineEvent[];
  readonly snapshot: Incident;
  readonly idempotencyKey: string | undefined;
  /** Only `version` and `updatedAt` moved (snapshot-cache.ts): those columns, not the JSON. */
  readonly columnsOnly: boolean;
}

/** True when written; false when the incident is not at the expected version (or exists, for 0). */
export function writeAppend(
  prepare: (sql: string) => Database.Statement,
  { incidentId, expectedVersion, events, snapshot, idempotencyKey, columnsOnly }: Append,
): boolean {
  if (expectedVersion === 0) {
    const r = prepare(
      'INSERT INTO incidents (id, version, status, opened_at, updated_at, snapshot, cause) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING',
    ).run(
      incidentId,
      snapshot.version,
      snapshot.status,
      snapshot.openedAt,
      snapshot.updatedAt,
      JSON.stringify(snapshot),
      snapshot.cause ?? null,
    );
    if (r.changes === 0) return false;
  } else {
    const r = columnsOnly
      ? prepare('UPDATE incidents SET version = ?, updated_at = ? WHERE id = ? AND version = ?').run(
          snapshot.version,
          snapshot.updatedAt,
          incidentId,
          expectedVersion,
        )
      : prepare(
          'UPDATE incidents SET version = ?, status = ?, updated_at = ?, snapshot = ? WHERE id = ? AND version = ?',
        ).run(
          snapshot.version,
          snapshot.status,
          snapshot.updatedAt,
          JSON.stringify(snapshot),
          incidentId,
          expectedVersion,
        );
    if (r.changes === 0) return false;
  }
  const insert = prepare(
    'INSERT INTO events (incident_id, seq, at, actor, type, data) VALUES (?, ?, ?, ?, ?, ?)',
  );
  for (const e of events) insert.run(e.incidentId, e.seq, e.at, e.actor, e.type, JSON.stringify(e.data));
  if (idempotencyKey) {
    const r = prepare(
      'INSERT INTO idempotency (key, incident_id, seqs, created_at) VALUES (?, ?, ?, ?) ON CONFLICT (key) DO NOTHING',
    ).run(idempotencyKey, incidentId, JSON.stringify(events.map((e) => e.seq)), snapshot.updatedAt);
    if (r.changes === 0) throw new KeyTaken();
  }
  return true;
}

/**
 * A locked command's write, inside its `BEGIN IMMEDIATE` (IncidentStore.commandLocked): what
 * `decide` gives on `read`, appended at the version read. Returns the snapshot written, if any.
 */
export function writeLocked(
  prepare: (sql: string) => Database.Statement,
  read: CommandRead,
  idempotencyKey: string | undefined,
  decide: LockedDecision,
  onlyVersionMoved: (next: Incident, expectedVersion: number) => boolean,
): Incident | undefined {
  const write = deciding(decide, read);
  const incident = read.incident;
  if (!write || !incident) return undefined;
  const written = writeAppend(prepare, {
    incidentId: incident.id,
    expectedVersion: incident.version,
    events: write.events,
    snapshot: write.snapshot,
    idempotencyKey,
    columnsOnly: onlyVersionMoved(write.snapshot, incident.version),
  });
  // Nobody else can write inside this transaction: a failed check is a bug, not a race.
  if (!written) throw new Error('the locked append did not apply');
  return write.snapshot;
}
