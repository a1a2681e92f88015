/** A young collection's per-object cost against its size (cost-model.ts, YOUNG_SIZE_CURVE). */
import { describe, expect, it } from 'vitest';
import {
  coefficientsFor,
  DEFAULT_CALIBRATION,
  pauseNs,
  sizeFactor,
  YOUNG_SIZE_CURVE,
} from '../../src/core/simulator/cost-model.js';
import { simulate } from '../../src/core/simulator/simulate.js';
import { normalizeWorkload } from '../../src/core/simulator/workload.js';

describe('size curve', () => {
  it('is flat beyond its ends and interpolates in log size between its points', () => {
    expect(sizeFactor(YOUNG_SIZE_CURVE, 10)).toBe(1);
    expect(sizeFactor(YOUNG_SIZE_CURVE, 700)).toBe(1);
    expect(sizeFactor(YOUNG_SIZE_CURVE, 7_000)).toBeCloseTo(1.17, 10);
    expect(sizeFactor(YOUNG_SIZE_CURVE, 5_000_000)).toBe(3);
    // Halfway between 20,000 and 70,000 in log size: halfway between 1.65 and 2.1.
    expect(sizeFactor(YOUNG_SIZE_CURVE, Math.sqrt(20_000 * 70_000))).toBeCloseTo(1.875, 10);
    expect(sizeFactor(undefined, 70_000)).toBe(1);
  });

  it('applies to young collections only, and only when the costs carry it', () => {
    const profile = coefficientsFor(DEFAULT_CALIBRATION, '3.11');
    const curved = { ...profile, sizeCurve: YOUNG_SIZE_CURVE };
    const variable = (c: typeof profile, g: number) => pauseNs(c, 70_000, 0, 0, g) - c.fixedNs;
    expect(variable(curved, 0) / variable(profile, 0)).toBeCloseTo(2.1, 10);
    expect(variable(curved, 1) / variable(profile, 1)).toBeCloseTo(2.1, 10);
    expect(variable(curved, 2)).toBe(variable(profile, 2));
  });

  it("prices the generational collector's young collections only, not another collector's", () => {
    const profile = coefficientsFor(DEFAULT_CALIBRATION, '3.13');
    const curved = { ...profile, sizeCurve: YOUNG_SIZE_CURVE, generationScale: [2, 2, 2] as const };
    const flat = { ...curved, sizeCurve: undefined };
    // Rings kept for a while: collections hold thousands of objects, where the curve is above 1.
    const run = (python: string, cost: typeof profile) =>
      simulate({
        ...normalizeWorkload({
          python,
          iterations: 20_000,
          each_iteration: [{ cycle: { size: 4, lifetime: 3_000 } }],
        }),
        cost,
      }).pauses.totalMs;
    expect(run('3.13', curved)).toBeGreaterThan(1.05 * run('3.13', flat));
    // The free-threaded build records its whole-heap collections under generation 0.
    expect(run('3.13t', curved)).toBe(run('3.13t', flat));
  });
});
