/**
 * An event acknowledged to a user is never lost: a process is killed with
 * SIGKILL in the middle of a burst and restarted; and two processes sharing
 * one database see one consistent incident.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fold } from '../../src/core/incident/apply.js';
import type { IncidentStore } from '../../src/core/ports.js';
import { openTestIncident } from '../helpers/engine.js';
import { REPO } from '../helpers/runbooks.js';
import { postgresFactory, postgresReachable, type StoreFactory, sqliteFactory } from '../helpers/stores.js';
import { helperEntry } from '../tiers/bundles.js';

const burst = join(REPO, 'tests/helpers/burst-process.ts');
const unreachable = await postgresReachable();
if (unreachable) console.log(unreachable);

function start(
  url: string,
  schema: string | undefined,
  incidentId: string,
  tag: string,
  from: number,
  count: number,
  steps: string[] = [],
) {
  const child = spawn(
    process.execPath,
    [...helperEntry(burst), url, schema ?? '-', incidentId, tag, String(from), String(count), ...steps],
    {
      cwd: REPO,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const acks: number[] = [];
  const done: string[] = [];
  let stderr = '';
  let buffer = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    buffer += chunk;
    const lines = buffer.split('\n');
    buffer = lines.pop() ?? '';
    for (const line of lines) {
      if (line.startsWith('ack ')) acks.push(Number(line.slice(4)));
      if (line.startsWith('done ')) done.push(line.slice(5));
    }
  });
  child.stderr?.setEncoding('utf8').on('data', (d: string) => {
    stderr += d;
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, acks, done, exited, stderr: () => stderr };
}

async function waitFor(
  condition: () => boolean,
  what: string,
  child: ChildProcess,
  ms = 30_000,
): Promise<void> {
  const until = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > until || child.exitCode !== null) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function consistent(store: IncidentStore, incidentId: string) {
  const timeline = await store.timeline(incidentId);
  expect(timeline.map((e) => e.seq)).toEqual(timeline.map((_, i) => i + 1));
  expect(fold(timeline)).toEqual(await store.load(incidentId));
  return timeline;
}

function suite(factory: StoreFactory) {
  describe(`${factory.name}`, () => {
    const cleanups: (() => Promise<void>)[] = [];
    afterAll(async () => {
      for (const c of cleanups) await c();
    });

    it('SIGKILL in the middle of a burst loses no acknowledged event', async () => {
      const { store, cleanup, url, schema } = await factory.create();
      cleanups.push(cleanup);
      const { incident } = await openTestIncident(store, 'gc-full-collection-latency', 'j');
      const first = start(url, schema, incident.id, 'k', 0, 100_000);
      await waitFor(() => first.acks.length >= 150, '150 acknowledged commands', first.child);
      first.child.kill('SIGKILL');
      await first.exited;
      const acked = [...first.acks];
      // Restart from the first unacknowledged command; its key may already be stored (applied, not yet acked).
      const last = acked[acked.length - 1] ?? -1;
      const second = start(url, schema, incident.id, 'k', last + 1, 50);
      expect(await second.exited, second.stderr()).toBe(0);
      const timeline = await consistent(store, incident.id);
      const notes = timeline.filter((e) => e.type === 'note.added').map((e) => String(e.data.text));
      for (const n of [...acked, ...second.acks])
        expect(notes.filter((t) => t === `k note ${n}`)).toHaveLength(1);
      expect(new Set(notes).size).toBe(notes.length);
    });

    it('two processes on one database see one consistent incident', async () => {
      const { store, cleanup, url, schema } = await factory.create();
      cleanups.push(cleanup);
      const { incident } = await openTestIncident(store, 'gc-full-collection-latency', 'j');
      const steps = incident.steps.map((s) => s.id);
      const a = start(url, schema, incident.id, 'a', 0, 150, steps);
      const b = start(url, schema, incident.id, 'b', 0, 150, steps);
      expect(await a.exited, a.stderr()).toBe(0);
      expect(await b.exited, b.stderr()).toBe(0);
      const timeline = await consistent(store, incident.id);
      expect(timeline.filter((e) => e.type === 'note.added')).toHaveLength(300);
      const completions = timeline
        .filter((e) => e.type === 'step.completed')
        .map((e) => String(e.data.stepId));
      expect(new Set(completions).size).toBe(completions.length);
      expect(completions.sort()).toEqual([...a.done, ...b.done].sort());
    });
  });
}

describe('durability and replicas', () => {
  suite(sqliteFactory);
  describe.skipIf(unreachable !== undefined)('PostgreSQL', () => suite(postgresFactory));
});
