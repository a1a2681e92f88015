/**
 * The free-threaded models (model only: no free-threaded interpreter is measured here). 3.14t
 * defers a collection until memory grew by a tenth, at least 128 KiB (python/cpython#148937,
 * gh-132917): fewer collections and more garbage held than 3.13t on the same workload.
 */
import { describe, expect, it } from 'vitest';
import { simulate } from '../../src/core/simulator/simulate.js';
import { normalizeWorkload, type WorkloadDocument } from '../../src/core/simulator/workload.js';

const rings: WorkloadDocument = {
  python: '3.13t',
  iterations: 20_000,
  each_iteration: [{ cycle: { size: 4 } }],
};
const run = (python: '3.13t' | '3.14t') => simulate(normalizeWorkload(rings, python));

describe('3.14t memory-growth skip', () => {
  it('collects about half as often as 3.13t on cyclic garbage and holds about twice the garbage', () => {
    const t13 = run('3.13t');
    const t14 = run('3.14t');
    const collections = (r: typeof t13) => r.stats.reduce((s, g) => s + g.collections, 0);
    // 3.13t: every time 2000 objects (t0) accumulate; 3.14t: once 128 KiB (2048 objects of 64 B) more.
    expect(collections(t13)).toBe(39);
    expect(collections(t14)).toBeLessThan(collections(t13) * 0.6);
    expect(t14.heap.peak).toBeGreaterThan(t13.heap.peak * 1.8);
    expect([t13.fidelity, t14.fidelity]).toEqual(['model only', 'model only']);
    expect(t14.covers).toBe('3.14.x free-threaded');
  });
});
