/**
 * A runbook check against query results: operator and threshold per series,
 * then a reduction across series, with the runbook's meaning of "no data".
 */

import type { Sample } from '../ports.js';
import type { Operator, RatioOf, Reduce, Unit } from '../runbook/types.js';
import type { FleetCheckSummary } from './fleet-checks.js';
import { formatMeasure, formatPlain, ratioQuantity } from './measure.js';

export type CheckOutcome = 'holds' | 'does-not-hold' | 'unknown';

/**
 * Series a check keeps and records (the worst ones) unless its datasource says otherwise: a
 * detection query answering 100k series once held 5.5 GB and stored a 7.2 MB incident record.
 */
export const DEFAULT_MAX_SERIES = 500;

/** For a query of alternatives joined by `or`: the one whose series was compared (see decided-by.ts). */
export interface DecidedBy {
  /** 1-based position in the query. */
  readonly alternative: number;
  readonly alternatives: number;
  /** Its text, inputs filled in. */
  readonly query: string;
}

export interface CheckEvaluation {
  readonly query: string;
  readonly datasource: string;
  readonly at: string;
  readonly operator: Operator;
  readonly threshold: number;
  readonly reduce: Reduce;
  /** The value compared (for min/max/avg/sum) or the per-series values (any/all). */
  readonly value: number | null;
  /** The worst series (at most the datasource's maxSeries), worst first when cut. */
  readonly series: readonly { labels: Record<string, string>; value: number }[];
  /** How many series the backend answered, when more than `series` keeps. */
  readonly seriesTotal?: number | undefined;
  readonly outcome: CheckOutcome;
  readonly reason: string;
  readonly decidedBy?: DecidedBy | undefined;
  /** A fleet incident's check: per service, summarised (fleet-checks.ts); `reason` is its line. */
  readonly fleet?: FleetCheckSummary | undefined;
}

export function compare(value: number, operator: Operator, threshold: number): boolean {
  if (Number.isNaN(value)) return false;
  switch (operator) {
    case '>':
      return value > threshold;
    case '>=':
      return value >= threshold;
    case '<':
      return value < threshold;
    case '<=':
      return value <= threshold;
    case '==':
      return value === threshold;
    case '!=':
      return value !== threshold;
  }
}

export function evaluateSamples(
  samples: readonly Sample[],
  check: {
    operator: Operator;
    threshold: number;
    reduce?: Reduce | undefined;
    noData?: 'ok' | 'breach' | 'unknown' | undefined;
    /** How the reason writes values (the unit formatter, measure.ts). */
    unit?: Unit | undefined;
    ratioOf?: RatioOf[] | undefined;
  },
  meta: { query: string; datasource: string; at: string },
  maxSeries = DEFAULT_MAX_SERIES,
): CheckEvaluation {
  const reduce = check.reduce ?? 'any';
  const base = { ...meta, operator: check.operator, threshold: check.threshold, reduce };
  const kept = worstSeries(samples, check.operator, check.threshold, maxSeries);
  const series = kept.map((s) => ({ labels: { ...s.labels }, value: s.value }));
  const cut = samples.length > kept.length ? { seriesTotal: samples.length } : {};
  const showing = cut.seriesTotal ? ` (${samples.length} series, showing the worst ${kept.length})` : '';
  if (samples.length === 0) {
    const noData = check.noData ?? 'unknown';
    const outcome: CheckOutcome =
      noData === 'breach' ? 'holds' : noData === 'ok' ? 'does-not-hold' : 'unknown';
    return {
      ...base,
      value: null,
      series,
      outcome,
      reason: `no data (the runbook says no data means '${noData}')`,
    };
  }
  const values = samples.map((s) => s.value);
  let value: number | null = null;
  let holds: boolean;
  // Loops, never Math.max(...values): spreading 150k values into a call overflows the stack.
  switch (reduce) {
    case 'any':
      holds = values.some((v) => compare(v, check.operator, check.threshold));
      value = extreme(values, 'max');
      break;
    case 'all':
      holds = values.every((v) => compare(v, check.operator, check.threshold));
      value = extreme(values, 'min');
      break;
    default: {
      value = aggregate(values, reduce);
      holds = compare(value, check.operator, check.threshold);
    }
  }
  // A ratio with one declared quantity reads as that quantity; with several, decided-by.ts says which.
  const of = ratioQuantity(check);
  const measure = (v: number) => (of ? formatMeasure(v * of.one, of.unit) : formatMeasure(v, check.unit));
  const shown = value === null || !Number.isFinite(value) ? String(value) : measure(value);
  return {
    ...base,
    value: value !== null && Number.isFinite(value) ? value : null,
    series,
    ...cut,
    outcome: holds ? 'holds' : 'does-not-hold',
    reason: `${reduce} of ${samples.length} series: ${shown} ${check.operator} ${measure(check.threshold)} is ${holds}${showing}`,
  };
}

/** The largest (or smallest) value that is not NaN; -Infinity (+Infinity) when there is none, as Math.max() gives. */
function extreme(values: readonly number[], which: 'min' | 'max'): number {
  let out = which === 'max' ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  for (const v of values) {
    if (Number.isNaN(v)) continue;
    if (which === 'max' ? v > out : v < out) out = v;
  }
  return out;
}

/**
 * The `max` series furthest into breach: those satisfying the condition first, then by value
 * in the condition's direction (highest for > and >=, lowest for < and <=); NaN last.
 */
export function worstSeries<T extends { value: number }>(
  samples: readonly T[],
  operator: Operator,
  threshold: number,
  max: number,
): readonly T[] {
  if (samples.length <= max) return samples;
  const down = operator === '<' || operator === '<=';
  const rank = (s: T) => (Number.isNaN(s.value) ? 2 : compare(s.value, operator, threshold) ? 0 : 1);
  return [...samples]
    .sort((a, b) => rank(a) - rank(b) || (down ? a.value - b.value : b.value - a.value))
    .slice(0, max);
}

function aggregate(values: readonly number[], reduce: Reduce): number {
  switch (reduce) {
    case 'min':
    case 'max': {
      // Math.min() of an array with NaN is NaN; kept so (a NaN series makes the reduction unknown).
      if (values.some((v) => Number.isNaN(v))) return Number.NaN;
      return extreme(values, reduce);
    }
    case 'sum':
      return values.reduce((a, b) => a + b, 0);
    default:
      return values.reduce((a, b) => a + b, 0) / values.length;
  }
}

/** A number without a unit, never in `e+` notation (measure.ts). */
export function formatNumber(v: number): string {
  return formatPlain(v);
}
