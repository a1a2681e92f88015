/** Workloads whose objects have lifetimes: how they are read, refused, and held in bounded memory. */
import { describe, expect, it } from 'vitest';
import { validateWorkloadBytes } from '../../src/core/runbook/validate.js';
import { simulate } from '../../src/core/simulator/simulate.js';
import { normalizeWorkload, type WorkloadDocument } from '../../src/core/simulator/workload.js';
import { schemaValidator } from '../helpers/runbooks.js';

const schemas = schemaValidator();
const check = (yaml: string) => validateWorkloadBytes('w.yaml', new TextEncoder().encode(yaml), schemas);

describe('lifetimes in workloads', () => {
  it('a lifetime in seconds becomes iterations at the rate; a cache is a ring buffer of its size', () => {
    const w = normalizeWorkload({
      python: '3.12',
      iterations: 10,
      rate: 200,
      each_iteration: [
        { keep: 3, lifetime: '2.5s' },
        { cycle: { size: 2, lifetime: 7 } },
        { cache: { size: 900, insert: 2 } },
        { cache: { size: 40, item: { cycle: { size: 3 } } } },
      ],
    });
    expect(w.ops).toMatchObject([
      { op: 'keep', count: 3, slots: 1500 },
      { op: 'cycle', size: 2, slots: 7 },
      { op: 'keep', count: 2, slots: 900 },
      { op: 'cycle', size: 3, slots: 40 },
    ]);
  });

  it('the schema and lint refuse what cannot be run, at the field', () => {
    const base = 'python: "3.12"\niterations: 10\neach_iteration:\n';
    const cases: [string, string][] = [
      ['  - {keep: 2, lifetime: 5, kind: list}\n', 'slotted'],
      ['  - {temp: 2, lifetime: 5}\n', "'lifetime' goes with 'keep'"],
      ['  - {cache: {size: 5, insert: 2, item: {cycle: {size: 2}}}}\n', "drop 'insert'"],
      ['  - {keep: 2, lifetime: soon}\n', 'number of iterations'],
      ['  - {keep: 2, lifetime: 30s}\n', "needs the workload's 'rate'"],
    ];
    for (const [item, message] of cases) {
      const result = check(base + item);
      expect(result.data, item).toBeUndefined();
      expect(result.diagnostics.map((d) => d.message).join('\n'), item).toContain(message);
      expect(result.diagnostics[0]?.line, item).toBe(4);
    }
    expect(check(`${base}  - {keep: 2, lifetime: 5}\n  - {cache: {size: 9}}\n`).diagnostics).toEqual([]);
  });

  it('coded errors for a lifetime without a rate, too many live objects, and the incremental collector', () => {
    const doc = (each: WorkloadDocument['each_iteration']): WorkloadDocument => ({
      python: '3.12',
      iterations: 10,
      each_iteration: each,
    });
    expect(() => normalizeWorkload(doc([{ keep: 1, lifetime: '3s' }]))).toThrow(
      expect.objectContaining({ code: 'WORKLOAD_INVALID' }),
    );
    expect(() => normalizeWorkload(doc([{ keep: 10_000, lifetime: 1_000 }]))).toThrow(
      expect.objectContaining({ code: 'WORKLOAD_INVALID' }),
    );
    const cached = normalizeWorkload(doc([{ cache: { size: 10 } }]), '3.14-incremental');
    expect(() => simulate(cached)).toThrow(expect.objectContaining({ code: 'WORKLOAD_INVALID' }));
  });

  it('a steady population stays at the cache size, and memory stays bounded for millions of live objects', () => {
    const cache = simulate(
      normalizeWorkload({
        python: '3.12',
        iterations: 50_000,
        each_iteration: [{ cache: { size: 3000 } }, { temp: 3 }],
      }),
    );
    // The cache, plus the harness's few objects in generation 2.
    expect(cache.heap.final - 3000).toBeGreaterThanOrEqual(0);
    expect(cache.heap.final - 3000).toBeLessThan(10);
    expect(cache.stats[0]?.collections).toBeGreaterThan(0);
    const before = process.memoryUsage().heapUsed;
    const big = simulate(
      normalizeWorkload({
        python: '3.13',
        iterations: 300_000,
        each_iteration: [{ keep: 16, lifetime: 300_000 }, { cycle: { size: 2, lifetime: 100_000 } }],
      }),
    );
    expect(big.heap.peak).toBeGreaterThan(4_800_000);
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(100 * 1024 * 1024);
  });
});
