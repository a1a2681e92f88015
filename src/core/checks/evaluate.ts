/**
 * A runbook check against query results: operator and threshold per series,
 * then a reduction across series, with the runbook's meaning of "no data".
 */

import type { Sample } from '../ports.js';
import type { Operator, Reduce } from '../runbook/types.js';

export type CheckOutcome = 'holds' | 'does-not-hold' | 'unknown';

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
  readonly series: readonly { labels: Record<string, string>; value: number }[];
  readonly outcome: CheckOutcome;
  readonly reason: string;
  readonly decidedBy?: DecidedBy | undefined;
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
  },
  meta: { query: string; datasource: string; at: string },
): CheckEvaluation {
  const reduce = check.reduce ?? 'any';
  const base = { ...meta, operator: check.operator, threshold: check.threshold, reduce };
  const series = samples.map((s) => ({ labels: { ...s.labels }, value: s.value }));
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
  switch (reduce) {
    case 'any':
      holds = values.some((v) => compare(v, check.operator, check.threshold));
      value = Math.max(...values.filter((v) => !Number.isNaN(v)));
      break;
    case 'all':
      holds = values.every((v) => compare(v, check.operator, check.threshold));
      value = Math.min(...values.filter((v) => !Number.isNaN(v)));
      break;
    default: {
      value = aggregate(values, reduce);
      holds = compare(value, check.operator, check.threshold);
    }
  }
  const shown = value === null || !Number.isFinite(value) ? String(value) : formatNumber(value);
  return {
    ...base,
    value: value !== null && Number.isFinite(value) ? value : null,
    series,
    outcome: holds ? 'holds' : 'does-not-hold',
    reason: `${reduce} of ${samples.length} series: ${shown} ${check.operator} ${check.threshold} is ${holds}`,
  };
}

function aggregate(values: readonly number[], reduce: Reduce): number {
  switch (reduce) {
    case 'min':
      return Math.min(...values);
    case 'max':
      return Math.max(...values);
    case 'sum':
      return values.reduce((a, b) => a + b, 0);
    default:
      return values.reduce((a, b) => a + b, 0) / values.length;
  }
}

export function formatNumber(v: number): string {
  if (v !== 0 && (Math.abs(v) >= 1e6 || Math.abs(v) < 1e-3)) return v.toExponential(3);
  return Number(v.toPrecision(6)).toString();
}
