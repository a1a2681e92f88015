/**
 * A live process never takes its own unfinished work for a dead process's. The sweep renews this
 * process's leases at the instant it reads: once in about ten whole-suite runs, a walk's
 * verification (its loop's sleeps move a fake clock 30 s a round) outran the real-time renewal,
 * the sweep claimed the walk's own verification lease, and the thread said both checks were
 * "interrupted" while they ran on and passed (tests/slack/thread-budget.test.ts).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { WorkLeases } from '../../src/adapters/leases/work-leases.js';
import { SqliteStore } from '../../src/adapters/store/sqlite-store.js';
import { FakeClock } from '../helpers/engine.js';

const stores: SqliteStore[] = [];
afterEach(async () => {
  for (const store of stores.splice(0)) await store.close();
});

async function twoProcesses() {
  const store = new SqliteStore(join(mkdtempSync(join(tmpdir(), 'own-leases-')), 'store.db'));
  stores.push(store);
  await store.migrate();
  const clock = new FakeClock();
  const logger = pino({ level: 'silent' });
  const replica = (claimant: string) => {
    const leases = new WorkLeases({ store, clock, logger, claimant, bootId: claimant, leaseMs: 30_000 });
    const interrupted: string[] = [];
    leases.on('steps', async (work) => {
      interrupted.push(work.key);
    });
    return { leases, interrupted };
  };
  return { clock, a: replica('host:1'), b: replica('host:2') };
}

describe("a process's own leases", () => {
  it('are not taken over by its own sweep, however far the clock moved while the work ran', async () => {
    const { clock, a } = await twoProcesses();
    expect(await a.leases.hold({ key: 'steps:1', kind: 'steps', body: '{}' })).toBe(true);
    clock.advance(15 * 60_000);
    expect(await a.leases.sweep()).toBe(0);
    expect(a.interrupted).toEqual([]);
  });

  it('are still taken over by another process when this one stops renewing them', async () => {
    const { clock, a, b } = await twoProcesses();
    await a.leases.hold({ key: 'steps:1', kind: 'steps', body: '{}' });
    clock.advance(31_000);
    expect(await b.leases.sweep()).toBe(1);
    expect(b.interrupted).toEqual(['steps:1']);
    expect(a.interrupted).toEqual([]);
  });

  it('renewed by the sweep, stay out of another process’s reach until they run out again', async () => {
    const { clock, a, b } = await twoProcesses();
    await a.leases.hold({ key: 'steps:1', kind: 'steps', body: '{}' });
    clock.advance(31_000);
    await a.leases.sweep();
    expect(await b.leases.sweep()).toBe(0);
    clock.advance(31_000);
    expect(await b.leases.sweep()).toBe(1);
  });
});
