/**
 * `gc-incident rules --compat opentelemetry` in a real Prometheus: a fake exporter serves the
 * names an OpenTelemetry-instrumented CPython service has once in Prometheus (semantic
 * conventions cpython.gc.* and system-metrics' process.runtime.cpython.*, with their suffixes and
 * attributes), Prometheus loads the recording rules, and the runbooks' queries find the names
 * they expect, by job.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { cli } from '../helpers/cli.js';
import { labMissing, type Running } from '../helpers/lab.js';
import { eventually, instant, startPrometheusJobs } from '../helpers/prometheus-jobs.js';
import { RUNBOOKS_DIR } from '../helpers/runbooks.js';

const missing = labMissing();
if (missing) console.log(missing);

const started = Date.now();
/** What system-metrics exports after `seconds`: 2 full collections a second, as in a bad incident. */
function exposition(): string {
  const s = Math.floor((Date.now() - started) / 1000) + 10;
  const scope = 'otel_scope_name="opentelemetry.instrumentation.system_metrics",otel_scope_version="0.58b0"';
  const gen = (g: number) => `cpython_gc_generation="${g}",generation="${g}",${scope}`;
  const lines = [
    '# TYPE cpython_gc_collections_total counter',
    ...[200, 20, 2].map((perSecond, g) => `cpython_gc_collections_total{${gen(g)}} ${perSecond * s}`),
    '# TYPE cpython_gc_collected_objects_total counter',
    ...[9000, 800, 70].map(
      (perSecond, g) => `cpython_gc_collected_objects_total{${gen(g)}} ${perSecond * s}`,
    ),
    '# TYPE cpython_gc_uncollectable_objects_total counter',
    ...[0, 1, 2].map((g) => `cpython_gc_uncollectable_objects_total{${gen(g)}} 0`),
    '# TYPE process_runtime_cpython_gc_count_bytes_total counter',
    ...[0, 1, 2].map(
      (g) => `process_runtime_cpython_gc_count_bytes_total{count="${g}",${scope}} ${[123, 4, 5][g]}`,
    ),
    '# TYPE process_runtime_cpython_cpu_time_seconds_total counter',
    `process_runtime_cpython_cpu_time_seconds_total{type="user",${scope}} ${0.6 * s}`,
    `process_runtime_cpython_cpu_time_seconds_total{type="system",${scope}} ${0.2 * s}`,
    '# TYPE process_runtime_cpython_memory_bytes gauge',
    `process_runtime_cpython_memory_bytes{type="rss",${scope}} 2147483648`,
    `process_runtime_cpython_memory_bytes{type="vms",${scope}} 4294967296`,
    '# TYPE target_info gauge',
    'target_info{process_runtime_name="cpython",process_runtime_version="3.12.1",service_name="api"} 1',
  ];
  return `${lines.join('\n')}\n`;
}

describe.skipIf(missing !== undefined)('rules --compat opentelemetry', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gc-incident-otel-'));
  let fake: Server;
  let prom: Running;

  beforeAll(async () => {
    const run = await cli(['rules', '--compat', 'opentelemetry'], { RUNBOOKS_DIR });
    expect(run.code).toBe(0);
    writeFileSync(join(dir, 'otel.yml'), run.stdout);
    fake = createServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4' }).end(exposition());
    });
    await new Promise<void>((r) => fake.listen(0, '127.0.0.1', r));
    const address = fake.address() as { port: number };
    prom = await startPrometheusJobs(
      { otel: [`127.0.0.1:${address.port}`] },
      { ruleFiles: [join(dir, 'otel.yml')] },
    );
    // Ten recorded samples (a rule evaluation a second): the tests query a couple of seconds in
    // the past and over 10 s windows, which a Prometheus that started a moment ago cannot answer.
    await eventually(
      prom.url,
      'count_over_time(python_gc_collections_total{job="otel",generation="2"}[30s]) >= 10',
      60_000,
    );
  }, 120_000);

  afterAll(async () => {
    await prom?.stop();
    fake?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('passes promtool', () => {
    const out = execFileSync('promtool', ['check', 'rules', join(dir, 'otel.yml')], { encoding: 'utf8' });
    expect(out).toContain('SUCCESS: 7 rules found');
  });

  it('gives the OpenTelemetry series the runbooks’ names and labels, per job', async () => {
    // last_over_time: a scrape that misses its 1 s timeout on a busy machine marks series stale.
    const collections = await instant(
      prom.url,
      'last_over_time(python_gc_collections_total{job="otel"}[30s])',
    );
    expect(collections.map((s) => s.labels.generation).sort()).toEqual(['0', '1', '2']);
    for (const s of collections) {
      expect(s.labels.cpython_gc_generation).toBeUndefined();
      expect(s.labels.instance).toBeDefined();
    }
    const [pending] = await instant(
      prom.url,
      'last_over_time(python_gc_pending_objects{job="otel",generation="0"}[30s])',
    );
    expect(pending?.value).toBe(123);
    expect(pending?.labels.count).toBeUndefined();
    const [rss] = await instant(prom.url, 'last_over_time(process_resident_memory_bytes{job="otel"}[30s])');
    expect(rss?.value).toBe(2147483648);
    expect(rss?.labels.type).toBeUndefined();
    // The same numbers: the recorded CPU counter is user + system.
    const time = Date.now() / 1000 - 2;
    const [cpu] = await instant(prom.url, 'last_over_time(process_cpu_seconds_total{job="otel"}[30s])', time);
    const [raw] = await instant(
      prom.url,
      'sum(last_over_time(process_runtime_cpython_cpu_time_seconds_total{job="otel"}[30s]))',
      time,
    );
    expect(cpu?.labels.type).toBeUndefined();
    expect(cpu?.value).toBeGreaterThan(0);
    // within the few seconds a busy machine may put between a scrape and a rule evaluation
    expect(Math.abs((cpu?.value as number) - (raw?.value as number))).toBeLessThanOrEqual(5 * 0.8);
    expect(
      await instant(prom.url, 'last_over_time(python_info{job="otel",version="3.12.1"}[30s])'),
    ).toHaveLength(1);
    expect(
      await instant(
        prom.url,
        'last_over_time(python_gc_objects_collected_total{job="otel",generation="2"}[30s])',
      ),
    ).toHaveLength(1);
  });

  it('the full-collection runbook detects from the collection rate (no pause metric in OpenTelemetry)', async () => {
    const runbook = parse(readFileSync(join(RUNBOOKS_DIR, 'gc-full-collection-latency.yaml'), 'utf8')) as {
      detection: { checks: { id: string; query: string; threshold: number }[] };
    };
    const check = runbook.detection.checks.find((c) => c.id === 'full-collection-pauses');
    const query = (check?.query ?? '').replaceAll('{{job}}', 'otel').replaceAll('[5m]', '[10s]');
    const time = Date.now() / 1000 - 2;
    const [value] = await instant(prom.url, query, time);
    expect(value?.labels).toEqual({ job: 'otel' });
    // The fallback decided: the full-collection rate over its limit of 0.01 per second.
    const [rate] = await instant(
      prom.url,
      'sum by (job) (rate(python_gc_collections_total{job="otel",generation="2"}[10s])) / 0.01',
      time,
    );
    expect(value?.value).toBeCloseTo(rate?.value as number, 6);
    expect(value?.value).toBeGreaterThan(check?.threshold as number);
  });
});
