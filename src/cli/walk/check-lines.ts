/**
 * A check's or query's result in the terminal, in the words Slack's thread uses
 * (src/format/check-figure.ts): what it means, the figure, the reason (which alternative
 * decided, how many points breached), and the series behind it, a few lines at most.
 */
import type { CheckEvaluation } from '../../core/checks/evaluate.js';
import type { StepState } from '../../core/incident/model.js';
import type { Runbook } from '../../core/runbook/types.js';
import { checkMeaning, evaluationFigure, findRunbookCheck } from '../../format/check-figure.js';
import { seriesRow } from '../../format/series-row.js';

const MAX_SERIES = 8;

/** Up to MAX_SERIES lines `      612  {job="api", instance="a:8000"}`, then how many more. */
export function seriesLines(
  series: readonly { labels: Readonly<Record<string, string>>; value: number }[],
  /** The answer's series count when more were dropped before (a query step keeps the worst 50). */
  total = series.length,
): string {
  if (series.length === 0) return '    (no series)';
  const lines = series.slice(0, MAX_SERIES).map((s) => `    ${seriesRow(s)}`);
  const shown = Math.min(series.length, MAX_SERIES);
  if (total > shown) lines.push(`    … ${total - shown} more series not shown`);
  return lines.join('\n');
}

/** `  → the symptom is present: 612/s > 50/s ✗ (max of 2 series …)` and, with several series, each one. */
export function checkOutcomeLines(step: StepState, evaluation: CheckEvaluation, runbook: Runbook): string {
  const figure = evaluationFigure(evaluation, step.phase, findRunbookCheck(runbook, step.id));
  // A fleet check's figure is its summary line already (its reason says the same).
  const why = evaluation.fleet ? '' : ` (${evaluation.reason})`;
  const head = `  → ${checkMeaning(evaluation.outcome, step.phase)}: ${figure}${why}`;
  return evaluation.series.length > 1 ? `${head}\n${seriesLines(evaluation.series)}` : head;
}
