/**
 * Postmortem export of an incident with 10,000 timeline events (target: under
 * 200 ms), in each format, next to a peer in the same run: loading the same
 * timeline from the store and JSON.stringify-ing it (the least any export
 * must do).
 *
 *   npm run bench:export
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportPostmortem } from '../src/adapters/postmortem/export.js';
import { SqliteStore } from '../src/adapters/store/sqlite-store.js';
import { IncidentService } from '../src/core/incident/service.js';
import { shippedRunbook } from '../tests/helpers/engine.js';
import { RUNBOOKS_DIR } from '../tests/helpers/runbooks.js';

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
