/**
 * A storm's fleet incident in the running app (real webhook, SQLite, loopback Slack and a fake
 * Prometheus answering by `job`): its detection check runs per service listed when it ran,
 * the thread says one summary line, and the card's fleet table shows each service's standing
 * (those that joined later: not queried).
 */
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Incident } from '../../src/core/incident/model.js';
import { FakeClock } from '../helpers/engine.js';
import { type FakePrometheus, startFakePrometheus } from '../helpers/fake-prometheus.js';
import { SlackHarness, until } from '../helpers/slack-app.js';

const TOKEN = 'alertmanager-shared-secret-fleet-checks';
const CHANNEL = '#python-platform';
const RUNBOOK = 'gc-thrash-allocation-churn';
const clock = new FakeClock(Date.parse('2026-11-23T10:00:00.000Z'));
const JOBS = Array.from({ length: 15 }, (_, i) => `svc-${String(i + 1).padStart(2, '0')}`);
/** Young collections per second by job: two services far over the 50/s limit; svc-09 silent. */
const RATES: Record<string, number> = { 'svc-03': 612, 'svc-07': 140 };

function notification(job: string) {
  return {
    version: '4',
    groupKey: `{}:{alertname="PythonGCThrash", job="${job}"}`,
    status: 'firing',
    receiver: 'gc-incident',
    truncatedAlerts: 0,
    externalURL: 'http://alertmanager.invalid',
    alerts: [
      {
        status: 'firing',
        labels: { alertname: 'PythonGCThrash', runbook_id: RUNBOOK, job, instance: `${job}-1` },
        annotations: { summary: `gen0 storm on ${job}` },
        startsAt: '2026-11-23T09:59:00.000Z',
        endsAt: '0001-01-01T00:00:00Z',
        fingerprint: `thrash:${job}`,
      },
    ],
  };
}

let h: SlackHarness;
let prometheus: FakePrometheus;
beforeAll(async () => {
  prometheus = await startFakePrometheus((q) => {
    const job = /job="([^"]*)"/.exec(q.query)?.[1] ?? '';
    // The charts' range queries (15 s steps) get nothing: no chart is drawn (this test reads text).
    const chart = q.params.get('step') === '15';
    if (job === 'svc-09' || chart) return q.path.endsWith('query_range') ? { matrix: [] } : { vector: [] };
    const value = q.query.includes('python_gc_collections_total') ? (RATES[job] ?? 12) : 0.3;
    if (!q.path.endsWith('query_range')) return { vector: [{ labels: {}, value }] };
    const start = Number(q.params.get('start'));
    const end = Number(q.params.get('end'));
    const points: [number, number][] = [];
    for (let t = start; t <= end; t += 60) points.push([t, value]);
    return { matrix: [{ labels: {}, points }] };
  });
  h = await SlackHarness.start({
    env: { ALERTMANAGER_TOKEN: TOKEN, PROMETHEUS_URL: prometheus.url },
    clock,
  });
  h.api.channels.set(CHANNEL, true);
}, 30_000);
afterAll(async () => {
  await h?.stop();
  await prometheus?.stop();
});

async function post(body: unknown) {
  const response = await request(`http://127.0.0.1:${h.port}/alertmanager`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  await response.body.text();
  await h.settle();
  return response.statusCode;
}

describe('a fleet incident in the app', () => {
  it('runs its detection check per service and says it in one line; the card shows each service', async () => {
    for (const job of JOBS) {
      expect(await post(notification(job))).toBe(200);
      clock.advance(10_000);
    }
    const fleet = (await h.store.list({ limit: 100 })).find((i) => i.fleet) as Incident;
    expect(fleet.fleet?.members).toHaveLength(15);
    // Detection ran as the fleet opened, over the 11 services it listed then (the rest joined later).
    const first = await until(
      async () => {
        const now = await h.store.load(fleet.id);
        const step = now?.steps.find((s) => s.id === 'young-collection-rate');
        return (step?.result as { fleet?: { queried: number } } | undefined)?.fleet;
      },
      15_000,
      'the fleet check as the fleet opened',
    );
    expect(first.queried).toBe(11);
    expect(JSON.stringify((await h.card(fleet.id)).blocks)).toContain('4 not queried');
    const checked = (await h.store.load(fleet.id)) as Incident;
    const step = checked.steps.find((s) => s.id === 'young-collection-rate');
    expect((step?.result as { reason?: string } | undefined)?.reason).toBe(
      '2/11 services above the limit (worst: svc-03 612/s); 1 service: no data (svc-09)',
    );
    // Each service's own job reached Prometheus for this check.
    const young = prometheus.queries.filter((q) => q.query.includes('generation="0"'));
    for (const job of JOBS.slice(0, 11))
      expect(young.some((q) => q.query.includes(`job="${job}"`))).toBe(true);
    await h.settle();
    const thread = JSON.stringify(await h.thread(fleet.id));
    expect(thread).toContain('2/11 services above the limit (worst: svc-03 612/s)');
    const card = JSON.stringify((await h.card(fleet.id)).blocks);
    expect(card).toContain('latest checks: *2 over the limit*, 8 within, 1 can');
    expect(card).toMatch(/svc-03 +\d\d:\d\d +✗ 612\/s/);
    expect(card).toMatch(/svc-09 +\d\d:\d\d +\? no data/);
    // Services that joined after the check ran are not claimed either way.
    expect(card).toMatch(/svc-15 +\d\d:\d\d +– +in this incident/);
  }, 60_000);
});
