/**
 * The SQLite store's last known snapshot of recently used incidents, by
 * version. A command reads the incident it changes and writes its next
 * snapshot; parsing and writing that JSON (about 5 kB for a shipped runbook)
 * cost more CPU than the rest of the command. With the cache, a read checks the
 * stored version (one integer) and parses only when another writer moved it;
 * a write whose snapshot differs from the previous one only in `version` and
 * `updatedAt` (a note, most timeline events) updates those columns and leaves
 * the JSON as it was: readers take both fields from the columns. Versions only
 * grow, and every write checks the version it read, so (id, version) names one
 * snapshot whoever wrote it.
 */
import { type Incident, withDefaults } from '../../core/incident/model.js';

/** The fields a reader takes from the row's columns rather than from its JSON. */
export interface SnapshotRow {
  readonly snapshot: string;
  readonly version: number;
  readonly updated_at: string;
}

/** A row's incident: its JSON, with the version and update time of the row. */
export function fromRow(row: SnapshotRow): Incident {
  return withDefaults({
    ...(JSON.parse(row.snapshot) as Incident),
    version: row.version,
    updatedAt: row.updated_at,
  });
}

export class SnapshotCache {
  private readonly entries = new Map<string, Incident>();

  constructor(private readonly capacity = 256) {}

  /** The incident at this version, if it is the one known. */
  get(id: string, version: number): Incident | undefined {
    const known = this.entries.get(id);
    return known?.version === version ? known : undefined;
  }

  set(incident: Incident): Incident {
    const kept = withDefaults(incident);
    this.entries.delete(incident.id);
    this.entries.set(incident.id, kept);
    if (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    return kept;
  }

  /**
   * True when `next` is the snapshot at `expectedVersion` with only `version` and `updatedAt`
   * changed: every other field the same value (a command builds its next snapshot by spreading
   * the one it read, so unchanged fields are the same objects).
   */
  onlyVersionMoved(next: Incident, expectedVersion: number): boolean {
    const previous = this.get(next.id, expectedVersion);
    if (!previous) return false;
    const a = previous as unknown as Record<string, unknown>;
    const b = next as unknown as Record<string, unknown>;
    const keys = Object.keys(b);
    if (keys.length !== Object.keys(a).length) return false;
    for (const key of keys) {
      if (key === 'version' || key === 'updatedAt') continue;
      if (!(key in a) || a[key] !== b[key]) return false;
    }
    return true;
  }
}
