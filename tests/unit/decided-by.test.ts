/**
 * A check of alternatives joined by `or` records which one answered: the shipped full-collection
 * check (p99 pause, else the collection rate) with a metrics double that answers per query the
 * way Prometheus's `or` does. The real Prometheus run is tests/integration/alert-pause-or-cpu.e2e.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { evaluateCheck } from '../../src/core/checks/check-runner.js';
import type { MetricsClient, Sample } from '../../src/core/ports.js';
import { orAlternatives } from '../../src/core/promql/or-operands.js';
import type { Check } from '../../src/core/runbook/types.js';
import { shippedRunbook } from '../helpers/engine.js';

const check = shippedRunbook('gc-full-collection-latency').detection.checks.find(
  (c) => c.id === 'full-collection-pauses',
) as Check;
// Instant: the `for` window is another test's concern (run-metric-step.test.ts).
const { for: _window, ...instantCheck } = check;
const now = new Date('2026-11-23T10:00:00Z');

/** Answers each alternative from `pause` and `rate`, and the whole query as `or` would. */
function metrics(pause: Sample[], rate: Sample[]): MetricsClient {
  const [first = ''] = orAlternatives(check.query.replaceAll('{{job}}', 'svc'));
  const key = (s: Sample) => JSON.stringify(s.labels);
  return {
    async instant(_d, query) {
      if (query === first) return pause;
      if (query.includes(' or '))
        return [...pause, ...rate.filter((r) => !pause.some((p) => key(p) === key(r)))];
      return rate;
    },
    async range() {
      return [];
    },
  };
}

describe('which alternative of an or decided', () => {
  it('splits top-level or only, keeping matching clauses out of the alternatives', () => {
    expect(orAlternatives('a or on (job) b / 2 or c')).toEqual(['a', 'b / 2', 'c']);
    expect(orAlternatives('sum(a or b)')).toEqual(['sum(a or b)']);
    expect(orAlternatives('(a or b) > 1')).toEqual(['(a or b) > 1']);
    expect(orAlternatives('a or b and c')).toEqual(['a', 'b and c']);
    expect(orAlternatives('a or (')).toEqual(['a or (']);
  });

  it('the pause percentile when the service exports it, the collection rate when not', async () => {
    const job = { job: 'svc' };
    const exported = await evaluateCheck(
      instantCheck,
      { job: 'svc' },
      metrics([{ labels: job, value: 4.2 }], [{ labels: job, value: 1.5 }]),
      now,
    );
    expect(exported).toMatchObject({ value: 4.2, decidedBy: { alternative: 1, alternatives: 2 } });
    expect(exported.decidedBy?.query).toContain('python_gc_pause_seconds_bucket{job="svc",generation="2"}');
    expect(exported.reason).toContain("decided by the first of 2 alternatives joined by 'or'");

    const plain = await evaluateCheck(
      instantCheck,
      { job: 'svc' },
      metrics([], [{ labels: job, value: 1.5 }]),
      now,
    );
    expect(plain).toMatchObject({ value: 1.5, decidedBy: { alternative: 2, alternatives: 2 } });
    expect(plain.decidedBy?.query).toContain('python_gc_collections_total{job="svc",generation="2"}');
    expect(plain.reason).toContain("decided by the second of 2 alternatives joined by 'or'");
  });

  it('says nothing when no alternative has the series, or the query has no or', async () => {
    const none = await evaluateCheck(instantCheck, { job: 'svc' }, metrics([], []), now);
    expect(none.decidedBy).toBeUndefined();
    const single: Check = { ...instantCheck, query: 'max(process_resident_memory_bytes{job="{{job}}"})' };
    const plain = await evaluateCheck(single, { job: 'svc' }, metrics([], [{ labels: {}, value: 2 }]), now);
    expect(plain).toMatchObject({ value: 2 });
    expect(plain.decidedBy).toBeUndefined();
  });
});
