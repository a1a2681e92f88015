import { describe, expect, it } from 'vitest';
import { readGcObservations } from '../../src/adapters/prometheus/gc-observations.js';
import type { MetricsClient, Sample } from '../../src/core/ports.js';

/** A backend answering the fit's queries by what they read; everything else empty. */
function backend(withHistogram: boolean): MetricsClient {
  const gen = (values: number[]): Sample[] =>
    values.map((value, g) => ({ labels: { generation: String(g) }, value }));
  return {
    async instant(_ds: string, query: string): Promise<Sample[]> {
      if (query.startsWith('count(')) return [{ labels: {}, value: 1 }];
      if (query.includes('count_over_time')) return [{ labels: {}, value: 20 }];
      if (query.includes('resets(')) return [{ labels: {}, value: 0 }];
      if (query.includes('python_gc_pause_seconds_bucket')) {
        if (!withHistogram) return [];
        // Scrambled order, as a backend may answer: gen 0 with 3 buckets and +Inf.
        return [
          { labels: { generation: '0', le: '+Inf' }, value: 100 },
          { labels: { generation: '0', le: '0.0001' }, value: 90 },
          { labels: { generation: '0', le: '0.00005' }, value: 10 },
          { labels: { generation: '0', le: '0.00025' }, value: 100 },
        ];
      }
      if (query.includes('python_gc_pause_seconds_sum')) return gen([0.0005, 0, 0]);
      if (query.includes('python_gc_pause_seconds_count')) return gen([5, 0, 0]);
      if (query.includes('python_gc_collections_total')) return gen([5, 0.5, 0]);
      return [];
    },
    async range() {
      return [];
    },
  };
}

describe('reading the pause histogram for the tail', () => {
  it('per generation, cumulative, sorted by edge with +Inf last', async () => {
    const obs = await readGcObservations(backend(true), {
      job: 'svc',
      datasource: 'default',
      windowSeconds: 20,
      end: new Date(20_000),
    });
    expect(obs.pauseBuckets?.[0]).toEqual([
      { le: 0.00005, count: 10 },
      { le: 0.0001, count: 90 },
      { le: 0.00025, count: 100 },
      { le: Number.POSITIVE_INFINITY, count: 100 },
    ]);
    expect(obs.pauseBuckets?.[1]).toEqual([]);
  });

  it('no histogram exported: none read', async () => {
    const obs = await readGcObservations(backend(false), {
      job: 'svc',
      datasource: 'default',
      windowSeconds: 20,
      end: new Date(20_000),
    });
    expect(obs.pauseBuckets).toBeUndefined();
    expect(obs.meanPause?.[0]).toBeCloseTo(0.0001, 9);
  });
});
