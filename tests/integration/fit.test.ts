/**
 * `gc-incident fit` against the bundled service scraped by a real Prometheus:
 * the coded errors (no such job, too few samples, a counter reset), a fit that
 * writes a valid workload and names the mode, and the closed loop in short
 * (one mode, one Python, 15-second windows; `npm run bench:fit` runs it all,
 * with 120-second windows).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveStepWorkloads } from '../../src/adapters/fit/step-workload.js';
import { errorPercent, runLoop } from '../../src/adapters/lab/fit-loop.js';
import { stopper, waitUntilServing } from '../../src/adapters/lab/lab.js';
import { PrometheusClient } from '../../src/adapters/prometheus/client.js';
import type { SimulateStep } from '../../src/core/runbook/types.js';
import { validateWorkloadBytes } from '../../src/core/runbook/validate.js';
import { cli } from '../helpers/cli.js';
import {
  freePort,
  heldFor,
  labMissing,
  type Running,
  SERVICE_PYTHON,
  startPrometheus,
  waitForSeries,
} from '../helpers/lab.js';
import { REPO, schemaValidator } from '../helpers/runbooks.js';

const missing = labMissing();
if (missing) console.log(missing);

/**
 * The fits' window in seconds. Prometheus scrapes every second and the fit needs 5 samples
 * (MIN_SAMPLES): 10 s of the churning service (hundreds of collections a second) is plenty,
 * and every second of it is a real wait in beforeAll.
 */
const WINDOW = 10;

/** The service on a port of our choosing, so a restart keeps Prometheus' target. */
async function serve(port: number): Promise<{ child: ChildProcess; stop: () => Promise<void> }> {
  const child = spawn(
    SERVICE_PYTHON,
    [join(REPO, 'service/gc_service.py'), '--port', String(port), '--mode', 'churn'],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  await waitUntilServing(`http://127.0.0.1:${port}/healthz`, child, 'the GC service');
  return { child, stop: stopper(child) };
}

describe.skipIf(missing !== undefined)('fit against a real Prometheus', () => {
  let port: number;
  let service: { stop: () => Promise<void> };
  let prom: Running;
  let firstSeen: number;
  const env = () => ({ PROMETHEUS_URL: prom.url });

  beforeAll(async () => {
    port = await freePort();
    service = await serve(port);
    prom = await startPrometheus([`127.0.0.1:${port}`]);
    await waitForSeries(prom.url, 'python_gc_collections_total');
    firstSeen = Date.now();
    // The fits below read WINDOW-second windows of the live service: wait until Prometheus has
    // scraped them (a real wait of about WINDOW s: these tests are about fitting what the service does).
    await waitForSeries(prom.url, heldFor('python_gc_collections_total', WINDOW), 60_000);
  }, 60_000);
  afterAll(async () => {
    await service?.stop();
    await prom?.stop();
  });

  it('no such job, too few samples: coded errors that say what to do', async () => {
    const none = await cli(['fit', '--job', 'nope', '--window', `${WINDOW}s`], env());
    expect(none.code).not.toBe(0);
    expect(none.stderr).toContain('[FIT_JOB_NOT_FOUND]');
    const early = await cli(['fit', '--job', 'gcsvc', '--window', '15m'], env(), {
      clock: { now: () => new Date(firstSeen + 1000) },
    });
    expect(early.stderr).toContain('[FIT_TOO_FEW_SAMPLES]');
    expect(early.stderr).toContain('--window');
    const bad = await cli(['fit', '--job', 'a"b', '--window', `${WINDOW}s`], env());
    expect(bad.stderr).toContain('[USAGE]');
  });

  it('writes a schema-valid workload with provenance, quality and the diagnosis', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'gc-incident-fit-')), 'fit.yaml');
    const run = await cli(['fit', '--job', 'gcsvc', '--window', `${WINDOW}s`, '-o', out], env());
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Diagnosis: allocation churn');
    expect(run.stdout).toContain('Runbook: gc-thrash-allocation-churn');
    const yaml = readFileSync(out, 'utf8');
    expect(yaml).toContain("job 'gcsvc'");
    expect(yaml).toContain('python_gc_objects_collected_total{job="gcsvc"}');
    const valid = validateWorkloadBytes(out, new TextEncoder().encode(yaml), schemaValidator());
    expect(valid.diagnostics).toEqual([]);
    const json = JSON.parse(
      (await cli(['fit', '--job', 'gcsvc', '--window', `${WINDOW}s`, '--json'], env())).stdout,
    );
    expect(json.diagnosis.mode).toBe('allocation-churn');
    expect(json.quality).toHaveLength(6);
  });

  it('simulate --fit shows the fitted what-if table with the fit quality beside it', async () => {
    const run = await cli(['simulate', '--fit', 'gcsvc', '--window', `${WINDOW}s`], env());
    expect(run.stderr).toBe('');
    expect(run.stdout).toContain("Workload 'fit-gcsvc'");
    expect(run.stdout).toMatch(/What-if comparison[\s\S]*threshold=[0-9]+0,[\s\S]*freeze/);
    expect(run.stdout).toMatch(/fit quality: collections\/s gen0 [0-9.]+ vs [0-9.]+ \([+-][0-9.]+ %\)/);
    expect(run.stdout).toContain('diagnosis: allocation churn');
    const json = JSON.parse(
      (await cli(['simulate', '--fit', 'gcsvc', '--window', `${WINDOW}s`, '--json'], env())).stdout,
    );
    expect(json.fit.quality).toHaveLength(6);
    expect(json.variants).toHaveLength(2);
  });

  it("a runbook step's fit: the fitted workload when the fit works, the step's ref (and why) when it does not", async () => {
    const client = new PrometheusClient(
      new Map([['default', { name: 'default', url: prom.url, headers: {}, params: {}, timeoutMs: 10_000 }]]),
    );
    try {
      const step: SimulateStep = {
        id: 'simulate-fit',
        title: 'What-if on the service',
        kind: 'simulate',
        workload: { fit: { window: `${WINDOW}s` }, ref: 'workloads/full-collection-latency.yaml' },
        whatIf: ['threshold=7000,10,10'],
      } as SimulateStep;
      const runbookFile = join(REPO, 'runbook.yaml');
      const ok = await resolveStepWorkloads(step, runbookFile, {
        metrics: client,
        inputs: { job: 'gcsvc' },
        now: new Date(),
      });
      expect(ok.note).toMatch(
        new RegExp(
          `^fitted to job gcsvc over (${WINDOW}s|\\d+ s of ${WINDOW}s \\(the series begin later\\)); fit quality: collections/s gen0 `,
        ),
      );
      expect(ok.variants.map((v) => v.label)).toEqual(['baseline', 'threshold=7000,10,10']);
      expect(ok.variants[0]?.workload.name).toBe('simulate-fit (fitted to gcsvc)');
      const failed = await resolveStepWorkloads(step, runbookFile, {
        metrics: client,
        inputs: { job: 'nope' },
        now: new Date(),
      });
      expect(failed.note).toContain('fit failed (FIT_JOB_NOT_FOUND');
      expect(failed.note).toContain(
        "simulated the runbook's workload workloads/full-collection-latency.yaml instead",
      );
      expect(failed.variants[0]?.workload.name).toBe('full-collection-latency');
    } finally {
      await client.close();
    }
  });

  it('a restart inside the window is refused as a counter reset', async () => {
    await service.stop();
    service = await serve(port);
    // Until Prometheus has scraped the restarted service's lower counters.
    await waitForSeries(prom.url, 'resets(python_gc_collections_total{job="gcsvc"}[30s]) > 0', 20_000);
    const run = await cli(['fit', '--job', 'gcsvc', '--window', '30s'], env());
    expect(run.stderr).toContain('[FIT_COUNTER_RESET]');
  }, 30_000);
});

