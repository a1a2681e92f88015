/** The incident-window chart of a check: its unit on the y axis, the threshold labelled, the opening marked. */
import { expect, it } from 'vitest';
import { rangeChartSpec } from '../../src/core/checks/chart-spec.js';

type Spec = {
  data: { name: string; values: Record<string, unknown>[] }[];
  axes: { orient: string; title?: string | null }[];
};
const series = [
  {
    labels: { instance: 'a:8000' },
    points: Array.from({ length: 8 }, (_, i) => [1_800_000_000 + i * 15, i * 20] as [number, number]),
  },
];

it('names the unit, labels the threshold, shades the breaches and marks the opening', () => {
  const spec = rangeChartSpec(series, {
    title: 'gen-0 collections',
    threshold: 50,
    operator: '>',
    stepSeconds: 15,
    unit: 'per-second',
    marker: { at: 1_800_000_030_000, label: 'opened' },
  }) as unknown as Spec;
  const data = (name: string) => spec.data.find((d) => d.name === name)?.values ?? [];
  expect(spec.axes.find((a) => a.orient === 'left')?.title).toBe('per second');
  expect(data('threshold')).toEqual([{ y: 50, label: 'threshold > 50' }]);
  // 60, 80, 100, 120, 140: five points beyond 50.
  expect(data('breaches')).toHaveLength(5);
  expect(data('marker')).toEqual([{ t: 1_800_000_030_000, label: 'opened' }]);
  const bare = rangeChartSpec(series, { title: 'q', stepSeconds: 15 }) as unknown as Spec;
  expect(bare.axes.find((a) => a.orient === 'left')?.title).toBeNull();
  expect(bare.data.find((d) => d.name === 'marker')?.values).toEqual([]);
});
