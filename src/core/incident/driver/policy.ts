/**
 * The behaviours every surface shares, decided once (docs/architecture.md, "One driver behind every surface"):
 * verification timing from the schema's defaults, the service an incident is for, which steps
 * need metrics, and which errors mean the datasource is unavailable rather than the step wrong.
 */
import { parseDuration } from '../../duration.js';
import { type GcIncidentError, isGcIncidentError } from '../../errors.js';
import { DEFAULT_DATASOURCE, type Runbook } from '../../runbook/types.js';
import { type Incident, openOutage, type StepState } from '../model.js';
import type { VerificationTiming } from './ports.js';

/** The schema's defaults: `deadline` 4 × stableFor, `interval` 30s. */
export function verificationTiming(runbook: Runbook): VerificationTiming {
  const v = runbook.verification;
  const ms = (text: string | undefined): number | undefined => {
    const parsed = text ? parseDuration(text) : undefined;
    return parsed?.ok ? parsed.ms : undefined;
  };
  const stableForMs = ms(v.stableFor) ?? 0;
  return {
    stableForMs,
    deadlineMs: ms(v.deadline) ?? 4 * stableForMs,
    intervalMs: ms(v.interval) ?? 30_000,
  };
}

/** The service an incident is for: as given, else the `job` input, else the runbook's id. */
export function serviceFor(
  runbook: Runbook,
  given: string | undefined,
  inputs: Readonly<Record<string, string>>,
): string {
  return given?.trim() || inputs.job?.trim() || runbook.metadata.id;
}

/** Steps that read metrics: checks and queries. Skipping "metric steps" skips these. */
export function isMetricStep(step: StepState): boolean {
  return step.kind === 'check' || step.kind === 'query';
}

export function isOpenStep(step: StepState): boolean {
  return step.status === 'pending' || step.status === 'failed';
}

/** Open, or skipped only because its datasource was down and that outage is over: it may run now. */
export function mayRunNow(incident: Incident, step: StepState): boolean {
  if (isOpenStep(step)) return true;
  return (
    step.status === 'skipped' &&
    step.skippedForOutage !== undefined &&
    openOutage(incident, step.skippedForOutage) === undefined
  );
}

const UNAVAILABLE = new Set([
  'METRICS_UNAVAILABLE',
  'METRICS_UNREACHABLE',
  'METRICS_UNAUTHORIZED',
  'METRICS_NOT_PROMETHEUS',
]);

/** The datasource cannot answer at all (not configured, down, refusing us): no metric step can run. */
export function isUnavailable(error: unknown): error is GcIncidentError {
  return isGcIncidentError(error) && UNAVAILABLE.has(error.code);
}

export function datasourceOf(runbook: Runbook, error: GcIncidentError): string {
  const named = error.details.datasource;
  return typeof named === 'string' ? named : (runbook.datasource ?? DEFAULT_DATASOURCE);
}

/** The reason recorded on each metric step skipped because its datasource is unavailable. */
export function unavailableReason(datasource: string, message: string): string {
  return `datasource '${datasource}' unavailable: ${message}`;
}

/** Steps the app runs (a person marks the others done): checks, queries, simulations, diagnoses. */
export function isAutomatable(step: StepState): boolean {
  return (
    step.kind === 'check' || step.kind === 'query' || step.kind === 'simulate' || step.kind === 'diagnose'
  );
}
