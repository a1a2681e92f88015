/**
 * A Vega specification for a range query: one line per series, the check's
 * threshold as a rule, and the points that breach it shaded, readable at
 * Slack's preview size.
 */

import { checkRangeChart } from '../charts/chart-guard.js';
import { lineGroupMark } from '../charts/vega-marks.js';
import { zonedAxis } from '../charts/zoned-time.js';
import { GcIncidentError } from '../errors.js';
import type { Series } from '../ports.js';
import type { Operator, Unit } from '../runbook/types.js';
import { compare } from './evaluate.js';
import { formatMeasure } from './measure.js';

/** The y axis's title for a check's unit. */
const UNIT_TITLES: Record<Unit, string | null> = {
  none: null,
  ratio: 'ratio',
  percent: 'percent',
  seconds: 'seconds',
  bytes: 'bytes',
  'bytes-per-second': 'bytes per second',
  'bytes-per-minute': 'bytes per minute',
  'per-second': 'per second',
  objects: 'objects',
};

/** A unit in words for a chart's value axis ('bytes per minute'); undefined for none. */
export function unitTitle(unit: Unit | undefined): string | undefined {
  return UNIT_TITLES[unit ?? 'none'] ?? undefined;
}

/** Throws CHART_NOT_DRAWN ("chart not drawn: …") for data no chart can show (chart-guard.ts). */
export function rangeChartSpec(
  input: readonly Series[],
  options: {
    title: string;
    threshold?: number | undefined;
    operator?: Operator | undefined;
    stepSeconds: number;
    /** The check's unit, named on the y axis. */
    unit?: Unit | undefined;
    /** A moment to mark with a vertical line, such as the incident's opening (ms since the epoch). */
    marker?: { at: number; label: string } | undefined;
    /** The team's IANA time zone: the time axis reads its wall-clock time (UTC when absent). */
    timeZone?: string | undefined;
  },
): Record<string, unknown> {
  const label = (labels: Readonly<Record<string, string>>) =>
    Object.entries(labels)
      .filter(([k]) => k !== '__name__')
      .map(([k, v]) => `${k}=${v}`)
      .join(', ') || 'value';
  const checked = checkRangeChart(input, { threshold: options.threshold, markerAt: options.marker?.at });
  if (!checked.ok) throw new GcIncidentError('CHART_NOT_DRAWN', checked.note, { title: options.title });
  const { series, threshold, markerAt, flatDomain, timeDomain } = checked;
  const axis = zonedAxis(options.timeZone);
  const values = series.flatMap((s) =>
    s.points
      .filter(([, v]) => Number.isFinite(v))
      .map(([t, v]) => ({ series: label(s.labels), t: axis.shift(t * 1000), v })),
  );
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
    title: { text: options.title, fontSize: 15, limit: 720 },
    config: { axis: { labelFontSize: 13, titleFontSize: 13 }, legend: { labelFontSize: 12 } },
    data: [
      { name: 'points', values },
      { name: 'breaches', values: breaches },
      {
        name: 'threshold',
        values:
          threshold === undefined
            ? []
            : [{ y: threshold, label: `threshold ${formatMeasure(threshold, options.unit)}` }],
      },
      {
        name: 'marker',
        values:
          options.marker && markerAt !== undefined
            ? [{ t: axis.shift(markerAt), label: options.marker.label }]
            : [],
      },
    ],
    scales: [
      {
        name: 'x',
        type: 'utc',
        domain: timeDomain ? timeDomain.map((t) => axis.shift(t)) : { data: 'points', field: 't' },
        range: 'width',
      },
      {
        name: 'y',
        type: 'linear',
        domain: flatDomain
          ? [...flatDomain]
          : {
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
      { orient: 'bottom', scale: 'x', format: '%H:%M', formatType: 'utc', title: axis.title },
      {
        orient: 'left',
        scale: 'y',
        format: '~s',
        grid: true,
        tickCount: 6,
        title: UNIT_TITLES[options.unit ?? 'none'],
      },
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
      {
        type: 'text',
        from: { data: 'threshold' },
        encode: {
          enter: {
            x: { value: 4 },
            y: { scale: 'y', field: 'y', offset: -5 },
            text: { field: 'label' },
            fontSize: { value: 13 },
            fontWeight: { value: 'bold' },
            fill: { value: '#c92a2a' },
          },
        },
      },
      {
        type: 'rule',
        from: { data: 'marker' },
        encode: {
          enter: {
            x: { scale: 'x', field: 't' },
            y: { value: 0 },
            y2: { signal: 'height' },
            stroke: { value: '#495057' },
            strokeDash: { value: [2, 3] },
            strokeWidth: { value: 1.5 },
          },
        },
      },
      {
        type: 'text',
        from: { data: 'marker' },
        encode: {
          enter: {
            x: { scale: 'x', field: 't', offset: 4 },
            y: { value: 12 },
            text: { field: 'label' },
            fontSize: { value: 13 },
            fill: { value: '#495057' },
          },
        },
      },
    ],
  };
}
