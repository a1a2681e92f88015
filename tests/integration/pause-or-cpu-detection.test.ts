/**
 * The full-collection runbook decides from pause percentiles when the service exports them and
 * from prometheus_client's counters when it does not: two copies of the bundled service in
 * big-heap mode (full collections of a large heap), one with gc-incident's exporter and one
 * with GC_SERVICE_EXPORTER=0, scraped as two jobs by a real Prometheus. The runbook's own
 * detection and verification queries are evaluated for each job.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { type RunningService, startService } from '../../src/adapters/lab/lab.js';
import { labMissing, type Running, SERVICE_PYTHON } from '../helpers/lab.js';
import { eventually, instant, startPrometheusJobs } from '../helpers/prometheus-jobs.js';
import { RUNBOOKS_DIR } from '../helpers/runbooks.js';

const missing = labMissing();
if (missing) console.log(missing);

interface Check {
  id: string;
  query: string;
  threshold: number;
}
const runbook = parse(readFileSync(join(RUNBOOKS_DIR, 'gc-full-collection-latency.yaml'), 'utf8')) as {
  detection: { checks: Check[] };
  verification: { checks: Check[] };
  triage: { steps: { id: string; query?: string }[] };
};
const detect = runbook.detection.checks.find((c) => c.id === 'full-collection-pauses') as Check;
const verify = runbook.verification.checks.find((c) => c.id === 'full-collection-pauses-ok') as Check;
const decidedBy = runbook.triage.steps.find((s) => s.id === 'decided-by')?.query as string;
const forJob = (query: string, job: string) => query.replaceAll('{{job}}', job);
const PAUSE_ONLY =
  'histogram_quantile(0.99, sum by (le, job) (rate(python_gc_pause_seconds_bucket{job="JOB",generation="2"}[5m]))) / 0.01';
const RATE_ONLY = 'sum by (job) (rate(python_gc_collections_total{job="JOB",generation="2"}[5m])) / 0.01';

describe.skipIf(missing !== undefined)('full-collection runbook: pause percentiles, else counters', () => {
  const started: Running[] = [];
  let prom: Running;

  beforeAll(async () => {
    const withExporter: RunningService = await startService(SERVICE_PYTHON, 'big-heap');
    started.push(withExporter);
    const plain = await startService(SERVICE_PYTHON, 'big-heap', { env: { GC_SERVICE_EXPORTER: '0' } });
    started.push(plain);
    prom = await startPrometheusJobs({ exporter: withExporter.targets, plain: plain.targets });
    started.push(prom);
    // Both jobs have had full collections in two scrapes.
    for (const job of ['exporter', 'plain'])
      await eventually(
        prom.url,
        `increase(python_gc_collections_total{job="${job}",generation="2"}[1m]) > 0`,
        90_000,
      );
    // …and both breach the detection line, each by its own metric.
    for (const job of ['exporter', 'plain'])
      await eventually(prom.url, `(${forJob(detect.query, job)}) > ${detect.threshold}`, 90_000);
  }, 240_000);

  afterAll(async () => {
    for (const r of started.reverse()) await r.stop();
  });

  it('only the instrumented service exports pauses; decided-by tells them apart', async () => {
    expect(await instant(prom.url, forJob(decidedBy, 'exporter'))).toHaveLength(1);
    expect(await instant(prom.url, forJob(decidedBy, 'plain'))).toHaveLength(0);
    expect(await instant(prom.url, 'python_gc_threshold{job="plain"}')).toHaveLength(0);
  });

  it('detects and verifies the exporter job from its p99 pause, the plain job from its collection rate', async () => {
    const time = Date.now() / 1000;
    const at = (q: string) => instant(prom.url, q, time);
    for (const [job, decider, other] of [
      ['exporter', PAUSE_ONLY, RATE_ONLY],
      ['plain', RATE_ONLY, PAUSE_ONLY],
    ] as const) {
      const [decided] = await at(decider.replace('JOB', job));
      for (const check of [detect, verify]) {
        const [combined] = await at(forJob(check.query, job));
        expect(combined?.labels, `${check.id} on ${job}`).toEqual({ job });
        // One query compares them, so both sides read the same samples (a sample ingested
        // between two queries would make them differ).
        const [difference] = await at(
          `(${forJob(check.query, job)}) - on (job) (${decider.replace('JOB', job)})`,
        );
        expect(
          difference?.value,
          `${check.id} on ${job} minus the ${job === 'plain' ? 'rate' : 'pause'}`,
        ).toBeCloseTo(0, 6);
      }
      expect(decided?.value, `${job} breaches`).toBeGreaterThan(detect.threshold);
      if (job === 'plain') expect(await at(other.replace('JOB', job))).toHaveLength(0);
    }
  });
});
