/**
 * The what-if chart as a decision: one row per variant (baseline first), its pause
 * percentiles (p50, p99, max, on a log scale: they span orders of magnitude) on the left
 * and its GC time on the right. Each variant has its own colour and legend entry, and the
 * chosen variant's row is highlighted and named in the subtitle. Rows never overlap, so no
 * variant hides another (a heap-over-time chart drew them as one line).
 *
 * Pure data: positions and labels are computed here, rendering is an adapter's job.
 */
import type { SimulationResult } from './simulate.js';

export interface DecisionVariant {
  readonly label: string;
  readonly result: SimulationResult;
}

export interface DecisionChartOptions {
  readonly title: string;
  /** The variant to mark; by default the one spending the least time in GC, if it beats the baseline. */
  readonly chosen?: string | undefined;
}

/** Distinct on white and for the common colour-vision deficiencies; the baseline is dark grey. */
export const VARIANT_COLORS = [
  '#495057',
  '#1c7ed6',
  '#e8590c',
  '#2f9e44',
  '#ae3ec9',
  '#f59f00',
  '#0c8599',
  '#c2255c',
  '#5c940d',
  '#364fc7',
];

/** Drawn at 680 × (about 100 + 48 per variant) points, so that at Slack's preview height the text stays legible. */
const LABEL_WIDTH = 230;
const PAUSE_WIDTH = 270;
const GAP = 28;
const TIME_WIDTH = 150;
const ROW = 48;
const HIGHLIGHT = '#fff3bf';

/** The cost the decision is about: GC time per second of service when the workload has a rate, else in total. */
export function gcTimeMs(r: SimulationResult): number {
  return r.perSecond ? r.perSecond.gcMs : r.pauses.totalMs;
}

/** The variant spending the least time in GC, when it beats the baseline (the first variant). */
export function chosenVariant(variants: readonly DecisionVariant[]): string | undefined {
  const [baseline, ...others] = variants;
  if (!baseline) return undefined;
  const best = [...others].sort((a, b) => gcTimeMs(a.result) - gcTimeMs(b.result))[0];
  return best && gcTimeMs(best.result) < gcTimeMs(baseline.result) ? best.label : undefined;
}

/** 0.042 → "0.042", 3.14159 → "3.1", 48.2 → "48", 1234 → "1,234". */
export function formatMs(v: number): string {
  if (v === 0) return '0';
  if (v >= 100) return Math.round(v).toLocaleString('en-US');
  return Number(v.toPrecision(2)).toString();
}

/** Powers of ten within the domain, with 2× and 5× between them when there are fewer than three. */
export function logTicks(lo: number, hi: number): number[] {
  const powers: number[] = [];
  const all: number[] = [];
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) {
    for (const m of [1, 2, 5]) {
      const v = Number((m * 10 ** e).toPrecision(1));
      if (v < lo || v > hi) continue;
      all.push(v);
      if (m === 1) powers.push(v);
    }
  }
  return powers.length >= 3 ? powers : all;
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function colorOf(index: number): string {
  return VARIANT_COLORS[index % VARIANT_COLORS.length] as string;
}

