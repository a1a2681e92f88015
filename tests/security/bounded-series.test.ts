/**
 * Finding 3 (medium): a check's series count was unbounded. A detection
 * query answering 10k series held 1.35 GB for 50 s; 100k series peaked at
 * 5.5 GB and stored a 7.2 MB incident record; 150k overflowed the stack
 * (`Math.max(...values)`). Replayed: a backend answering as Prometheus with
 * 100k series to every query, an incident opened from Slack whose detection
 * check runs against it: the check completes, the process grows by under
 * 200 MB, the record stays under 100 KB and says "100000 series, showing the
 * worst 500"; an answer beyond the datasource's maxResponseBytes stops being
 * read and fails the query, saying why.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrometheusClient } from '../../src/adapters/prometheus/client.js';
import { evaluateSamples } from '../../src/core/checks/evaluate.js';
import { isGcIncidentError } from '../../src/core/errors.js';
import { type FakePrometheus, startFakePrometheus } from '../helpers/fake-prometheus.js';
import { REPO } from '../helpers/runbooks.js';
import { SlackHarness } from '../helpers/slack-app.js';

const SERIES = 100_000;

/** One instant vector of SERIES series, built once (as Prometheus would serialise it). */
function hugeVector(): string {
  const result = Array.from({ length: SERIES }, (_, i) => ({
    metric: { job: 'app', instance: `10.0.${Math.floor(i / 250)}.${i % 250}:8000`, generation: '2' },
    value: [1764979200, `${(i * 7919) % 1000}.5`],
  }));
  return JSON.stringify({ status: 'success', data: { resultType: 'vector', result } });
}

describe('a check answering 100k series', () => {
  let prom: FakePrometheus;
  let h: SlackHarness;
  let body: string;

  beforeAll(async () => {
    body = hugeVector();
    prom = await startFakePrometheus(() => ({ raw: body }));
    const dir = mkdtempSync(join(tmpdir(), 'gc-incident-series-'));
    writeFileSync(
      join(dir, 'minimal.yaml'),
      readFileSync(join(REPO, 'tests', 'fixtures', 'runbooks', 'minimal.yaml'), 'utf8'),
    );
    h = await SlackHarness.start({ runbooksDir: dir, env: { PROMETHEUS_URL: prom.url } });
  }, 30_000);

  afterAll(async () => {
    await h?.stop();
    await prom?.stop();
  });

  it('completes with bounded memory, a record under 100 KB, and says how many series it kept', async () => {
    global.gc?.();
    const before = process.memoryUsage().rss;
    let peak = before;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 20);
    try {
      await h.slash('start minimal-runbook job=app');
    } finally {
      clearInterval(sampler);
    }
    peak = Math.max(peak, process.memoryUsage().rss);
    const incident = await h.latestIncident();
    const check = incident.steps.find((s) => s.id === 'gen2');
    expect(check?.status).toBe('done');
    const evaluation = check?.result as { series: unknown[]; seriesTotal?: number; reason: string };
    expect(evaluation.series).toHaveLength(500);
    expect(evaluation.seriesTotal).toBe(SERIES);
    expect(evaluation.reason).toContain(`${SERIES} series, showing the worst 500`);
    // The worst first: the check is "> 0.01", so the highest values lead.
    expect((evaluation.series[0] as { value: number }).value).toBe(999.5);
    const record =
      JSON.stringify(await h.store.load(incident.id)).length +
      JSON.stringify(await h.store.timeline(incident.id)).length;
    console.log(
      `100k series: RSS growth ${((peak - before) / 1024 / 1024).toFixed(0)} MB, record ${(record / 1024).toFixed(0)} KB`,
    );
    expect(record).toBeLessThan(100 * 1024);
    expect(peak - before).toBeLessThan(200 * 1024 * 1024);
  }, 60_000);

  it('stops reading an answer beyond maxResponseBytes and says so', async () => {
    const client = new PrometheusClient(
      new Map([
        [
          'small',
          {
            name: 'small',
            url: prom.url,
            headers: {},
            params: {},
            timeoutMs: 10_000,
            maxResponseBytes: 1024 * 1024,
          },
        ],
      ]),
      { attempts: 1 },
    );
    const error = await client.instant('small', 'up', new Date()).catch((e: unknown) => e);
    await client.close();
    expect(isGcIncidentError(error) && error.code).toBe('METRICS_QUERY_REJECTED');
    expect(String(error)).toContain('larger than 1 MiB (maxResponseBytes) and was not read further');
  });
});

describe('reductions over many series', () => {
  it('150k series reduce without spreading them into a call (no stack overflow)', () => {
    const samples = Array.from({ length: 150_000 }, (_, i) => ({ labels: { i: String(i) }, value: i }));
    for (const reduce of ['any', 'all', 'max', 'min'] as const) {
      const e = evaluateSamples(
        samples,
        { operator: '<', threshold: 10, reduce },
        { query: 'q', datasource: 'd', at: 'now' },
      );
      expect(e.series).toHaveLength(500);
      // "< 10": the lowest values are the worst.
      expect(e.series[0]?.value).toBe(0);
      expect(e.value).toBe(reduce === 'any' || reduce === 'max' ? 149_999 : 0);
    }
  });
});
