/**
 * A freeze measured as a running service is: after the first full collection that follows it
 * (CPython's long-lived total still counts the frozen heap until then), not from the freeze on.
 */
import { describe, expect, it } from 'vitest';
import { simulate } from '../../src/core/simulator/simulate.js';
import { applyWhatIf } from '../../src/core/simulator/what-if.js';
import { normalizeWorkload } from '../../src/core/simulator/workload.js';

// Churn beside a held heap: young cycles, and some that live long enough to die in generation 2.
const churn = normalizeWorkload({
  name: 'churn',
  python: '3.11',
  setup: { heap: 100_000 },
  iterations: 60_000,
  rate: 3000,
  each_iteration: [{ cycle: { size: 8 } }, { cycle: { size: 2, lifetime: 400 } }],
});

describe('freeze on a running service', () => {
  const base = simulate(churn);
  const atStart = simulate(applyWhatIf(churn, 'freeze'));
  const settled = simulate(applyWhatIf(churn, 'freeze', { running: true }));
  const [b0, b1, b2] = base.stats.map((s) => s.collections);
  const [s0, s1, s2] = settled.stats.map((s) => s.collections);

  it('keeps the young collections of the baseline', () => {
    expect(b2).toBeGreaterThan(0);
    expect(Math.abs((s0 ?? 0) - (b0 ?? 0))).toBeLessThanOrEqual(0.02 * (b0 ?? 0));
    expect(Math.abs((s1 ?? 0) - (b1 ?? 0))).toBeLessThanOrEqual(0.05 * (b1 ?? 0));
  });

  it('measured from the freeze, the long-lived total still counts the frozen heap: full collections come slower', () => {
    const a2 = atStart.stats[2]?.collections ?? 0;
    expect(a2).toBeLessThan(0.7 * ((s1 ?? 0) / 11));
    expect(b2).toBeLessThan(0.5 * ((s1 ?? 0) / 11));
  });

  it('measured after the first full collection that follows it, a full collection comes every 11th generation-1 one', () => {
    // Nothing long-lived is left outside the permanent generation: t2 = 10 paces them.
    expect(Math.abs((s2 ?? 0) - (s1 ?? 0) / 11)).toBeLessThanOrEqual(0.1 * ((s1 ?? 0) / 11) + 1);
    // Each is cheap: the frozen heap is not traversed.
    expect(settled.pauses.byGeneration[2]?.maxMs).toBeLessThan(
      0.5 * (base.pauses.byGeneration[2]?.maxMs ?? 0),
    );
  });
});
