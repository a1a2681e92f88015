/**
 * A Vega specification for a range query: one line per series, the check's
 * threshold as a rule, and the points that breach it shaded, readable at
 * Slack's preview size.
 */
import { lineGroupMark } from '../charts/vega-marks.js';

import type { Series } from '../ports.js';
import type { Operator } from '../runbook/types.js';
import { compare } from './evaluate.js';

export function rangeChartSpec(
  series: readonly Series[],
  options: {
    title: string;
    threshold?: number | undefined;
    operator?: Operator | undefined;
    stepSeconds: number;
  },
): Record<string, unknown> {
  const label = (labels: Readonly<Record<string, string>>) =>
    Object.entries(labels)
      .filter(([k]) => k !== '__name__')
      .map(([k, v]) => `${k}=${v}`)
      .join(', ') || 'value';
  const values = series.flatMap((s) =>
    s.points
      .filter(([, v]) => Number.isFinite(v))
      .map(([t, v]) => ({ series: label(s.labels), t: t * 1000, v })),
  );
  const threshold = options.threshold;
  const operator = options.operator ?? '>';
  const breaches =
    threshold === undefined
      ? []
      : values
          .filter((p) => compare(p.v, operator, threshold))
          .map((p) => ({
            t0: p.t - (options.stepSeconds * 1000) / 2,
            t1: p.t + (options.stepSeconds * 1000) / 2,
          }));
  return {
    $schema: 'https://vega.github.io/schema/vega/v6.json',
    width: 640,
    height: 300,
    padding: 12,
    autosize: 'pad',
    background: 'white',
    title: { text: options.title, fontSize: 14, limit: 640 },
    data: [
      { name: 'points', values },
      { name: 'breaches', values: breaches },
      { name: 'threshold', values: threshold === undefined ? [] : [{ y: threshold }] },
    ],
    scales: [
      { name: 'x', type: 'utc', domain: { data: 'points', field: 't' }, range: 'width' },
      {
        name: 'y',
        type: 'linear',
        domain: {
          fields: [
            { data: 'points', field: 'v' },
            { data: 'threshold', field: 'y' },
          ],
        },
        range: 'height',
        nice: true,
        zero: true,
      },
      { name: 'color', type: 'ordinal', domain: { data: 'points', field: 'series' }, range: 'category' },
    ],
    axes: [
      { orient: 'bottom', scale: 'x', format: '%H:%M', formatType: 'utc', title: 'time (UTC)' },
      { orient: 'left', scale: 'y', format: '~s', grid: true },
    ],
    legends:
      series.length > 1 && series.length <= 12 ? [{ stroke: 'color', orient: 'bottom', columns: 2 }] : [],
    marks: [
      {
        type: 'rect',
        from: { data: 'breaches' },
        encode: {
          enter: {
            x: { scale: 'x', field: 't0' },
            x2: { scale: 'x', field: 't1' },
            y: { value: 0 },
            y2: { signal: 'height' },
            fill: { value: '#ffc9c9' },
            opacity: { value: 0.5 },
          },
        },
      },
      lineGroupMark('points', 'series', { x: 't', y: 'v' }, 'color'),
      {
        type: 'rule',
        from: { data: 'threshold' },
        encode: {
          enter: {
            x: { value: 0 },
            x2: { signal: 'width' },
            y: { scale: 'y', field: 'y' },
            stroke: { value: '#c92a2a' },
            strokeDash: { value: [6, 4] },
            strokeWidth: { value: 2 },
          },
        },
      },
    ],
  };
}
