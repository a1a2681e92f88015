/**
 * Postmortem export of an incident with 10,000 timeline events (target: under
 * 200 ms), in each format, next to a peer in the same run: loading the same
 * timeline from the store and JSON.stringify-ing it (the least any export
 * must do). Then the reminder scheduler's tick with 100,000 pending
 * reminders on SQLite and PostgreSQL, next to a bare indexed SELECT.
 *
 *   npm run bench:export
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { createLogger } from '../src/adapters/observability/logger.js';
import { exportPostmortem } from '../src/adapters/postmortem/export.js';
import { PostgresStore } from '../src/adapters/store/postgres-store.js';
import { SqliteStore } from '../src/adapters/store/sqlite-store.js';
import { IncidentService } from '../src/core/incident/service.js';
import type { Store } from '../src/core/ports.js';
import { ReminderSender } from '../src/slack/reminder-sender.js';
import { shippedRunbook } from '../tests/helpers/engine.js';
import { RUNBOOKS_DIR } from '../tests/helpers/runbooks.js';
import { dropSchema, freshSchema, PG_URL, postgresReachable } from '../tests/helpers/stores.js';

const EVENTS = 10_000;
const store = new SqliteStore(join(mkdtempSync(join(tmpdir(), 'gc-incident-bench-export-')), 'gc.db'));
await store.migrate();
let t = Date.parse('2026-11-20T14:00:00.000Z');
const clock = {
  now: () => {
    t += 1000;
    return new Date(t);
  },
};
const service = new IncidentService(store, clock);
const runbook = shippedRunbook('gc-thrash-allocation-churn');
const { incident } = await service.open({
  runbook,
  runbookVersion: 'v',
  service: 'checkout',
  inputs: { job: 'checkout' },
  commander: 'U0ALICE001',
});
const users = ['U0ALICE001', 'U0BOB00001', 'U0CAROL001'];
for (let i = 1; i < EVENTS; i++) {
  const actor = users[i % 3] as string;
  if (i % 10 === 0)
    await service.execute(incident.id, { type: 'assign-step', stepId: 'profile', assignee: actor, actor });
  else
    await service.execute(incident.id, {
      type: 'add-note',
      text: `observation ${i}: p99 ${100 + (i % 900)} ms, gen0 ${(i % 500) + 1}/s`,
      actor,
    });
}
const events = (await store.timeline(incident.id)).length;

async function median(fn: () => Promise<unknown>, runs = 7): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await fn();
    times.push(performance.now() - start);
  }
  return times.sort((a, b) => a - b)[Math.floor(runs / 2)] as number;
}

const entry = { runbook, file: join(RUNBOOKS_DIR, 'gc-thrash-allocation-churn.yaml') };
const peer = await median(async () => JSON.stringify(await store.timeline(incident.id)));
console.log(
  `postmortem export of an incident with ${events} timeline events (median of 7, Node ${process.version})`,
);
for (const format of ['json', 'md', 'html'] as const) {
  let bytes = 0;
  const ms = await median(async () => {
    bytes = (
      await exportPostmortem({ store, clock, incidentId: incident.id, format, runbook: entry, charts: false })
    ).content.length;
  });
  console.log(
    `  ${format.padEnd(4)}: ${ms.toFixed(1).padStart(6)} ms (${(bytes / 1024).toFixed(0)} KiB)  ${ms < 200 ? 'under' : 'OVER'} the 200 ms target; ${(ms / peer).toFixed(2)}x the peer`,
  );
}
console.log(`  peer: load the timeline + JSON.stringify: ${peer.toFixed(1)} ms`);
await store.close();

// The reminder scheduler's tick with 100,000 pending reminders, none due (what every replica
// pays every minute), on each store, next to a bare indexed SELECT of due rows on the same driver.
const PENDING = 100_000;
async function tickCost(
  label: string,
  store: Store,
  bulkInsert: (rows: [string, string][]) => Promise<void>,
  peer: () => Promise<unknown>,
) {
  const now = new Date('2026-11-23T10:00:00.000Z');
  const rows: [string, string][] = Array.from({ length: PENDING }, (_, i) => [
    `GC-2026-${String(1 + (i % 500)).padStart(4, '0')}/F${i}`,
    new Date(now.getTime() + 60_000 + (i % 43_200) * 60_000).toISOString(),
  ]);
  await bulkInsert(rows);
  const sender = new ReminderSender({
    store,
    slack: undefined as never,
    clock: { now: () => now },
    logger: createLogger({ level: 'silent' }),
    claimant: 'bench',
  });
  const tick = await median(() => sender.tick(), 15);
  const bare = await median(peer, 15);
  console.log(
    `  ${label.padEnd(10)}: tick ${tick.toFixed(2).padStart(6)} ms with ${(await store.pendingReminders()).toLocaleString('en-US')} pending, none due; bare SELECT ${bare.toFixed(2)} ms (${(tick / bare).toFixed(2)}x)`,
  );
}

console.log(
  `\nreminder scheduler tick with ${PENDING.toLocaleString('en-US')} pending reminders (median of 15)`,
);
{
  const path = join(mkdtempSync(join(tmpdir(), 'gc-incident-bench-tick-')), 'gc.db');
  const sqlite = new SqliteStore(path);
  await sqlite.migrate();
  const raw = new Database(path);
  const insert = raw.prepare(
    "INSERT INTO reminders (id, incident_id, item_id, owner, due_at) VALUES (?, 'GC-2026-0001', 'F1', 'U0ALICE001', ?)",
  );
  const select = raw.prepare(
    'SELECT id FROM reminders WHERE sent_at IS NULL AND cancelled_at IS NULL AND due_at <= ? LIMIT 50',
  );
  await tickCost(
    'SQLite',
    sqlite,
    async (rows) => {
      raw.transaction(() => {
        for (const [id, due] of rows) insert.run(id, due);
      })();
    },
    async () => select.all('2026-11-23T10:00:00.000Z'),
  );
  raw.close();
  await sqlite.close();
}
const unreachable = await postgresReachable();
if (unreachable) console.log(`  PostgreSQL: skipped (${unreachable})`);
else {
  const schema = freshSchema();
  const pgStore = new PostgresStore({ connectionString: PG_URL, schema, max: 2 });
  await pgStore.migrate();
  const client = new pg.Client({ connectionString: PG_URL, options: `-c search_path=${schema}` });
  await client.connect();
  await tickCost(
    'PostgreSQL',
    pgStore,
    async (rows) => {
      await client.query(
        "INSERT INTO reminders (id, incident_id, item_id, owner, due_at) SELECT id, 'GC-2026-0001', 'F1', 'U0ALICE001', due::timestamptz FROM unnest($1::text[], $2::text[]) AS t(id, due)",
        [rows.map((r) => r[0]), rows.map((r) => r[1])],
      );
      await client.query('ANALYZE reminders');
    },
    () =>
      client.query(
        'SELECT id FROM reminders WHERE sent_at IS NULL AND cancelled_at IS NULL AND due_at <= $1 LIMIT 50',
        [new Date('2026-11-23T10:00:00.000Z')],
      ),
  );
  await client.end();
  await pgStore.close();
  await dropSchema(schema);
}
