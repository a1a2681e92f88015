/** Steps run through the metrics interface (a test double until the Prometheus client) and the simulator. */
import { describe, expect, it } from 'vitest';
import { escapePromqlString, renderQuery } from '../../src/core/incident/render-query.js';
import { IncidentService } from '../../src/core/incident/service.js';
import { isAutomatable, runStep } from '../../src/core/incident/step-runner.js';
import type { MetricsClient, Sample } from '../../src/core/ports.js';
import { FakeClock, shippedRunbook } from '../helpers/engine.js';
import { sqliteFactory } from '../helpers/stores.js';

class RecordingMetrics implements MetricsClient {
  readonly queries: { datasource: string; query: string; time: string }[] = [];
  constructor(private readonly answer: Sample[]) {}
  async instant(datasource: string, query: string, time: Date): Promise<Sample[]> {
    this.queries.push({ datasource, query, time: time.toISOString() });
    return this.answer;
  }
  async range(): Promise<never> {
    throw new Error('not used');
  }
}

const runbook = shippedRunbook('gc-full-collection-latency');

describe('running steps', () => {
  it('a check evaluation (query as sent, values, verdict) is stored with the step', async () => {
    const { store, cleanup } = await sqliteFactory.create();
    const clock = new FakeClock();
    const service = new IncidentService(store, clock);
    const { incident } = await service.open({
      runbook,
      runbookVersion: 'v',
      service: 's',
      inputs: { job: 'checkout' },
      commander: 'U1',
    });
    const metrics = new RecordingMetrics([{ labels: { instance: 'a:1' }, value: 0.05 }]);
    const step = incident.steps[0];
    if (!step) throw new Error('no step');
    expect(isAutomatable(step)).toBe(true);
    const result = await runStep(runbook, incident, step, { metrics, now: () => clock.now() });
    await service.execute(incident.id, { type: 'complete-step', stepId: step.id, actor: 'system', result });
    const stored = (await store.load(incident.id))?.steps[0]?.result;
    expect(stored).toMatchObject({
      query: 'sum(rate(python_gc_collections_total{job="checkout",generation="2"}[5m]))',
      datasource: 'default',
      at: '2026-11-23T10:00:00.000Z',
      operator: '>',
      threshold: 0.01,
      value: 0.05,
      outcome: 'holds',
    });
    expect(metrics.queries).toHaveLength(1);
    await cleanup();
  });

  it('without a metrics datasource a check says so with METRICS_UNAVAILABLE', async () => {
    const { store, cleanup } = await sqliteFactory.create();
    const service = new IncidentService(store, new FakeClock());
    const { incident } = await service.open({
      runbook,
      runbookVersion: 'v',
      service: 's',
      inputs: { job: 'checkout' },
      commander: 'U1',
    });
    const step = incident.steps[0];
    if (!step) throw new Error('no step');
    await expect(runStep(runbook, incident, step, { now: () => new Date() })).rejects.toMatchObject({
      code: 'METRICS_UNAVAILABLE',
    });
    await cleanup();
  });

  it('manual steps are not run by the bot', async () => {
    const manual = {
      id: 'recent-changes',
      phase: 'triage',
      kind: 'manual',
      title: 't',
      optional: false,
      status: 'pending',
    } as const;
    expect(isAutomatable(manual)).toBe(false);
  });

  it('inputs reach PromQL escaped, so a value cannot end a label matcher', () => {
    expect(escapePromqlString('a"b\\c\nd')).toBe('a\\"b\\\\c\\nd');
    expect(renderQuery('x{job="{{job}}"}', { job: '"} or vector(1) or x{a="' })).toBe(
      'x{job="\\"} or vector(1) or x{a=\\""}',
    );
    expect(() => renderQuery('x{job="{{nope}}"}', {})).toThrow(
      expect.objectContaining({ code: 'INPUT_INVALID' }),
    );
  });
});
