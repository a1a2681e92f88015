/**
 * Evaluates a runbook check now: an instant query, or with `for`, a range
 * query over the window in which every point must satisfy the condition.
 */

import { parseDuration } from '../duration.js';
import { renderQuery } from '../incident/render-query.js';
import type { MetricsClient } from '../ports.js';
import { type Check, DEFAULT_DATASOURCE } from '../runbook/types.js';
import { withDecidedBy } from './decided-by.js';
import { type CheckEvaluation, compare, evaluateSamples } from './evaluate.js';
import { formatMeasure, ratioQuantity } from './measure.js';

export async function evaluateCheck(
  check: Check,
  inputs: Readonly<Record<string, string>>,
  metrics: MetricsClient,
  now: Date,
  defaultDatasource = DEFAULT_DATASOURCE,
): Promise<CheckEvaluation> {
  const evaluation = await evaluateOnly(check, inputs, metrics, now, defaultDatasource);
  const datasource = check.datasource ?? defaultDatasource;
  return withDecidedBy(evaluation, renderQuery(check.query, inputs), metrics, datasource, now);
}

async function evaluateOnly(
  check: Check,
  inputs: Readonly<Record<string, string>>,
  metrics: MetricsClient,
  now: Date,
  defaultDatasource = DEFAULT_DATASOURCE,
): Promise<CheckEvaluation> {
  const query = renderQuery(check.query, inputs);
  const datasource = check.datasource ?? defaultDatasource;
  const meta = { query, datasource, at: now.toISOString() };
  const window = check.for ? parseDuration(check.for) : undefined;
  const maxSeries = metrics.maxSeries?.(datasource);
  if (!window?.ok)
    return evaluateSamples(await metrics.instant(datasource, query, now), check, meta, maxSeries);
  const stepSeconds = Math.max(1, Math.round(window.ms / 1000 / 10));
  const series = await metrics.range(
    datasource,
    query,
    new Date(now.getTime() - window.ms),
    now,
    stepSeconds,
  );
  // A series satisfies the condition over the window only if every point does; its value is the last point.
  // A series that starts inside the window has not been observed for the whole of it.
  const windowStart = (now.getTime() - window.ms) / 1000;
  const samples = series
    .filter((s) => s.points.length > 0)
    .map((s) => {
      const covered = (s.points[0]?.[0] ?? Number.POSITIVE_INFINITY) <= windowStart + 2 * stepSeconds;
      const all = covered && s.points.every(([, v]) => compare(v, check.operator, check.threshold));
      const last = s.points[s.points.length - 1]?.[1] ?? Number.NaN;
      return { labels: s.labels, value: last, all };
    });
  const evaluation = evaluateSamples(
    samples.map(({ labels, value }) => ({ labels, value })),
    check,
    { ...meta, query: `${query} (every point over ${check.for})` },
    maxSeries,
  );
  if (samples.length === 0 || evaluation.outcome === 'unknown') return evaluation;
  const reduce = check.reduce ?? 'any';
  const holds = reduce === 'all' ? samples.every((s) => s.all) : samples.some((s) => s.all);
  // The limit in the check's unit (measure.ts), as the figure beside this reason says it.
  const of = ratioQuantity(check);
  const limit = of
    ? formatMeasure(check.threshold * of.one, of.unit)
    : formatMeasure(check.threshold, check.unit);
  const why = holds
    ? `every point over the last ${check.for} satisfies ${check.operator} ${limit} (${reduce} of ${samples.length} series)`
    : `not held for the whole ${check.for} (a point misses ${check.operator} ${limit}, or the data starts inside the window)`;
  const showing = evaluation.seriesTotal
    ? `; ${evaluation.seriesTotal} series, showing the worst ${evaluation.series.length}`
    : '';
  return { ...evaluation, outcome: holds ? 'holds' : 'does-not-hold', reason: `${why}${showing}` };
}

/** Why a GC check may have no data, for a message better than "no data". */
export const NO_GC_DATA_CAUSES =
  "no series: is prometheus_client's GC collector registered (it is by default, on CPython only), is the service in prometheus_client multiprocess mode (no GC metrics there), and is the job label right?";
