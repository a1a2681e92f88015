/** Beside a what-if table from a fitted workload: how well the fit reproduces the service, and what it shows. */
import type { FitResult } from '../core/fit/fit-workload.js';
import { qualitySummary } from '../core/fit/render.js';

export function fittedFooter(fit: FitResult): string {
  return [
    '',
    qualitySummary(fit),
    `diagnosis: ${fit.diagnosis.title}: ${fit.diagnosis.evidence}${fit.diagnosis.runbook ? ` (runbook ${fit.diagnosis.runbook})` : ''}`,
  ].join('\n');
}
