/**
 * Runs what a step declares, through injected capabilities: checks and
 * queries through the metrics interface, simulations through the simulator.
 * Returns the result to store with the step, or throws a coded error.
 */
import { evaluateCheck } from '../checks/check-runner.js';
import { worstSeries } from '../checks/evaluate.js';
import { GcIncidentError } from '../errors.js';
import type { MetricsClient } from '../ports.js';
import {
  allChecks,
  type Check,
  DEFAULT_DATASOURCE,
  type Runbook,
  type SimulateStep,
  type TriageStep,
} from '../runbook/types.js';
import type { Incident, StepState } from './model.js';
import { renderQuery } from './render-query.js';

/** Series a query step keeps and records: the worst ones by its `operator` (default >). */
export const QUERY_MAX_SERIES = 50;

export interface StepCapabilities {
  readonly metrics?: MetricsClient | undefined;
  /** Runs a simulate step and returns its summary. */
  readonly simulate?: ((step: SimulateStep) => Promise<unknown>) | undefined;
  readonly now: () => Date;
}

export function isAutomatable(step: StepState): boolean {
  return (
    step.kind === 'check' || step.kind === 'query' || step.kind === 'simulate' || step.kind === 'diagnose'
  );
}

export async function runStep(
  runbook: Runbook,
  incident: Incident,
  step: StepState,
  caps: StepCapabilities,
): Promise<unknown> {
  const datasourceOf = (name: string | undefined) => name ?? runbook.datasource ?? DEFAULT_DATASOURCE;
  if (step.kind === 'check') {
    const check = allChecks(runbook).find((c) => c.id === step.id) as Check;
    return evaluateCheck(check, incident.inputs, requireMetrics(caps), caps.now(), datasourceOf(undefined));
  }
  const triage = runbook.triage.steps.find((s) => s.id === step.id) as TriageStep | undefined;
  if (triage?.kind === 'query') {
    const metrics = requireMetrics(caps);
    const query = renderQuery(triage.query, incident.inputs);
    const at = caps.now();
    const samples = await metrics.instant(datasourceOf(triage.datasource), query, at);
    // The worst series, not the first ones the datasource happened to list.
    const kept = worstSeries(
      samples,
      triage.operator ?? '>',
      triage.threshold ?? Number.NaN,
      QUERY_MAX_SERIES,
    );
    return {
      query,
      datasource: datasourceOf(triage.datasource),
      at: at.toISOString(),
      series: kept,
      ...(kept.length < samples.length ? { seriesTotal: samples.length } : {}),
    };
  }
  if (triage?.kind === 'simulate') {
    if (!caps.simulate) throw new GcIncidentError('USAGE', 'no simulator available to this surface');
    return caps.simulate(triage);
  }
  throw new GcIncidentError(
    'ILLEGAL_TRANSITION',
    `step '${step.id}' (${step.kind}) is done by a person, not run`,
    {
      stepId: step.id,
    },
  );
}

function requireMetrics(caps: StepCapabilities): MetricsClient {
  if (!caps.metrics) {
    throw new GcIncidentError(
      'METRICS_UNAVAILABLE',
      'no metrics datasource is configured: set PROMETHEUS_URL (or DATASOURCES_FILE) to run query and check steps',
    );
  }
  return caps.metrics;
}
