/**
 * Charts Slack draws itself (data_visualization blocks), built from the same data as the PNGs:
 * the what-if decision as two bar charts (the objective's measure first, per variant) and a
 * check's incident window as a line chart with its threshold. Pure functions; Slack's limits
 * (native-types.ts) are kept here: at most 20 points per series, 6 series, labels of 20
 * characters, titles of 50. Long windows are sampled down to 20 instants, which a line chart
 * of an incident window reads fine at; the PNG keeps every point.
 */
import type { Series } from '../../core/ports.js';
import { DEFAULT_OBJECTIVE, longestPauseMs, type Objective } from '../../core/simulator/objective.js';
import { type DecisionContext, rankSimulations } from '../../core/simulator/rank.js';
import type { SimulationResult } from '../../core/simulator/simulate.js';
import { truncate } from '../limits.js';
import { type ChartDataSeries, type DataVisualizationBlock, NATIVE_LIMITS } from './native-types.js';

export interface ChartVariant {
  readonly label: string;
  readonly result: SimulationResult;
}

/** Labels cut to `max` characters and kept distinct (Slack matches points to categories by label). */
export function distinctLabels(labels: readonly string[], max: number): string[] {
  const out: string[] = [];
  for (const label of labels) {
    let candidate = truncate(label || '-', max);
    for (let n = 2; out.includes(candidate); n += 1) {
      const suffix = ` ${n}`;
      candidate = `${truncate(label, max - suffix.length)}${suffix}`;
    }
    out.push(candidate);
  }
  return out;
}

/** Four significant digits: what a chart can show, and a smaller message. */
function round(v: number): number {
  return Number.isFinite(v) ? Number(v.toPrecision(4)) : 0;
}

type Chart = 'gc-time' | 'percentiles' | 'longest-pause' | 'memory';

/** The objective's chart first (what the incident is about), then the one that shows its cost. */
const CHARTS: Readonly<Record<Objective, readonly [Chart, Chart]>> = {
  'gc-time': ['gc-time', 'percentiles'],
  'p99-pause': ['percentiles', 'gc-time'],
  'longest-pause': ['longest-pause', 'gc-time'],
  memory: ['memory', 'gc-time'],
};

/**
 * The decision as two bar charts, the most one message may carry: the incident's objective
 * first (GC time, p50/p99 pauses, the longest pause, or peak heap), then GC time (or the
 * percentiles when GC time is the objective). The variant ranked first is marked ✔, as on the
 * PNG; the ranking is the verdict's (rank.ts), so chart and sentence cannot disagree.
 */
export function decisionChartBlocks(
  variants: readonly ChartVariant[],
  title: string,
  context: DecisionContext = {},
): DataVisualizationBlock[] {
  const shown = variants.slice(0, NATIVE_LIMITS.points);
  if (shown.length === 0) return [];
  const chosen = rankSimulations(variants, context).first;
  const categories = distinctLabels(
    shown.map((v) => (v.label === chosen ? `✔ ${v.label}` : v.label)),
    NATIVE_LIMITS.categoryLabel,
  );
  const perSecond = shown.every((v) => v.result.perSecond);
  const series = (name: string, value: (r: SimulationResult) => number): ChartDataSeries => ({
    name,
    data: shown.map((v, i) => ({ label: categories[i] as string, value: round(value(v.result)) })),
  });
  const bar = (name: string, data: ChartDataSeries[], yLabel: string): DataVisualizationBlock => ({
    type: 'data_visualization',
    title: truncate(`${title}: ${name}`, NATIVE_LIMITS.chartTitle),
    chart: { type: 'bar', series: data, axis_config: { categories, x_label: 'variant', y_label: yLabel } },
  });
  const chart = (which: Chart): DataVisualizationBlock => {
    switch (which) {
      case 'gc-time':
        return bar(
          'GC time',
          [
            series(perSecond ? 'GC ms per second' : 'GC ms in total', (r) =>
              r.perSecond && perSecond ? r.perSecond.gcMs : r.pauses.totalMs,
            ),
          ],
          perSecond ? 'ms of GC per s' : 'ms of GC',
        );
      case 'percentiles':
        // Not the longest pause beside them: Slack's axes are linear, and a 4 ms maximum beside
        // 0.1 ms percentiles would flatten them (the PNG uses a log scale).
        return bar(
          'pauses',
          [series('p50 pause', (r) => r.pauses.p50Ms), series('p99 pause', (r) => r.pauses.p99Ms)],
          'pause (ms)',
        );
      case 'longest-pause':
        // With the full collection still to come under raised thresholds (longestPauseMs).
        return bar('longest pause', [series('longest pause', longestPauseMs)], 'pause (ms)');
      case 'memory':
        return bar('peak heap', [series('peak heap', (r) => r.heap.peak)], 'objects');
    }
  };
  const objective = context.objective ?? DEFAULT_OBJECTIVE;
  return CHARTS[objective].map(chart);
}

