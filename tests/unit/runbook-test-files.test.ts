/** The pieces of `gc-incident test` below the CLI: promtool's series notation, the OpenMetrics it becomes. */
import { describe, expect, it } from 'vitest';
import { toOpenMetrics } from '../../src/adapters/runbook-tests/series-engine.js';
import type { MetricsClient, Series } from '../../src/core/ports.js';
import { prefetchingClient } from '../../src/core/runbook-tests/prefetch.js';
import { expandValues, parseSeriesSelector } from '../../src/core/runbook-tests/series-notation.js';

describe("promtool's series notation", () => {
  it('expands the examples of the Prometheus documentation', () => {
    expect(expandValues('-2+4x3')).toEqual({ ok: true, value: [-2, 2, 6, 10] });
    expect(expandValues(' 1-2x4')).toEqual({ ok: true, value: [1, -1, -3, -5, -7] });
    expect(expandValues(' 1x4')).toEqual({ ok: true, value: [1, 1, 1, 1, 1] });
    expect(expandValues('1 _x3 2')).toEqual({ ok: true, value: [1, undefined, undefined, undefined, 2] });
    expect(expandValues('0+600x2 1200.5 1e3')).toEqual({ ok: true, value: [0, 600, 1200, 1200.5, 1000] });
  });

  it('reads NaN and infinities, and refuses what it cannot write', () => {
    const parsed = expandValues('NaN Inf -Inf');
    expect(parsed.ok && parsed.value.map(String)).toEqual(['NaN', 'Infinity', '-Infinity']);
    expect(expandValues('1 stale')).toMatchObject({ ok: false, reason: expect.stringMatching(/'stale'/) });
    expect(expandValues('0+6000y60')).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/0\+6000y60/),
    });
    expect(expandValues('0+1x200000')).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/more than/),
    });
  });

  it('parses a series with labels, escapes included', () => {
    expect(parseSeriesSelector('python_gc_collections_total{job="api", generation="0"}')).toEqual({
      ok: true,
      value: { __name__: 'python_gc_collections_total', job: 'api', generation: '0' },
    });
    expect(parseSeriesSelector('up{path="a\\"b"}')).toEqual({
      ok: true,
      value: { __name__: 'up', path: 'a"b' },
    });
    expect(parseSeriesSelector('up')).toEqual({ ok: true, value: { __name__: 'up' } });
    expect(parseSeriesSelector('{job="api"}').ok).toBe(false);
    expect(parseSeriesSelector('up{job=~"a.*"}').ok).toBe(false);
    expect(parseSeriesSelector('up{job="a",job="b"}')).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/twice/),
    });
  });
});

describe('OpenMetrics for promtool tsdb create-blocks-from', () => {
  it('groups samples by family, in time order, skipping missing ones, escaping label values', () => {
    const out = toOpenMetrics([
      {
        startMs: 1_000_000,
        intervalMs: 60_000,
        series: [
          { labels: { __name__: 'a_total', job: 'x"y' }, values: [0, undefined, 2] },
          { labels: { __name__: 'b', job: 'x' }, values: [Number.NaN] },
        ],
      },
      {
        startMs: 9_000_000,
        intervalMs: 60_000,
        series: [{ labels: { __name__: 'a_total', job: 'z' }, values: [5] }],
      },
    ]);
    expect(out.text).toBe(
      [
        '# TYPE a_total unknown',
        'a_total{job="x\\"y"} 0 1000',
        'a_total{job="x\\"y"} 2 1120',
        'a_total{job="z"} 5 9000',
        '# TYPE b unknown',
        'b{job="x"} NaN 1000',
        '# EOF',
        '',
      ].join('\n'),
    );
    expect(out.samples).toBe(4);
    expect(out.spanMs).toBe(8_000_000);
  });
});

describe('prefetching verification rounds', () => {
  it('answers instant queries on the grid from one range query, and others as asked', async () => {
    const calls: string[] = [];
    const series: Series[] = [
      {
        labels: { i: 'a' },
        points: [
          [100, 1],
          [130, 2],
          [160, 3],
        ],
      },
      { labels: { i: 'b' }, points: [[130, 7]] },
    ];
    const inner: MetricsClient = {
      instant: async (_d, q, t) => {
        calls.push(`instant ${q} ${t.getTime()}`);
        return [{ labels: {}, value: 42 }];
      },
      range: async (_d, q, s, e, step) => {
        calls.push(`range ${q} ${s.getTime()}-${e.getTime()}/${step}`);
        return series;
      },
    };
    const client = prefetchingClient(inner, { startMs: 100_000, endMs: 160_000, stepMs: 30_000 });
    expect(await client.instant('d', 'q', new Date(130_000))).toEqual([
      { labels: { i: 'a' }, value: 2 },
      { labels: { i: 'b' }, value: 7 },
    ]);
    expect(await client.instant('d', 'q', new Date(160_000))).toEqual([{ labels: { i: 'a' }, value: 3 }]);
    expect(await client.instant('d', 'q', new Date(145_000))).toEqual([{ labels: {}, value: 42 }]);
    expect(calls).toEqual(['range q 100000-160000/30', 'instant q 145000']);
  });
});

describe('test files that expand too far', () => {
  it('are refused at the series that crosses the cap, before anything runs', async () => {
    const { compileTestFile, MAX_SAMPLES_PER_FILE } = await import('../../src/core/runbook-tests/compile.js');
    const { loadYaml } = await import('../../src/core/yaml/load-yaml.js');
    const { shippedRunbook } = await import('../helpers/engine.js');
    const series = Array.from(
      { length: 12 },
      (_, i) => `      - series: 'up{i="${i}"}'\n        values: '0+1x99999'\n`,
    ).join('');
    const text = `tests:\n  - inputs: { job: api }\n    input_series:\n${series}    cases:\n      - name: c\n        detection: fires\n        eval_time: 1m\n`;
    const loaded = loadYaml('big.test.yaml', new TextEncoder().encode(text));
    if (!loaded.ok) throw new Error('fixture does not parse');
    const out = compileTestFile(
      loaded.value.data as never,
      shippedRunbook('gc-thrash-allocation-churn'),
      'big.test.yaml',
      loaded.value.locate,
    );
    expect(MAX_SAMPLES_PER_FILE).toBe(1_000_000);
    expect(out.diagnostics).toEqual([
      expect.objectContaining({ rule: 'test/too-many-samples', line: 4 + 2 * 10 + 1, col: 17 }),
    ]);
  });
});
