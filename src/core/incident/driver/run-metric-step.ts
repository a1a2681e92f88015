/**
 * A check or query step run against the metrics port: the one place a step reads metrics
 * (the driver's run-steps.ts records it; verification.ts repeats checks the same way).
 * Returns what is stored with the step, or throws a coded error (METRICS_UNAVAILABLE without
 * a datasource, so the driver can say so once and ask).
 */
import { evaluateCheck } from '../../checks/check-runner.js';
import { type CheckEvaluation, worstSeries } from '../../checks/evaluate.js';
import { evaluateFleetCheck, FLEET_CHECK_MAX_SERVICES } from '../../checks/fleet-checks.js';
import { GcIncidentError } from '../../errors.js';
import type { MetricsClient } from '../../ports.js';
import { allChecks, type Check, DEFAULT_DATASOURCE, type Runbook } from '../../runbook/types.js';
import type { Incident, StepState } from '../model.js';
import { renderQuery } from '../render-query.js';
import { isUnavailable } from './policy.js';
import type { QueryOutput } from './ports.js';

const NO_DATASOURCE =
  'no metrics datasource is configured: set PROMETHEUS_URL (or DATASOURCES_FILE) to run query and check steps';

/** Series a query step keeps and records: the worst ones by its `operator` (default >). */
export const QUERY_MAX_SERIES = 50;

export function requireMetrics(metrics: MetricsClient | undefined): MetricsClient {
  if (!metrics) throw new GcIncidentError('METRICS_UNAVAILABLE', NO_DATASOURCE);
  return metrics;
}

export function findCheck(runbook: Runbook, id: string): Check | undefined {
  return allChecks(runbook).find((c) => c.id === id);
}

/** A fleet incident (one runbook's storm): its checks run per listed service. */
export function isFleet(incident: Incident): boolean {
  return (incident.fleet?.members.length ?? 0) > 0;
}

export type MetricStepOutput =
  | { readonly kind: 'check'; readonly evaluation: CheckEvaluation }
  | { readonly kind: 'query'; readonly result: QueryOutput };

/** Runs a check (its evaluation) or a query (the query as sent, its datasource, time and series). */
export async function runMetricStep(
  runbook: Runbook,
  incident: Incident,
  step: StepState,
  metrics: MetricsClient | undefined,
  at: Date,
  /** Services a fleet incident's check queries (default FLEET_CHECK_MAX_SERVICES). */
  fleetCap = FLEET_CHECK_MAX_SERVICES,
): Promise<MetricStepOutput> {
  const datasourceOf = (name: string | undefined) => name ?? runbook.datasource ?? DEFAULT_DATASOURCE;
  if (step.kind === 'check') {
    const check = findCheck(runbook, step.id);
    if (!check) throw new GcIncidentError('STEP_NOT_FOUND', `no check '${step.id}' in the runbook`);
    if (isFleet(incident)) {
      const evaluation = await evaluateFleetCheck(check, incident, runbook, {
        metrics: requireMetrics(metrics),
        at,
        datasource: check.datasource ?? datasourceOf(undefined),
        phase: step.phase,
        cap: fleetCap,
        isUnavailable,
      });
      return { kind: 'check', evaluation };
    }
    const evaluation = await evaluateCheck(
      check,
      incident.inputs,
      requireMetrics(metrics),
      at,
      datasourceOf(undefined),
    );
    return { kind: 'check', evaluation };
  }
  const triage = runbook.triage.steps.find((s) => s.id === step.id);
  if (triage?.kind !== 'query')
    throw new GcIncidentError('ILLEGAL_TRANSITION', `step '${step.id}' (${step.kind}) reads no metrics`, {
      stepId: step.id,
    });
  const client = requireMetrics(metrics);
  const query = renderQuery(triage.query, incident.inputs);
  const datasource = datasourceOf(triage.datasource);
  const samples = await client.instant(datasource, query, at);
  // The worst series, not the first ones the datasource happened to list.
  const kept = worstSeries(samples, triage.operator ?? '>', triage.threshold ?? Number.NaN, QUERY_MAX_SERIES);
  return {
    kind: 'query',
    result: {
      query,
      datasource,
      at: at.toISOString(),
      series: kept,
      ...(kept.length < samples.length ? { seriesTotal: samples.length } : {}),
    },
  };
}
