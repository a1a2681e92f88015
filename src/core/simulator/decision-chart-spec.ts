/**
 * The what-if chart as a decision: one row per variant (baseline first), its pause
 * percentiles (p50, p99, max, on a log scale: they span orders of magnitude) on the left
 * and its GC time on the right. Each variant has its own colour and legend entry, and the
 * chosen variant's row is highlighted and named in the subtitle. Rows never overlap, so no
 * variant hides another (a heap-over-time chart drew them as one line).
 *
 * Pure data: positions and labels are computed here, rendering is an adapter's job.
 */
import {
  GAP,
  highlight,
  LABEL_WIDTH,
  PAUSE_WIDTH,
  pausePanel,
  ROW,
  TIME_WIDTH,
  timePanel,
  variantKey,
} from './decision-chart-marks.js';
import { longestPauseMs, MEASURE_NAME, MEASURE_OF, OBJECTIVE_NAME } from './objective.js';
import { type DecisionContext, type Ranking, rankSimulations } from './rank.js';
import type { SimulationResult } from './simulate.js';

export interface DecisionVariant {
  readonly label: string;
  readonly result: SimulationResult;
}

export interface DecisionChartOptions {
  readonly title: string;
  /** The variant to mark; by default the one the ranking puts first, if it beats the baseline. */
  readonly chosen?: string | undefined;
  /** What the incident is about (the step's objective) and the predictions' error. */
  readonly context?: DecisionContext | undefined;
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

/** The cost the decision is about: GC time per second of service when the workload has a rate, else in total. */
export function gcTimeMs(r: SimulationResult): number {
  return r.perSecond ? r.perSecond.gcMs : r.pauses.totalMs;
}

/**
 * The variant the verdict recommends (rank.ts: ranked on the objective within the predictions'
 * error, a variant whose memory grows without bound ruled out), so the chart never ticks a
 * variant the sentence above it advises against (disabling the collector spends no GC time at all).
 */
export function chosenVariant(
  variants: readonly DecisionVariant[],
  context: DecisionContext = {},
): string | undefined {
  return rankSimulations(variants, context).first;
}

/** The subtitle: what was chosen and what it does to the objective, or why nothing was. */
function subtitleFor(
  variants: readonly DecisionVariant[],
  ranking: Ranking,
  chosen: string | undefined,
): string {
  const baseline = variants[0];
  const pick = variants.find((v, i) => i > 0 && v.label === chosen);
  const m = MEASURE_OF[ranking.objective];
  const value = (v: DecisionVariant) =>
    m === 'maxMs'
      ? longestPauseMs(v.result)
      : m === 'p99Ms'
        ? v.result.pauses.p99Ms
        : m === 'gcMs'
          ? gcTimeMs(v.result)
          : v.result.heap.peak;
  const unit = m === 'memory' ? ' objects' : m === 'gcMs' && baseline?.result.perSecond ? ' ms/s' : ' ms';
  const text = (v: number) => (m === 'memory' ? formatCount(v) : formatMs(v));
  if (pick && baseline)
    return `✔ ${clip(pick.label, 24)}: ${MEASURE_NAME[m]} ${text(value(baseline))} → ${text(value(pick))}${unit}`;
  if (ranking.unsure) return `Can't tell: ${clip(ranking.unsure, 24)} is within the prediction's error`;
  return variants.length > 1
    ? `No variant beats ${baseline?.label ?? 'the baseline'} on ${OBJECTIVE_NAME[ranking.objective]}`
    : '';
}

/** 1400301 → "1.4M", 61234 → "61k". */
function formatCount(v: number): string {
  if (v >= 1e6) return `${Number((v / 1e6).toPrecision(2))}M`;
  if (v >= 1e4) return `${Number((v / 1e3).toPrecision(2))}k`;
  return Math.round(v).toLocaleString('en-US');
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
  const ranking = rankSimulations(variants, options.context);
  const chosen = options.chosen ?? ranking.first;
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
    const { p50Ms, p99Ms, count } = r.pauses;
    // A full collection the run was too short to hold is still the longest pause to come.
    const maxMs = longestPauseMs(r);
    const gc = gcTimeMs(r);
    // A full collection the run did not hold is named as what it is: the one still to come.
    const last = maxMs > r.pauses.maxMs ? 'next full' : 'max';
    const text = count === 0 ? 'no collections' : `p99 ${formatMs(p99Ms)} ms · ${last} ${formatMs(maxMs)} ms`;
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
  const subtitle = subtitleFor(variants, ranking, chosen);
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
      pausePanel(lo, hi, logTicks(lo, hi)),
      timePanel(perSecond),
    ],
  };
}
