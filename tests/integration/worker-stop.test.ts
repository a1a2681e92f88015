/**
 * Stopping a worker thread while its module is still loading: V8 aborts the process when an
 * isolate is terminated during asynchronous module evaluation (CI, Node 22), so stopWorker waits
 * for the module to load first. A stop that terminated at once would leave workerLoaded false.
 */
import { describe, expect, it } from 'vitest';
import { createChartRenderer } from '../../src/adapters/charts/render-in-worker.js';
import { startWorker, stopWorker, workerLoaded } from '../../src/adapters/workers/start-worker.js';

const CHART_WORKER = new URL('../../src/adapters/charts/render-in-worker.ts', import.meta.url).href;

describe('stopping a worker thread', () => {
  it('waits for its module to load before terminating it', async () => {
    const worker = startWorker(CHART_WORKER, './chart-worker', undefined);
    const exited = new Promise<number>((resolve) => worker.once('exit', resolve));
    expect(workerLoaded(worker)).toBe(false);
    await stopWorker(worker);
    expect(workerLoaded(worker)).toBe(true);
    // Terminated, not exited of its own accord: the chart worker waits for messages forever.
    expect(await exited).toBe(1);
  });

  it('gives each worker its own flag: two started together load and stop independently', async () => {
    const first = startWorker(CHART_WORKER, './chart-worker', undefined);
    const second = startWorker(CHART_WORKER, './chart-worker', undefined);
    await stopWorker(first);
    expect(workerLoaded(first)).toBe(true);
    await stopWorker(second);
    expect(workerLoaded(second)).toBe(true);
  });

  it('returns at once for a worker that has already exited', async () => {
    const worker = startWorker(CHART_WORKER, './chart-worker', undefined);
    await stopWorker(worker);
    await stopWorker(worker);
    expect(worker.threadId).toBe(-1);
  });

  it('a chart renderer closed while its worker loads still closes, and refuses the chart it held', async () => {
    const renderer = createChartRenderer({ idleMs: 0 });
    const refused = renderer.svg({ mark: 'point', data: { values: [{ a: 1 }] } }).catch((e: Error) => e);
    await renderer.close();
    expect(String(await refused)).toMatch(/the app is stopping/);
    expect(renderer.workersStarted).toBe(1);
  });
});
