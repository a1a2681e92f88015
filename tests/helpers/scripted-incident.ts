/**
 * One incident walked through every phase with fixed times and results, on a
 * fake clock: the input of the postmortem golden files. The simulation result
 * is the real (deterministic) simulator's.
 */
import { join } from 'node:path';
import { simulateRunbookStep } from '../../src/adapters/simulator/runbook-step.js';
import { IncidentService } from '../../src/core/incident/service.js';
import type { IncidentStore } from '../../src/core/ports.js';
import type { SimulateStep } from '../../src/core/runbook/types.js';
import { FakeClock, shippedRunbook } from './engine.js';
import { RUNBOOKS_DIR } from './runbooks.js';

export const SCRIPTED_RUNBOOK = 'gc-thrash-allocation-churn';
const ALICE = 'U0ALICE001';
const BOB = 'U0BOB00001';

export async function scriptedIncident(store: IncidentStore) {
  const clock = new FakeClock(Date.parse('2026-11-20T14:02:00.000Z'));
  const service = new IncidentService(store, clock);
  const runbook = shippedRunbook(SCRIPTED_RUNBOOK);
  const file = join(RUNBOOKS_DIR, `${SCRIPTED_RUNBOOK}.yaml`);
  const { incident } = await service.open({
    runbook,
    runbookVersion: 'sha256:5f0c2d8e9b7a41c3d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a1b0c9',
    service: 'checkout-api',
    inputs: { job: 'checkout' },
    commander: ALICE,
    trigger: 'https://example.slack.com/archives/C0INCIDENT1/p1795702920000100',
  });
  const id = incident.id;
  const run = async (minutes: number, command: Parameters<IncidentService['execute']>[1]) => {
    clock.advance(minutes * 60_000);
    return service.execute(id, command);
  };
  const check = (
    query: string,
    operator: string,
    threshold: number,
    value: number,
    outcome: string,
    reason: string,
  ) => ({
    query,
    datasource: 'default',
    at: clock.now().toISOString(),
    operator,
    threshold,
    reduce: 'max',
    value,
    series: [{ labels: { instance: 'checkout-7f9c:8000', job: 'checkout' }, value }],
    outcome,
    reason,
  });
  await run(1, { type: 'start-step', stepId: 'young-collection-rate', actor: 'system' });
  await run(0, {
    type: 'complete-step',
    stepId: 'young-collection-rate',
    actor: 'system',
    result: check(
      'max(rate(python_gc_collections_total{job="checkout",generation="0"}[5m]))',
      '>',
      50,
      412.5,
      'holds',
      'max 412.5 > 50 for every point of the last 10m',
    ),
  });
  await run(0, { type: 'start-step', stepId: 'cpu-busy', actor: 'system' });
  await run(0, {
    type: 'complete-step',
    stepId: 'cpu-busy',
    actor: 'system',
    result: check(
      'max(rate(process_cpu_seconds_total{job="checkout"}[5m]))',
      '>',
      0.7,
      0.93,
      'holds',
      'max 0.93 > 0.7',
    ),
  });
  await run(2, { type: 'join', actor: BOB });
  await run(0, { type: 'advance-phase', actor: ALICE });
  await run(1, { type: 'start-step', stepId: 'collections-per-request', actor: BOB });
  await run(0, {
    type: 'complete-step',
    stepId: 'collections-per-request',
    actor: BOB,
    result: {
      query: 'sum by (generation) (rate(python_gc_collections_total{job="checkout"}[5m]))',
      datasource: 'default',
      at: clock.now().toISOString(),
      series: [
        { labels: { generation: '0' }, value: 412.5 },
        { labels: { generation: '1' }, value: 37.4 },
        { labels: { generation: '2' }, value: 0.2 },
      ],
    },
  });
  const simulateStep = runbook.triage.steps.find((s) => s.id === 'simulate-churn') as SimulateStep;
  await run(1, { type: 'start-step', stepId: 'simulate-churn', actor: BOB });
  await run(1, {
    type: 'complete-step',
    stepId: 'simulate-churn',
    actor: BOB,
    result: simulateRunbookStep(simulateStep, file).summary,
  });
  await run(3, { type: 'complete-step', stepId: 'profile', actor: BOB });
  await run(1, {
    type: 'skip-step',
    stepId: 'allocation-hotspots',
    actor: ALICE,
    reason: 'the profile already points at the JSON encoder',
  });
  await run(1, { type: 'advance-phase', actor: ALICE });
  await run(1, { type: 'start-step', stepId: 'raise-young-threshold', actor: ALICE });
  await run(0, {
    type: 'complete-step',
    stepId: 'raise-young-threshold',
    actor: ALICE,
    result: {
      action: 'gc-set-threshold',
      method: 'POST',
      url: 'http://checkout-admin:8001/admin/threshold?t0=50000&t1=20&t2=100',
      status: 200,
      durationMs: 41,
      ok: true,
    },
  });
  await run(2, { type: 'set-status', status: 'mitigated', actor: ALICE });
  await run(0, { type: 'advance-phase', actor: ALICE });
  await run(0, { type: 'start-step', stepId: 'young-collections-ok', actor: ALICE });
  await run(10, {
    type: 'complete-step',
    stepId: 'young-collections-ok',
    actor: ALICE,
    result: {
      ...check(
        'max(rate(python_gc_collections_total{job="checkout",generation="0"}[5m]))',
        '<=',
        50,
        8.1,
        'holds',
        'max 8.1 <= 50',
      ),
      verdict: 'stable',
      heldMs: 600000,
    },
  });
  await run(1, { type: 'set-status', status: 'resolved', actor: ALICE });
  await run(0, { type: 'advance-phase', actor: ALICE });
  await run(1, {
    type: 'add-followup',
    title: 'Reuse response buffers in the JSON encoder',
    owner: BOB,
    dueAt: '2026-11-27T17:00:00.000Z',
    followUpType: 'prevent',
    actor: ALICE,
  });
  await run(0, {
    type: 'add-followup',
    title: 'Alert on young collections per request',
    owner: ALICE,
    dueAt: '2026-12-04T17:00:00.000Z',
    followUpType: 'detect',
    actor: ALICE,
  });
  await run(5, { type: 'update-followup', itemId: 'F2', change: { status: 'done' }, actor: ALICE });
  await run(5, {
    type: 'note-postmortem',
    actor: ALICE,
    notes: {
      summary:
        'Checkout latency rose for 21 minutes because a new JSON encoder allocated about 30 temporary objects per request, which ran young-generation collections 400 times a second.',
      impact:
        'p99 latency of checkout-api went from 180 ms to 1.4 s for 21 minutes; no errors, no lost orders.',
      rootCause:
        'Allocation churn from the new encoder: every request crossed the generation-0 threshold many times, and each collection also scanned the survivors.',
      contributingFactors: ['No alert on collections per request', 'The load test used small payloads'],
      wentWell: [
        'The simulator predicted the effect of raising the threshold before anyone touched production',
      ],
      wentWrong: ['Detection relied on a latency alert 10 minutes after the deploy'],
      lucky: ['The deploy happened outside peak hours'],
    },
  });
  return { id, clock, service };
}
