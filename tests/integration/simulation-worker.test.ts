import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runSimulationInWorker } from '../../src/adapters/simulator/worker-runner.js';
import { simulate } from '../../src/core/simulator/simulate.js';
import { normalizeWorkload, type WorkloadDocument } from '../../src/core/simulator/workload.js';
import { REPO } from '../helpers/runbooks.js';

const long: WorkloadDocument = {
  name: 'long',
  python: '3.12',
  iterations: 2_000_000,
  each_iteration: [{ keep: 3 }, { cycle: { size: 7 } }],
};

describe('simulations in a worker thread', () => {
  it('return the same result as in-process, with progress along the way', async () => {
    const doc = parse(
      readFileSync(join(REPO, 'tests/fixtures/workloads/w11-setup-heap.yaml'), 'utf8'),
    ) as WorkloadDocument;
    const workload = normalizeWorkload(doc);
    const progress: number[] = [];
    const result = await runSimulationInWorker(workload, { onProgress: (f) => progress.push(f) });
    const local = simulate(workload);
    expect(result.stats).toEqual(local.stats);
    expect(result.count).toEqual(local.count);
    expect(progress.length).toBeGreaterThan(10);
  });

  it('leave the main event loop free while they run', async () => {
    let ticks = 0;
    const timer = setInterval(() => {
      ticks++;
    }, 10);
    const started = Date.now();
    await runSimulationInWorker(normalizeWorkload(long));
    clearInterval(timer);
    const elapsed = Date.now() - started;
    // A blocked loop would tick once at the end; a free one ticks about every 10 ms.
    expect(ticks).toBeGreaterThan(Math.floor(elapsed / 10 / 4));
  });

  it('can be cancelled with an AbortSignal', async () => {
    const controller = new AbortController();
    const run = runSimulationInWorker(normalizeWorkload({ ...long, iterations: 50_000_000 }), {
      signal: controller.signal,
      onProgress: (f) => {
        if (f > 0.01) controller.abort();
      },
    });
    await expect(run).rejects.toMatchObject({ code: 'SIMULATION_CANCELLED' });
  });

  it('report refusals as coded errors', async () => {
    const absurd = normalizeWorkload({
      python: '3.12',
      iterations: 1e10,
      each_iteration: [{ cycle: { size: 100000 } }],
    });
    await expect(runSimulationInWorker(absurd)).rejects.toMatchObject({ code: 'WORKLOAD_TOO_LARGE' });
  });
});
