/** A leased_work row as either driver returns it (SQLite: text; PostgreSQL: Date). */
import type { LeasedWork } from '../../core/ports.js';

export interface LeasedWorkRow {
  readonly key: string;
  readonly kind: string;
  readonly body: string;
  readonly held_since: string | Date;
  readonly attempts: number;
}

export function leasedWorkFromRow(row: LeasedWorkRow): LeasedWork {
  return {
    key: row.key,
    kind: row.kind,
    body: row.body,
    heldSince: new Date(row.held_since),
    attempts: row.attempts,
  };
}
