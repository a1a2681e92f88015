/**
 * The shipped full-collection runbook's simulate step, fitted to the bundled service in
 * big-heap mode (its exporter's pause histogram scraped by a real Prometheus): the verdict leads
 * with the longest pause and recommends freezing the heap, with the pause cost fitted to the
 * service's own pauses (or, where one young collection's outlier is the longest pause, says so
 * and recommends freeze for the full collections).
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveStepWorkloads } from '../../src/adapters/fit/step-workload.js';
import { stopper, waitUntilServing } from '../../src/adapters/lab/lab.js';
import { PrometheusClient } from '../../src/adapters/prometheus/client.js';
import type { SimulateStep } from '../../src/core/runbook/types.js';
import { longestByGeneration } from '../../src/core/simulator/pause-tail.js';
import { simulate } from '../../src/core/simulator/simulate.js';
import { simulationVerdict } from '../../src/format/simulation-summary.js';
import { shippedRunbook } from '../helpers/engine.js';
import {
  freePort,
  heldFor,
  labMissing,
  type Running,
  SERVICE_PYTHON,
  startPrometheus,
  waitForSeries,
} from '../helpers/lab.js';
import { REPO, RUNBOOKS_DIR } from '../helpers/runbooks.js';

const missing = labMissing();
if (missing) console.log(missing);

describe.skipIf(missing !== undefined)('full-collection runbook against the big-heap service', () => {
  let stop: (() => Promise<void>) | undefined;
  let prom: Running | undefined;

  beforeAll(async () => {
    const port = await freePort();
    const child = spawn(
      SERVICE_PYTHON,
      [join(REPO, 'service/gc_service.py'), '--port', String(port), '--mode', 'big-heap'],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    stop = stopper(child);
    // Prometheus starts beside the service: it scrapes the port from the first moment it serves.
    const [{ url }] = await Promise.all([
      startPrometheus([`127.0.0.1:${port}`]).then((p) => {
        prom = p;
        return p;
      }),
      waitUntilServing(`http://127.0.0.1:${port}/healthz`, child, 'the GC service'),
    ]);
    // The fit reads a real 20 s window of scraped pause histograms with several full collections;
    // the test is about fitting what the exporter really reports, so no backfill. It starts once
    // Prometheus holds the full-collection pauses at each second of the last 21 s (so the window
    // is never cut to where the series begin), on Prometheus's own clock: was a fixed 25 s sleep.
    await waitForSeries(
      url,
      heldFor('python_gc_pause_seconds_count{job="gcsvc",generation="2"}', 21),
      60_000,
    );
  }, 90_000);
  afterAll(async () => {
    await stop?.();
    await prom?.stop();
  });

  it('leads with the longest pause and recommends freeze, the pause cost fitted to the service', async () => {
    const shipped = shippedRunbook('gc-full-collection-latency').triage.steps.find(
      (s) => s.kind === 'simulate',
    ) as SimulateStep;
    expect(shipped.objective).toBe('longest-pause');
    // The shipped step, fitted to the service over a short window (its `ref` as the fallback).
    const step = { ...shipped, workload: { ...shipped.workload, fit: { window: '20s' } } } as SimulateStep;
    const client = new PrometheusClient(
      new Map([
        ['default', { name: 'default', url: prom?.url ?? '', headers: {}, params: {}, timeoutMs: 10_000 }],
      ]),
    );
    try {
      const resolved = await resolveStepWorkloads(
        step,
        join(RUNBOOKS_DIR, 'gc-full-collection-latency.yaml'),
        {
          metrics: client,
          inputs: { job: 'gcsvc' },
          now: new Date(),
        },
      );
      expect(resolved.note).toMatch(/^fitted to job gcsvc/);
      expect(resolved.note).toContain("pause cost fitted to the service's pauses");
      expect(resolved.pauseCost?.source).toBe('fitted');
      expect(resolved.context?.objective).toBe('longest-pause');
      const results = resolved.variants.map(({ label, workload }) => ({ label, result: simulate(workload) }));
      const verdict = simulationVerdict(results, resolved.context);
      // Where the scraped window holds a young collection's outlier as long as what freeze leaves
      // of the full collections (a busy machine: 2 of 7 runs of `npm test` on 2026-12-07, and once
      // in the same 250 ms bucket as the longest full collection), every variant keeps it: the
      // verdict may say so and name freeze for the full collections. Which case the window held is
      // read from the fitted tail, not from the verdict.
      const tail = resolved.context?.tail;
      const base = results[0]?.result;
      const frozen = results.find((r) => r.label === 'freeze')?.result;
      if (!base || !frozen) throw new Error('no baseline or freeze variant');
      const byGeneration = tail ? longestByGeneration(base, tail) : [];
      const frozenFull = tail ? (longestByGeneration(frozen, tail).at(-1) ?? 0) : 0;
      const youngOutlier = byGeneration.length > 1 && Math.max(...byGeneration.slice(0, -1)) >= frozenFull;
      if (youngOutlier) console.log(`a young collection's outlier in this window: ${verdict}`);
      const cuts = /^Calling gc\.freeze\(\) after start-up cuts the longest pause [0-9.]+ → [0-9.]+ ms/;
      const outlier =
        /^The longest pause \([0-9.]+ ms\) is (a full collection's, and )?(one young \(generation-0\)|one generation-1) collection's outlier .* On full collections, calling gc\.freeze\(\) after start-up cuts the longest pause [0-9.]+ → [0-9.]+ ms/;
      expect(verdict).toMatch(youngOutlier ? new RegExp(`${cuts.source}|${outlier.source}`) : cuts);
      expect(verdict).not.toMatch(/No variant beats/);
    } finally {
      await client.close();
    }
  }, 120_000);
});
