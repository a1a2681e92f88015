/**
 * Versioned schema migrations, one list per dialect, applied in order on
 * start and recorded in schema_migrations. Append new versions; never edit one
 * that has shipped.
 */
export interface Migration {
  readonly version: number;
  readonly description: string;
  readonly sql: string;
}

export const SQLITE_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'incidents, timeline events, idempotency keys, incident numbers',
    sql: `
      CREATE TABLE incidents (
        id TEXT PRIMARY KEY,
        version INTEGER NOT NULL,
        status TEXT NOT NULL,
        opened_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        snapshot TEXT NOT NULL
      );
      CREATE INDEX incidents_status ON incidents (status, opened_at);
      CREATE TABLE events (
        incident_id TEXT NOT NULL REFERENCES incidents (id),
        seq INTEGER NOT NULL,
        at TEXT NOT NULL,
        actor TEXT NOT NULL,
        type TEXT NOT NULL,
        data TEXT NOT NULL,
        PRIMARY KEY (incident_id, seq)
      );
      CREATE TABLE idempotency (
        key TEXT PRIMARY KEY,
        incident_id TEXT NOT NULL,
        seqs TEXT NOT NULL,
        created_at TEXT NOT NULL
      );
      CREATE TABLE incident_counters (
        year INTEGER PRIMARY KEY,
        last INTEGER NOT NULL
      );
    `,
  },
];

export const POSTGRES_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'incidents, timeline events, idempotency keys, incident numbers',
    sql: `
      CREATE TABLE incidents (
        id TEXT PRIMARY KEY,
        version INTEGER NOT NULL,
        status TEXT NOT NULL,
        opened_at TIMESTAMPTZ NOT NULL,
        updated_at TIMESTAMPTZ NOT NULL,
        snapshot JSONB NOT NULL
      );
      CREATE INDEX incidents_status ON incidents (status, opened_at);
      CREATE TABLE events (
        incident_id TEXT NOT NULL REFERENCES incidents (id),
        seq INTEGER NOT NULL,
        at TIMESTAMPTZ NOT NULL,
        actor TEXT NOT NULL,
        type TEXT NOT NULL,
        data JSONB NOT NULL,
        PRIMARY KEY (incident_id, seq)
      );
      CREATE TABLE idempotency (
        key TEXT PRIMARY KEY,
        incident_id TEXT NOT NULL,
        seqs JSONB NOT NULL,
        created_at TIMESTAMPTZ NOT NULL
      );
      CREATE TABLE incident_counters (
        year INTEGER PRIMARY KEY,
        last INTEGER NOT NULL
      );
    `,
  },
];