export function decisionChartSpec(
  variants: readonly DecisionVariant[],
  options: DecisionChartOptions,
): Record<string, unknown> {
  const chosen = options.chosen ?? chosenVariant(variants);
  const perSecond = variants.length > 0 && variants.every((v) => v.result.perSecond);
  // Vega measures text roughly without a canvas and would cut labels short: they are cut here instead.
  const labels: string[] = [];
  for (const [i, v] of variants.entries()) {
    const label = `${v.label === chosen ? '✔ ' : ''}${clip(v.label, 24)}`;
    labels.push(labels.includes(label) ? `${i + 1}. ${label}` : label);
  }
  const positive = variants.flatMap(({ result: r }) =>
    [r.pauses.p50Ms, r.pauses.p99Ms, r.pauses.maxMs].filter((v) => v > 0),
  );
  // A log scale with some room either side; a run without any pause gets a token range.
  const lo = positive.length ? Math.min(...positive) / 1.6 : 0.01;
  const hi = positive.length ? Math.max(...positive) * 1.6 : 1;
  const rows = variants.map(({ label, result: r }, i) => {
    const { p50Ms, p99Ms, maxMs, count } = r.pauses;
    const gc = gcTimeMs(r);
    const text = count === 0 ? 'no collections' : `p99 ${formatMs(p99Ms)} ms · max ${formatMs(maxMs)} ms`;
    return {
      variant: labels[i],
      label,
      chosen: label === chosen,
      color: colorOf(i),
      count,
      p50: p50Ms,
      p99: p99Ms,
      max: maxMs,
      gcMs: gc,
      gcText: `${formatMs(gc)} ms${perSecond ? '/s' : ''}`,
      pauseText: text,
      // Under the row's line, starting at its p50 (kept inside the panel).
      textAt: count === 0 ? lo : Math.min(p50Ms > 0 ? p50Ms : p99Ms, lo * (hi / lo) ** 0.45),
    };
  });
  const points = rows.flatMap((row) =>
    row.count === 0
      ? []
      : (['p50', 'p99', 'max'] as const)
          .filter((p) => row[p] > 0)
          .map((p) => ({ variant: row.variant, percentile: p, ms: row[p] })),
  );
  const height = Math.max(2, rows.length) * ROW;
  const chosenRow = rows.find((r) => r.chosen);
  const baseline = rows[0];
  const subtitle =
    chosenRow && baseline && chosenRow !== baseline
      ? // GC time from the baseline to the chosen variant, short enough to stay on one line.
        `✔ chosen: ${clip(chosenRow.label, 24)}, GC ${formatMs(baseline.gcMs)} → ${chosenRow.gcText}`
      : chosenRow
        ? `✔ chosen: ${clip(chosenRow.label, 24)}`
        : variants.length > 1
          ? `No variant spends less time in GC than ${baseline?.label ?? 'the baseline'}`
          : '';
  return {
    $schema: 'https://vega.github.io/schema/vega/v6.json',
    width: LABEL_WIDTH + PAUSE_WIDTH + GAP + TIME_WIDTH,
    height,
    padding: 14,
    autosize: 'pad',
    background: 'white',
    title: {
      text: clip(options.title, 48),
      subtitle,
      fontSize: 17,
      subtitleFontSize: 14,
      subtitleColor: '#495057',
      anchor: 'start',
      offset: 12,
    },
    config: {
      axis: { labelFontSize: 13, titleFontSize: 13 },
      legend: { labelFontSize: 13, titleFontSize: 13 },
    },
    data: [
      { name: 'rows', values: rows },
      { name: 'points', values: points },
      { name: 'chosen', values: chosenRow ? [chosenRow] : [] },
    ],
    scales: [
      { name: 'y', type: 'band', domain: labels, range: [0, height], paddingInner: 0.25, paddingOuter: 0.15 },
      { name: 'color', type: 'ordinal', domain: labels, range: rows.map((r) => r.color) },
      {
        name: 'shape',
        type: 'ordinal',
        domain: ['p50', 'p99', 'max'],
        range: ['circle', 'circle', 'diamond'],
      },
      { name: 'size', type: 'ordinal', domain: ['p50', 'p99', 'max'], range: [70, 190, 150] },
      {
        name: 'fill',
        type: 'ordinal',
        domain: ['p50', 'p99', 'max'],
        range: ['white', '#343a40', '#343a40'],
      },
    ],
    // The variants' colour key is drawn beside each row (a swatch and its name), where the eye
    // already is; this legend keys the pause markers.
    legends: [
      {
        shape: 'shape',
        size: 'size',
        fill: 'fill',
        title: 'pause',
        orient: 'bottom',
        offset: 10,
        direction: 'horizontal',
        symbolStrokeColor: '#343a40',
        symbolStrokeWidth: 1.5,
      },
    ],
    marks: [
      highlight(0, LABEL_WIDTH + PAUSE_WIDTH + GAP + TIME_WIDTH),
      variantKey(),
      pausePanel(lo, hi),
      timePanel(perSecond),
    ],
  };
}

/** A pale band behind the chosen variant's row, across both panels and its label. */
function highlight(from: number, to: number): Record<string, unknown> {
  return {
    type: 'rect',
    name: 'chosen-row',
    from: { data: 'chosen' },
    encode: {
      enter: {
        x: { value: from },
        x2: { value: to },
        y: { scale: 'y', field: 'variant', offset: -8 },
        height: { scale: 'y', band: 1, offset: 16 },
        fill: { value: HIGHLIGHT },
      },
    },
  };
}

/** The colour key: a swatch and the variant's name at the start of each row. */
function variantKey(): Record<string, unknown> {
  return {
    type: 'group',
    name: 'variant-key',
    marks: [
      {
        type: 'rect',
        name: 'variant-swatch',
        from: { data: 'rows' },
        encode: {
          enter: {
            x: { value: 0 },
            width: { value: 14 },
            y: { scale: 'y', field: 'variant', band: 0.5, offset: -7 },
            height: { value: 14 },
            fill: { scale: 'color', field: 'variant' },
          },
        },
      },
      {
        type: 'text',
        name: 'variant-label',
        from: { data: 'rows' },
        encode: {
          enter: {
            x: { value: 22 },
            y: { scale: 'y', field: 'variant', band: 0.5 },
            baseline: { value: 'middle' },
            text: { field: 'variant' },
            fontSize: { value: 14 },
            fontWeight: { signal: "datum.chosen ? 'bold' : 'normal'" },
            fill: { value: '#212529' },
          },
        },
      },
    ],
  };
}

