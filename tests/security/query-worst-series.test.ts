/**
 * Finding 3, the rest: a query step kept the first 50 series the datasource
 * listed, so with a big answer the instances that mattered could be the ones
 * dropped. Now it keeps the worst 50 by the step's `operator` (highest for >,
 * the default; lowest for <), those beyond its threshold first, records how
 * many there were, and Slack and the terminal say "N more series not shown".
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seriesLines } from '../../src/cli/walk/check-lines.js';
import type { QueryOutput } from '../../src/core/incident/driver/ports.js';
import { QUERY_MAX_SERIES, runMetricStep } from '../../src/core/incident/driver/run-metric-step.js';
import type { MetricsClient, Sample } from '../../src/core/ports.js';
import type { QueryStep, Runbook } from '../../src/core/runbook/types.js';
import { queryMessages } from '../../src/slack/blocks/step-output.js';
import { openTestIncident, shippedRunbook } from '../helpers/engine.js';
import { sqliteFactory } from '../helpers/stores.js';

const RUNBOOK = 'gc-full-collection-latency';
const STEP = 'decided-by';

/** `n` series valued 0…n-1, listed in an order that puts the highest ones last. */
function answer(n: number): Sample[] {
  return Array.from({ length: n }, (_, i) => ({ labels: { instance: `i${i}:8000` }, value: i }));
}

function metricsAnswering(samples: Sample[]): MetricsClient {
  return {
    instant: async () => samples,
    range: async () => [],
  };
}

/** The shipped runbook with the query step given an operator and threshold. */
function withComparison(operator: QueryStep['operator'], threshold?: number): Runbook {
  const runbook = shippedRunbook(RUNBOOK);
  return {
    ...runbook,
    triage: {
      ...runbook.triage,
      steps: runbook.triage.steps.map((s) =>
        s.id === STEP && s.kind === 'query'
          ? { ...s, ...(operator ? { operator } : {}), ...(threshold !== undefined ? { threshold } : {}) }
          : s,
      ),
    },
  };
}

let opened: Awaited<ReturnType<typeof openTestIncident>>;
let cleanup: () => Promise<void>;
beforeAll(async () => {
  const made = await sqliteFactory.create();
  cleanup = made.cleanup;
  opened = await openTestIncident(made.store, RUNBOOK);
});
afterAll(async () => cleanup?.());

async function run(runbook: Runbook, samples: Sample[]): Promise<QueryOutput> {
  const step = opened.incident.steps.find((s) => s.id === STEP);
  if (!step) throw new Error('no query step');
  const out = await runMetricStep(
    runbook,
    opened.incident,
    step,
    metricsAnswering(samples),
    opened.clock.now(),
  );
  if (out.kind !== 'query') throw new Error('not a query result');
  return out.result;
}

const values = (out: QueryOutput) => out.series.map((s) => s.value);

describe('a query step keeps the worst series, not the first', () => {
  it('by default (>) the highest 50 of 10 000, with the total recorded', async () => {
    const out = await run(withComparison(undefined), answer(10_000));
    expect(QUERY_MAX_SERIES).toBe(50);
    expect(out.series).toHaveLength(50);
    expect(values(out)).toEqual(Array.from({ length: 50 }, (_, i) => 9999 - i));
    expect(out.seriesTotal).toBe(10_000);
  });

  it('with < the lowest, those beyond the threshold first; NaN last', async () => {
    const samples = [{ labels: { instance: 'nan' }, value: Number.NaN }, ...answer(120).reverse()];
    const out = await run(withComparison('<', 10), samples);
    expect(values(out)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(out.seriesTotal).toBe(121);
  });

  it('with > and a threshold, the series over it come first even when listed last', async () => {
    const out = await run(withComparison('>', 100), answer(60));
    expect(values(out).slice(0, 10)).toEqual([59, 58, 57, 56, 55, 54, 53, 52, 51, 50]);
    expect(out.seriesTotal).toBe(60);
  });

  it('an answer within the limit is kept whole, in its order, with no total', async () => {
    const out = await run(withComparison(undefined), answer(50));
    expect(values(out)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(out.seriesTotal).toBeUndefined();
  });

  it('Slack and the terminal say how many more series are not shown', async () => {
    const out = await run(withComparison(undefined), answer(200));
    const step = { id: STEP, title: 'Which metric decided', phase: 'triage' } as never;
    const text = JSON.stringify(queryMessages(step, out));
    expect(text).toContain('200 series, showing the worst 50');
    expect(text).toContain('… 150 more series not shown');
    expect(text).toContain('instance=\\"i199:8000\\"');
    expect(text).not.toContain('instance=\\"i0:8000\\"');
    const lines = seriesLines(out.series, out.seriesTotal);
    expect(lines).toMatch(/… 192 more series not shown$/);
    expect(lines.split('\n')[0]).toContain('i199:8000');
  });
});
