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
  expect(data('threshold')).toEqual([{ y: 50, label: 'threshold 50/s' }]);
  // 60, 80, 100, 120, 140: five points beyond 50.
  expect(data('breaches')).toHaveLength(5);
  expect(data('marker')).toEqual([{ t: 1_800_000_030_000, label: 'opened' }]);
  const bare = rangeChartSpec(series, { title: 'q', stepSeconds: 15 }) as unknown as Spec;
  expect(bare.axes.find((a) => a.orient === 'left')?.title).toBeNull();
  expect(bare.data.find((d) => d.name === 'marker')?.values).toEqual([]);
});

it("reads the team's wall-clock time on the time axis, DST included, and names the zone", () => {
  // 2026-03-29 00:30 UTC and 01:30 UTC: Berlin moves from +1 h to +2 h at 01:00 UTC.
  const before = Date.UTC(2026, 2, 29, 0, 30) / 1000;
  const after = Date.UTC(2026, 2, 29, 1, 30) / 1000;
  const zoned = (timeZone: string | undefined) =>
    rangeChartSpec(
      [{ labels: {}, points: [[before, 1] as [number, number], [after, 2] as [number, number]] }],
      {
        title: 'q',
        stepSeconds: 15,
        marker: { at: after * 1000, label: 'opened' },
        timeZone,
      },
    ) as unknown as Spec;
  const berlin = zoned('Europe/Berlin');
  const points = berlin.data.find((d) => d.name === 'points')?.values.map((p) => p.t);
  // Drawn on a UTC scale, so the shifted instants read 01:30 and 03:30: Berlin's clocks.
  expect(points).toEqual([Date.UTC(2026, 2, 29, 1, 30), Date.UTC(2026, 2, 29, 3, 30)]);
  expect(berlin.data.find((d) => d.name === 'marker')?.values).toEqual([
    { t: Date.UTC(2026, 2, 29, 3, 30), label: 'opened' },
  ]);
  expect(berlin.axes.find((a) => a.orient === 'bottom')?.title).toBe('time (Europe/Berlin)');
  // No zone, UTC, or a zone Intl does not know: UTC as before, said on the axis.
  for (const zone of [undefined, 'UTC', 'Mars/Olympus']) {
    const spec = zoned(zone);
    expect(spec.data.find((d) => d.name === 'points')?.values.map((p) => p.t)).toEqual([
      before * 1000,
      after * 1000,
    ]);
    expect(spec.axes.find((a) => a.orient === 'bottom')?.title).toBe('time (UTC)');
  }
});
