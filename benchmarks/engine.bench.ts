/**
 * Recorded events per second on each store (one command = one atomic write of
 * the version check, event, snapshot and idempotency key, decided on the state
 * the service wrote last; a read only when another writer moved the incident or
 * the key was used), next to a bare peer on the same driver in the same
 * run (one INSERT per transaction, same durability settings; on PostgreSQL also
 * one autocommitted INSERT, the one-round-trip floor); and the time to load an
 * incident with 10,000 timeline events. The engine and its peer run in
 * alternating blocks of 100 (engine, peer, engine, …), so a machine whose load
 * changes during the run slows both alike and the ratio stays readable.
 *
 * SQLite runs twice, once in each place a write can sync (SqliteStore's `sync`):
 * in its own commit, as the CLI opens the store, and in the group commit the
 * Slack server uses (its fsync in the thread pool, shared by concurrent writes;
 * one command at a time, as here, each waits for a sync of its own).
 *
 *   npm run bench:engine            (ENGINE_COMMANDS=2000: commands per store)
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { PostgresStore } from '../src/adapters/store/postgres-store.js';
import { SqliteStore } from '../src/adapters/store/sqlite-store.js';
import type { TimelineEvent } from '../src/core/incident/model.js';
import { IncidentService } from '../src/core/incident/service.js';
import type { IncidentStore } from '../src/core/ports.js';
import { shippedRunbook } from '../tests/helpers/engine.js';
import { dropSchema, freshSchema, PG_URL, postgresReachable } from '../tests/helpers/stores.js';

const COMMANDS = Number(process.env.ENGINE_COMMANDS ?? 2000);
const BLOCK = 100;
const runbook = shippedRunbook('gc-full-collection-latency');

/** One block of the bare peer: `n` writes from `from`; resolves when they are done. */
type Peer = (from: number, n: number) => Promise<void> | void;

async function engineRate(
  store: IncidentStore,
  peer: Peer,
): Promise<{ perSecond: number; peerPerSecond: number; loadMs: number }> {
  const service = new IncidentService(store, { now: () => new Date() });
  const { incident } = await service.open({
    runbook,
    runbookVersion: 'v',
    service: 's',
    inputs: { job: 'j' },
    commander: 'U1',
  });
  let engineMs = 0;
  let peerMs = 0;
  for (let from = 0; from < COMMANDS; from += BLOCK) {
    const n = Math.min(BLOCK, COMMANDS - from);
    let start = performance.now();
    for (let i = from; i < from + n; i++) {
      await service.execute(incident.id, {
        type: 'add-note',
        text: `note ${i}`,
        actor: 'U1',
        idempotencyKey: `bench-${i}`,
      });
    }
    engineMs += performance.now() - start;
    start = performance.now();
    await peer(from, n);
    peerMs += performance.now() - start;
  }
  const perSecond = COMMANDS / (engineMs / 1000);
  const peerPerSecond = COMMANDS / (peerMs / 1000);
  // Grow the timeline to 10,000 events in large batches, then time a full load.
  let current = (await store.load(incident.id)) ?? incident;
  while (current.version < 10_000) {
    const n = Math.min(1000, 10_000 - current.version);
    const events: TimelineEvent[] = Array.from({ length: n }, (_, i) => ({
      seq: current.version + i + 1,
      incidentId: incident.id,
      at: new Date().toISOString(),
      actor: 'U1',
      type: 'note.added' as const,
      data: { text: `bulk ${i}` },
    }));
    const next = { ...current, version: current.version + n };
    await store.append(incident.id, current.version, events, next);
    current = next;
  }
  const loads: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    await store.load(incident.id);
    const timeline = await store.timeline(incident.id);
    if (timeline.length !== 10_000) throw new Error(`expected 10,000 events, got ${timeline.length}`);
    loads.push(performance.now() - t);
  }
  return { perSecond, peerPerSecond, loadMs: loads.sort((a, b) => a - b)[2] ?? Number.NaN };
}

function bareSqlite(path: string): { peer: Peer; close: () => void } {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, data TEXT)');
  const insert = db.prepare('INSERT INTO t (data) VALUES (?)');
  return {
    peer: (from, n) => {
      for (let i = from; i < from + n; i++)
        db.transaction(() => insert.run(`{"text":"note ${i}"}`)).immediate();
    },
    close: () => db.close(),
  };
}

async function barePostgres(
  schema: string,
): Promise<{ peer: Peer; oneStatement: () => Promise<number>; close: () => Promise<void> }> {
  const client = new pg.Client({ connectionString: PG_URL, options: `-c search_path=${schema}` });
  await client.connect();
  await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
  await client.query('CREATE TABLE bare (id SERIAL PRIMARY KEY, data JSONB)');
  return {
    peer: async (from, n) => {
      for (let i = from; i < from + n; i++) {
        await client.query('BEGIN');
        await client.query('INSERT INTO bare (data) VALUES ($1)', [{ text: `note ${i}` }]);
        await client.query('COMMIT');
      }
    },
    // The floor a networked store cannot beat: one autocommitted INSERT, one round trip.
    oneStatement: async () => {
      const start = performance.now();
      for (let i = 0; i < COMMANDS; i++)
        await client.query('INSERT INTO bare (data) VALUES ($1)', [{ text: `one ${i}` }]);
      return COMMANDS / ((performance.now() - start) / 1000);
    },
    close: () => client.end(),
  };
}

const dir = mkdtempSync(join(tmpdir(), 'gc-incident-bench-'));
console.log(`incident engine, ${COMMANDS} commands per store, Node ${process.version}`);
console.log(`${'store'.padEnd(36)}  engine events/s  bare inserts/s  engine/bare  load 10,000 events`);
const row = (name: string, e: { perSecond: number; peerPerSecond: number; loadMs: number }) =>
  console.log(
    `${name.padEnd(36)}  ${e.perSecond.toFixed(0).padStart(15)}  ${e.peerPerSecond.toFixed(0).padStart(14)}  ${(e.perSecond / e.peerPerSecond).toFixed(2).padStart(11)}  ${`${e.loadMs.toFixed(1)} ms`.padStart(18)}`,
  );
for (const [name, sync] of [
  ['SQLite, sync in each commit (CLI)', 'commit'],
  ['SQLite, group commit (Slack server)', 'group'],
] as const) {
  const sqlite = new SqliteStore(join(dir, `engine-${sync}.db`), { sync });
  await sqlite.migrate();
  const bare = bareSqlite(join(dir, `bare-${sync}.db`));
  row(name, await engineRate(sqlite, bare.peer));
  bare.close();
  await sqlite.close();
}
const unreachable = await postgresReachable();
if (unreachable) {
  console.log(unreachable);
} else {
  const schema = freshSchema();
  const postgres = new PostgresStore({ connectionString: PG_URL, schema });
  await postgres.migrate();
  const peer = await barePostgres(schema);
  const p = await engineRate(postgres, peer.peer);
  await postgres.close();
  row('PostgreSQL', p);
  const one = await peer.oneStatement();
  await peer.close();
  await dropSchema(schema);
  console.log(
    `(PostgreSQL: one autocommitted INSERT ${one.toFixed(0)}/s, measured after; engine / that floor ${(p.perSecond / one).toFixed(2)}: ` +
      "each command is one statement when the service knows the incident's state, as here)",
  );
}