function pausePanel(lo: number, hi: number): Record<string, unknown> {
  return {
    type: 'group',
    name: 'pauses',
    encode: {
      enter: { x: { value: LABEL_WIDTH }, width: { value: PAUSE_WIDTH }, height: { signal: 'height' } },
    },
    scales: [{ name: 'x', type: 'log', domain: [lo, hi], range: [0, PAUSE_WIDTH], nice: false }],
    axes: [
      {
        orient: 'bottom',
        scale: 'x',
        title: 'pause per collection (ms, log scale)',
        grid: true,
        gridColor: '#e9ecef',
        values: logTicks(lo, hi),
        format: ',~r',
      },
    ],
    marks: [
      {
        type: 'rule',
        name: 'pause-range',
        from: { data: 'rows' },
        encode: {
          enter: {
            x: { scale: 'x', field: 'p50' },
            x2: { scale: 'x', field: 'max' },
            y: { scale: 'y', field: 'variant', band: 0.5 },
            stroke: { scale: 'color', field: 'variant' },
            strokeWidth: { value: 4 },
            opacity: { signal: 'datum.count > 0 && datum.p50 > 0 ? 0.6 : 0' },
          },
        },
      },
      {
        type: 'symbol',
        name: 'pause-points',
        from: { data: 'points' },
        encode: {
          enter: {
            x: { scale: 'x', field: 'ms' },
            y: { scale: 'y', field: 'variant', band: 0.5 },
            shape: { scale: 'shape', field: 'percentile' },
            size: { scale: 'size', field: 'percentile' },
            fill: { signal: "datum.percentile === 'p50' ? 'white' : scale('color', datum.variant)" },
            stroke: { scale: 'color', field: 'variant' },
            strokeWidth: { value: 2 },
          },
        },
      },
      {
        type: 'text',
        name: 'pause-labels',
        from: { data: 'rows' },
        encode: {
          enter: {
            x: { scale: 'x', field: 'textAt' },
            y: { scale: 'y', field: 'variant', band: 0.5, offset: 10 },
            baseline: { value: 'top' },
            text: { field: 'pauseText' },
            fontSize: { value: 13 },
            fill: { value: '#343a40' },
          },
        },
      },
    ],
  };
}

function timePanel(perSecond: boolean): Record<string, unknown> {
  return {
    type: 'group',
    name: 'gc-time',
    encode: {
      enter: {
        x: { value: LABEL_WIDTH + PAUSE_WIDTH + GAP },
        width: { value: TIME_WIDTH },
        height: { signal: 'height' },
      },
    },
    scales: [
      {
        name: 'x',
        type: 'linear',
        domain: { data: 'rows', field: 'gcMs' },
        range: [0, TIME_WIDTH],
        zero: true,
        nice: true,
      },
    ],
    axes: [
      {
        orient: 'bottom',
        scale: 'x',
        title: perSecond ? 'GC time (ms per second)' : 'GC time over the run (ms)',
        grid: true,
        gridColor: '#e9ecef',
        tickCount: 3,
        format: ',~r',
      },
    ],
    marks: [
      {
        type: 'rect',
        name: 'gc-bars',
        from: { data: 'rows' },
        encode: {
          enter: {
            x: { scale: 'x', value: 0 },
            x2: { scale: 'x', field: 'gcMs' },
            y: { scale: 'y', field: 'variant' },
            height: { scale: 'y', band: 1 },
            fill: { scale: 'color', field: 'variant' },
          },
        },
      },
      {
        type: 'text',
        name: 'gc-labels',
        from: { data: 'rows' },
        encode: {
          enter: {
            // Inside the bar's end when the bar is long, after it otherwise.
            x: { scale: 'x', field: 'gcMs' },
            dx: { signal: `scale('x', datum.gcMs) > ${TIME_WIDTH * 0.6} ? -6 : 6` },
            align: { signal: `scale('x', datum.gcMs) > ${TIME_WIDTH * 0.6} ? 'right' : 'left'` },
            y: { scale: 'y', field: 'variant', band: 0.5 },
            baseline: { value: 'middle' },
            text: { field: 'gcText' },
            fontSize: { value: 13 },
            fontWeight: { value: 'bold' },
            fill: { signal: `scale('x', datum.gcMs) > ${TIME_WIDTH * 0.6} ? 'white' : '#212529'` },
          },
        },
      },
    ],
  };
}
