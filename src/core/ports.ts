/**
 * The small interfaces the core depends on; adapters implement them and the
 * composition root (src/cli/context, later the Slack app) wires them.
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
   * replaces the snapshot, and records the idempotency key, all or nothing. Returns false when
   * another writer got there first.
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
  ping(): Promise<void>;
  close(): Promise<void>;
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
}
