/**
 * Which alternative of a `a or b` check answered. The shipped full-collection runbook measures
 * the p99 pause when the service exports it and falls back to prometheus_client's collection
 * rate; both answer with the same labels and the same unit, so the value alone cannot say
 * which one it was. Each alternative is asked on its own at the same instant, and a compared
 * series belongs to the first alternative that has its label set (PromQL's `or` keeps the
 * left-hand series of a label set). Recorded on the evaluation and said in its reason, so the
 * card, the thread, the terminal and the postmortem all show it.
 */
import type { MetricsClient } from '../ports.js';
import { orAlternatives } from '../promql/or-operands.js';
import type { CheckEvaluation, DecidedBy } from './evaluate.js';

const key = (labels: Readonly<Record<string, string>>): string =>
  JSON.stringify(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

const ORDINALS = ['first', 'second', 'third', 'fourth', 'fifth'];

export function decidedByText(d: DecidedBy): string {
  const which = ORDINALS[d.alternative - 1] ?? `alternative ${d.alternative}`;
  return `decided by the ${which} of ${d.alternatives} alternatives joined by 'or': ${d.query}`;
}

/** The evaluation with `decidedBy` when its query is an `or` of alternatives and one answered. */
export async function withDecidedBy(
  evaluation: CheckEvaluation,
  query: string,
  metrics: MetricsClient,
  datasource: string,
  now: Date,
): Promise<CheckEvaluation> {
  const alternatives = orAlternatives(query);
  if (alternatives.length < 2 || evaluation.series.length === 0) return evaluation;
  // Best effort: the check's verdict stands even when an alternative cannot be asked.
  const answers = await Promise.all(
    alternatives.map((q) => metrics.instant(datasource, q, now).catch(() => undefined)),
  );
  const sets = answers.map((samples) => new Set((samples ?? []).map((s) => key(s.labels))));
  const alternativeOf = (labels: Readonly<Record<string, string>>) => {
    const i = sets.findIndex((s) => s.has(key(labels)));
    return i < 0 ? undefined : i;
  };
  // The series whose value was compared; for a sum or mean of several, every series must agree.
  const compared = evaluation.series.find((s) => s.value === evaluation.value);
  const found = compared
    ? [alternativeOf(compared.labels)]
    : [...new Set(evaluation.series.map((s) => alternativeOf(s.labels)))];
  const index = found.length === 1 ? found[0] : undefined;
  if (index === undefined) return evaluation;
  const decidedBy: DecidedBy = {
    alternative: index + 1,
    alternatives: alternatives.length,
    query: alternatives[index] as string,
  };
  return { ...evaluation, decidedBy, reason: `${evaluation.reason}; ${decidedByText(decidedBy)}` };
}