describe.skipIf(missing !== undefined)('the closed loop, short', () => {
  // waits: warm-up 5 s, then a 15 s window before and one after the mitigation (bench:fit: 120 s)
  it('churn on one Python, 15 s windows: the fit names the mode, and raising threshold 0 does what it predicts, counts and GC time', async () => {
    const r = await runLoop({
      python: SERVICE_PYTHON,
      clientFrom: SERVICE_PYTHON,
      mode: 'churn',
      prometheus: '/usr/bin/prometheus',
      warmupSeconds: 5,
      windowSeconds: 15,
      settleSeconds: 3,
      only: ['threshold'],
    });
    expect(r.fit.diagnosis.mode).toBe('allocation-churn');
    // The fit reproduces what was observed (its own quality figure), on a machine shared with other work.
    expect(Math.abs(errorPercent(r.baseline.predicted[0], r.baseline.observed[0]))).toBeLessThan(35);
    const raised = r.mitigations[0];
    expect(raised?.mitigation).toMatch(/^threshold=/);
    // Both say young collections drop several-fold; the prediction is within 50 % of what happened.
    // Other test files share the machine, and the service's own pace (its workload steps a second)
    // moved up to 2× between the windows: young collections follow allocation, so their prediction
    // is compared at the pace the service ran at (fit-loop.ts `pace`). GC time is not: a service
    // given less CPU runs fewer collections a second, each paused longer, the same share of its time.
    const pace = raised?.pace ?? 1;
    expect((raised?.observed[0] ?? 0) * 3).toBeLessThan(r.baseline.observed[0] * pace);
    expect((raised?.predicted[0] ?? 0) * 3).toBeLessThan(r.baseline.predicted[0]);
    expect(
      Math.abs(errorPercent((raised?.predicted[0] ?? 0) * pace, raised?.observed[0] ?? 0)),
      `pace ×${pace.toFixed(2)}`,
    ).toBeLessThan(50);
    // GC time (issue 30): the service exports its pauses, so the pause cost is fitted to them; the
    // fitted baseline within 30 % of the observed GC time, and what the raised threshold then costs
    // within 35 % of what the service spent (it was predicted −44 % where the service spent −2 %).
    expect(r.fit.cost.source).toBe('fitted');
    const figures = `GC ms/s baseline ${r.baseline.predictedGcMs.toFixed(1)} predicted, ${r.baseline.observedGcMs.toFixed(1)} observed; ${raised?.mitigation} ${raised?.predictedGcMs.toFixed(1)} predicted, ${raised?.observedGcMs.toFixed(1)} observed at pace ×${pace.toFixed(2)} (bounds ${raised?.predictedBounds.gcMs.lo.toFixed(1)}–${raised?.predictedBounds.gcMs.hi.toFixed(1)})`;
    console.log(figures);
    expect(r.baseline.observedGcMs).toBeGreaterThan(1);
    expect(Math.abs(errorPercent(r.baseline.predictedGcMs, r.baseline.observedGcMs)), figures).toBeLessThan(
      30,
    );
    expect(
      Math.abs(errorPercent(raised?.predictedGcMs ?? 0, raised?.observedGcMs ?? 0)),
      figures,
    ).toBeLessThan(35);
    // What the step shows with it: the range the observed GC time lies in.
    expect(raised?.observedGcMs, figures).toBeGreaterThanOrEqual(raised?.predictedBounds.gcMs.lo ?? 0);
    expect(raised?.observedGcMs, figures).toBeLessThanOrEqual(raised?.predictedBounds.gcMs.hi ?? 0);
  }, 150_000);
});
