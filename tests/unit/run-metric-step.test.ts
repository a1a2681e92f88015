/** Check and query steps run through the metrics port (driver/run-metric-step.ts), here a recording double. */
import { describe, expect, it } from 'vitest';
import { isAutomatable } from '../../src/core/incident/driver/policy.js';
import { runMetricStep } from '../../src/core/incident/driver/run-metric-step.js';
import { escapePromqlString, renderQuery } from '../../src/core/incident/render-query.js';
import type { MetricsClient, Sample, Series } from '../../src/core/ports.js';
import { openTestIncident, shippedRunbook } from '../helpers/engine.js';
import { sqliteFactory } from '../helpers/stores.js';

class RecordingMetrics implements MetricsClient {
  readonly queries: { datasource: string; query: string; time: string }[] = [];
  constructor(
    private readonly answer: Sample[],
    private readonly points: number[] = [],
  ) {}
  async instant(datasource: string, query: string, time: Date): Promise<Sample[]> {
    this.queries.push({ datasource, query, time: time.toISOString() });
    return this.answer;
  }
  async range(datasource: string, query: string, _start: Date, end: Date, step: number): Promise<Series[]> {
    this.queries.push({ datasource, query, time: `${end.toISOString()} step ${step}` });
    return [{ labels: { instance: 'a:1' }, points: this.points.map((v, i) => [i, v] as const) }];
  }
}

const RUNBOOK = 'gc-full-collection-latency';
const runbook = shippedRunbook(RUNBOOK);

describe('running metric steps', () => {
  it('a check evaluation (query as sent, values, verdict) is stored with the step', async () => {
    const { store, cleanup } = await sqliteFactory.create();
    const { service, incident, clock } = await openTestIncident(store, RUNBOOK);
    const metrics = new RecordingMetrics([{ labels: { instance: 'a:1' }, value: 2e9 }]);
    const step = incident.steps.find((s) => s.id === 'large-heap');
    if (!step) throw new Error('no step');
    expect(isAutomatable(step)).toBe(true);
    const output = await runMetricStep(runbook, incident, step, metrics, clock.now());
    const result = output.kind === 'check' ? output.evaluation : output.result;
    await service.execute(incident.id, { type: 'complete-step', stepId: step.id, actor: 'system', result });
    const stored = (await store.load(incident.id))?.steps.find((s) => s.id === 'large-heap')?.result;
    expect(stored).toMatchObject({
      query: 'max(process_resident_memory_bytes{job="checkout"})',
      datasource: 'default',
      at: '2026-11-23T10:00:00.000Z',
      operator: '>',
      threshold: 1073741824,
      value: 2e9,
      outcome: 'holds',
    });
    expect(metrics.queries).toHaveLength(1);
    await cleanup();
  });

  it('a check with a for window needs every point of the window to breach', async () => {
    const { store, cleanup } = await sqliteFactory.create();
    const { incident, clock } = await openTestIncident(store, RUNBOOK);
    const step = incident.steps.find((s) => s.id === 'full-collection-pauses');
    if (!step) throw new Error('no step');
    const allHigh = await runMetricStep(
      runbook,
      incident,
      step,
      new RecordingMetrics([], [5, 6, 7]),
      clock.now(),
    );
    expect(allHigh).toMatchObject({ kind: 'check', evaluation: { outcome: 'holds' } });
    const oneLow = new RecordingMetrics([], [5, 0.1, 7]);
    expect(await runMetricStep(runbook, incident, step, oneLow, clock.now())).toMatchObject({
      evaluation: { outcome: 'does-not-hold' },
    });
    expect(oneLow.queries[0]?.time).toBe('2026-11-23T10:00:00.000Z step 60');
    await cleanup();
  });

  it('a query step keeps the query as sent, its datasource, the time and the series', async () => {
    const { store, cleanup } = await sqliteFactory.create();
    const { incident, clock } = await openTestIncident(store, RUNBOOK);
    const step = incident.steps.find((s) => s.id === 'decided-by');
    if (!step) throw new Error('no step');
    const metrics = new RecordingMetrics([{ labels: { instance: 'a:1' }, value: 3 }]);
    expect(await runMetricStep(runbook, incident, step, metrics, clock.now())).toEqual({
      kind: 'query',
      result: {
        query: 'count by (job, instance) (python_gc_pause_seconds_count{job="checkout",generation="2"})',
        datasource: 'default',
        at: '2026-11-23T10:00:00.000Z',
        series: [{ labels: { instance: 'a:1' }, value: 3 }],
      },
    });
    // A step a person does reads no metrics.
    const manual = incident.steps.find((s) => s.kind === 'manual');
    if (!manual) throw new Error('no manual step');
    await expect(runMetricStep(runbook, incident, manual, metrics, clock.now())).rejects.toMatchObject({
      code: 'ILLEGAL_TRANSITION',
    });
    await cleanup();
  });

  it('without a metrics datasource a check says so with METRICS_UNAVAILABLE', async () => {
    const { store, cleanup } = await sqliteFactory.create();
    const { incident } = await openTestIncident(store, RUNBOOK);
    const step = incident.steps[0];
    if (!step) throw new Error('no step');
    await expect(runMetricStep(runbook, incident, step, undefined, new Date(0))).rejects.toMatchObject({
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
