/** Beside a what-if table in the terminal: the variant to try first and what is ruled out, and a fit's quality. */
import type { FitResult } from '../core/fit/fit-workload.js';
import { qualitySummary } from '../core/fit/render.js';
import type { DecisionContext } from '../core/simulator/rank.js';
import { ruledOutNote, simulationVerdict, type Variant } from '../format/simulation-summary.js';

export function fittedFooter(fit: FitResult): string {
  return [
    '',
    qualitySummary(fit),
    `diagnosis: ${fit.diagnosis.title}: ${fit.diagnosis.evidence}${fit.diagnosis.runbook ? ` (runbook ${fit.diagnosis.runbook})` : ''}`,
  ].join('\n');
}

/** The ranking as Slack says it (one verdict, then what is ruled out), then the step's note (a fit's quality). */
export function comparisonFooter(
  variants: readonly Variant[],
  note?: string,
  context: DecisionContext = {},
): string {
  const lines = [simulationVerdict(variants, context), ruledOutNote(variants, context), note ?? ''].filter(
    (l) => l !== '',
  );
  return `${lines.join('\n')}\n`;
}