export interface RangeChartOptions {
  readonly title: string;
  readonly threshold?: number | undefined;
  /** The y axis: the check's unit in words ('seconds', 'bytes'). */
  readonly yLabel?: string | undefined;
  /** The team's IANA zone: categories read its wall-clock time. */
  readonly timeZone?: string | undefined;
}

function clockLabels(instants: readonly number[], timeZone: string, seconds: boolean): string[] {
  const format = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    hour: '2-digit',
    minute: '2-digit',
    ...(seconds ? { second: '2-digit' } : {}),
    hourCycle: 'h23',
  });
  return instants.map((t) => format.format(new Date(t * 1000)));
}

/** A check's series over the incident window as one line chart, its threshold as a flat line; undefined when there is nothing to draw. */
export function rangeChartBlock(
  series: readonly Series[],
  options: RangeChartOptions,
): DataVisualizationBlock | undefined {
  const withThreshold = options.threshold !== undefined;
  const drawn = series
    .map((s) => ({ labels: s.labels, points: s.points.filter(([, v]) => Number.isFinite(v)) }))
    .filter((s) => s.points.length > 0)
    .slice(0, NATIVE_LIMITS.series - (withThreshold ? 1 : 0));
  const all = [...new Set(drawn.flatMap((s) => s.points.map(([t]) => t)))].sort((a, b) => a - b);
  if (all.length === 0) return undefined;
  // At most 20 instants, spread evenly over the window, its first and last included.
  const count = Math.min(all.length, NATIVE_LIMITS.points);
  const instants =
    count === 1
      ? [all[0] as number]
      : Array.from(
          { length: count },
          (_, i) => all[Math.round((i * (all.length - 1)) / (count - 1))] as number,
        );
  const zone = options.timeZone ?? 'UTC';
  let labels = clockLabels(instants, zone, false);
  if (new Set(labels).size < labels.length) labels = clockLabels(instants, zone, true);
  const categories = distinctLabels(labels, NATIVE_LIMITS.categoryLabel);
  const names = distinctLabels(
    drawn.map(
      (s) =>
        Object.entries(s.labels)
          .filter(([k]) => k !== '__name__')
          .map(([, v]) => v)
          .join(' ') || 'value',
    ),
    NATIVE_LIMITS.seriesName,
  );
  // Each category gets the series' latest value at or before it (Slack wants one point per category).
  const valueAt = (points: readonly (readonly [number, number])[], t: number) => {
    let value = points[0]?.[1] ?? 0;
    for (const [pt, v] of points) {
      if (pt > t) break;
      value = v;
    }
    return round(value);
  };
  const lines: ChartDataSeries[] = drawn.map((s, i) => ({
    name: names[i] as string,
    data: instants.map((t, j) => ({ label: categories[j] as string, value: valueAt(s.points, t) })),
  }));
  if (withThreshold)
    lines.push({
      name: distinctLabels([...names, 'threshold'], NATIVE_LIMITS.seriesName).at(-1) as string,
      data: categories.map((label) => ({ label, value: round(options.threshold as number) })),
    });
  return {
    type: 'data_visualization',
    title: truncate(options.title, NATIVE_LIMITS.chartTitle),
    chart: {
      type: 'line',
      series: lines,
      axis_config: {
        categories,
        x_label: truncate(`time (${zone})`, NATIVE_LIMITS.axisLabel),
        ...(options.yLabel ? { y_label: truncate(options.yLabel, NATIVE_LIMITS.axisLabel) } : {}),
      },
    },
  };
}
