/**
 * The bundled service's pre-fork mode, measured on real processes: a worker's
 * first full collection copies the master's heap (its private memory, USS,
 * jumps while RSS does not move), gc.freeze() before fork prevents it, and
 * stopping the master leaves no worker behind.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningService, startService as startLabService } from '../../src/adapters/lab/lab.js';
import { labMissing, SERVICE_PYTHON } from '../helpers/lab.js';

const missing = labMissing();

interface State {
  private_memory_bytes: number;
  resident_memory_bytes: number;
  collections: number[];
  frozen: number;
  workers?: Record<string, number>;
  forked_frozen?: boolean;
}

const MiB = 1024 * 1024;

async function state(target: string): Promise<State> {
  return (await (await fetch(`http://${target}/admin/state`)).json()) as State;
}

/** Polls a worker until its generation-2 count passes `after` (a full collection ran in it). */
async function fullCollectionIn(target: string, after: number, ms = 40_000): Promise<State> {
  const until = Date.now() + ms;
  for (;;) {
    const s = await state(target);
    if ((s.collections[2] ?? 0) > after) return s;
    if (Date.now() > until) throw new Error(`no full collection in ${target} within ${ms / 1000} s`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe.skipIf(missing !== undefined)('gc_service.py --mode prefork', () => {
  let service: RunningService;
  beforeAll(async () => {
    service = await startLabService(SERVICE_PYTHON, 'prefork', { workers: 2 });
  }, 60_000);
  afterAll(async () => service?.stop());

  it('copies the heap into each worker at its first full collection, unless the master froze it', async () => {
    const worker = service.targets[1] as string;
    const before = await state(worker);
    expect(before.private_memory_bytes).toBeLessThan(20 * MiB);
    const after = await fullCollectionIn(worker, before.collections[2] ?? 0);
    // A million objects' GC headers were written: their pages are the worker's own now.
    expect(after.private_memory_bytes - before.private_memory_bytes).toBeGreaterThan(30 * MiB);
    // RSS already counted those pages as shared ones: it hardly moves (why the runbook reads USS).
    expect(Math.abs(after.resident_memory_bytes - before.resident_memory_bytes)).toBeLessThan(10 * MiB);

    const master = service.targets[0] as string;
    const oldPids = Object.values((await state(master)).workers ?? {});
    const reforked = (await (
      await fetch(`${service.url}/admin/refork?freeze=1`, { method: 'POST' })
    ).json()) as State;
    expect(reforked.forked_frozen).toBe(true);
    expect(reforked.frozen).toBeGreaterThan(1_000_000);
    const newPids = Object.values(reforked.workers ?? {});
    expect(newPids).toHaveLength(2);
    expect(newPids.filter((p) => oldPids.includes(p))).toEqual([]);
    const fresh = await state(worker);
    const frozenAfter = await fullCollectionIn(worker, fresh.collections[2] ?? 0);
    expect(frozenAfter.private_memory_bytes).toBeLessThan(20 * MiB);
  }, 120_000);

  it('answers refork only on the master, and stopping the master stops its workers', async () => {
    const worker = service.targets[1] as string;
    const refused = await fetch(`http://${worker}/admin/refork`, { method: 'POST' });
    expect(refused.status).toBe(404);
    expect(await refused.text()).toContain('not a pre-fork master');
    const pids = Object.values((await state(service.targets[0] as string)).workers ?? {});
    expect(pids).toHaveLength(2);
    await service.stop();
    await new Promise((r) => setTimeout(r, 500));
    expect(pids.filter(alive)).toEqual([]);
  }, 30_000);
});
