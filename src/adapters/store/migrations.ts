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
  {
    version: 2,
    description: 'follow-up reminders claimed with a lease; daily digests claimed once',
    sql: `
      CREATE TABLE reminders (
        id TEXT PRIMARY KEY,
        incident_id TEXT NOT NULL,
        item_id TEXT NOT NULL,
        owner TEXT NOT NULL,
        due_at TEXT NOT NULL,
        claimed_by TEXT,
        lease_until TEXT,
        attempts INTEGER NOT NULL DEFAULT 0,
        delivery TEXT NOT NULL DEFAULT '{}',
        sent_at TEXT,
        cancelled_at TEXT
      );
      CREATE INDEX reminders_due ON reminders (due_at) WHERE sent_at IS NULL AND cancelled_at IS NULL;
      CREATE INDEX reminders_item ON reminders (incident_id, item_id);
      CREATE TABLE digests (
        key TEXT PRIMARY KEY,
        claimed_by TEXT NOT NULL,
        claimed_at TEXT NOT NULL
      );
    `,
  },
  {
    version: 3,
    description:
      'work held under a lease (acknowledged Slack requests, running steps), taken over when its process dies',
    sql: `
      CREATE TABLE leased_work (
        key TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        body TEXT NOT NULL,
        claimed_by TEXT NOT NULL,
        lease_until TEXT NOT NULL,
        held_since TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 1
      );
      CREATE INDEX leased_work_lease ON leased_work (lease_until);
    `,
  },
  {
    version: 4,
    description:
      'incidents by cause (runbook and identifying inputs): alerts find their incident in one read',
    sql: `
      ALTER TABLE incidents ADD COLUMN cause TEXT;
      UPDATE incidents SET cause = json_extract(snapshot, '$.cause');
      CREATE INDEX incidents_cause ON incidents (cause, opened_at) WHERE cause IS NOT NULL;
    `,
  },
  {
    version: 5,
    description:
      'durable per-channel queues of Slack posts (paced, Retry-After honoured, resumed after a restart)',
    sql: `
      CREATE TABLE slack_posts (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        key TEXT NOT NULL UNIQUE,
        channel TEXT NOT NULL,
        kind TEXT NOT NULL,
        body TEXT NOT NULL,
        incident_id TEXT,
        revision INTEGER NOT NULL DEFAULT 1,
        attempts INTEGER NOT NULL DEFAULT 0,
        state TEXT NOT NULL DEFAULT 'pending',
        result_ts TEXT,
        error TEXT,
        queued_at TEXT NOT NULL,
        settled_at TEXT
      );
      CREATE INDEX slack_posts_pending ON slack_posts (channel, seq) WHERE state = 'pending';
      CREATE TABLE slack_post_channels (
        channel TEXT PRIMARY KEY,
        next_at TEXT NOT NULL,
        claimed_by TEXT,
        lease_until TEXT,
        recent TEXT NOT NULL DEFAULT '[]'
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
  {
    version: 2,
    description: 'follow-up reminders claimed with a lease; daily digests claimed once',
    sql: `
      CREATE TABLE reminders (
        id TEXT PRIMARY KEY,
        incident_id TEXT NOT NULL,
        item_id TEXT NOT NULL,
        owner TEXT NOT NULL,
        due_at TIMESTAMPTZ NOT NULL,
        claimed_by TEXT,
        lease_until TIMESTAMPTZ,
        attempts INTEGER NOT NULL DEFAULT 0,
        delivery JSONB NOT NULL DEFAULT '{}',
        sent_at TIMESTAMPTZ,
        cancelled_at TIMESTAMPTZ
      );
      CREATE INDEX reminders_due ON reminders (due_at) WHERE sent_at IS NULL AND cancelled_at IS NULL;
      CREATE INDEX reminders_item ON reminders (incident_id, item_id);
      CREATE TABLE digests (
        key TEXT PRIMARY KEY,
        claimed_by TEXT NOT NULL,
        claimed_at TIMESTAMPTZ NOT NULL
      );
    `,
  },
  {
    version: 3,
    description:
      'work held under a lease (acknowledged Slack requests, running steps), taken over when its process dies',
    sql: `
      CREATE TABLE leased_work (
        key TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        body TEXT NOT NULL,
        claimed_by TEXT NOT NULL,
        lease_until TIMESTAMPTZ NOT NULL,
        held_since TIMESTAMPTZ NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 1
      );
      CREATE INDEX leased_work_lease ON leased_work (lease_until);
    `,
  },
  {
    version: 4,
    description:
      'incidents by cause (runbook and identifying inputs): alerts find their incident in one read',
    sql: `
      ALTER TABLE incidents ADD COLUMN cause TEXT COLLATE "C";
      UPDATE incidents SET cause = snapshot->>'cause';
      CREATE INDEX incidents_cause ON incidents (cause, opened_at) WHERE cause IS NOT NULL;
    `,
  },
  {
    version: 5,
    description:
      'durable per-channel queues of Slack posts (paced, Retry-After honoured, resumed after a restart)',
    sql: `
      CREATE TABLE slack_posts (
        seq BIGSERIAL PRIMARY KEY,
        key TEXT NOT NULL UNIQUE,
        channel TEXT NOT NULL,
        kind TEXT NOT NULL,
        body TEXT NOT NULL,
        incident_id TEXT,
        revision INTEGER NOT NULL DEFAULT 1,
        attempts INTEGER NOT NULL DEFAULT 0,
        state TEXT NOT NULL DEFAULT 'pending',
        result_ts TEXT,
        error TEXT,
        queued_at TIMESTAMPTZ NOT NULL,
        settled_at TIMESTAMPTZ
      );
      CREATE INDEX slack_posts_pending ON slack_posts (channel, seq) WHERE state = 'pending';
      CREATE TABLE slack_post_channels (
        channel TEXT PRIMARY KEY,
        next_at TIMESTAMPTZ NOT NULL,
        claimed_by TEXT,
        lease_until TIMESTAMPTZ,
        recent TEXT NOT NULL DEFAULT '[]'
      );
    `,
  },
];
