/**
 * Running steps: checks and queries through the metrics port, simulations through the
 * simulation port (defaulting to the CPython the service reports), HTTP actions through the
 * actions port. A datasource that cannot answer is said once per batch, with one decision:
 * skip every metric step (recorded with the reason) or retry.
 */
import { reportedRuntimes } from '../../checks/runtime.js';
import { observedGc } from '../../diagnose/result.js';
import { GcIncidentError } from '../../errors.js';
import type { MetricsClient } from '../../ports.js';
import { actionInputs } from '../../runbook/action-parameters.js';
import { DEFAULT_DATASOURCE, type Runbook } from '../../runbook/types.js';
import type { ModelledPython } from '../../simulator/workload.js';
import { type Incident, openOutage, PHASES, type StepState, stepOf } from '../model.js';
import { applyConditions } from './conditions.js';
import { type DriverDeps, execOn } from './context.js';
import {
  datasourceOf,
  isMetricStep,
  isOpenStep,
  isUnavailable,
  mayRunNow,
  unavailableReason,
} from './policy.js';
import type { Person, StepOutput } from './ports.js';
import { runDiagnose } from './run-diagnose.js';
import { requireMetrics as requireMetricsOf, runMetricStep } from './run-metric-step.js';
import { openVerificationChecks, verify } from './verification.js';

/** The metrics port, or METRICS_UNAVAILABLE (run-metric-step.ts says why). */
export function requireMetrics(deps: DriverDeps): MetricsClient {
  return requireMetricsOf(deps.caps.metrics);
}

/** A sentence for a person: coded errors carry one; anything else is "unexpected". */
export function plainMessage(error: unknown): string {
  if (error instanceof GcIncidentError) return error.message;
  if (error && typeof error === 'object' && 'explanation' in error)
    return String((error as { explanation: string }).explanation);
  return 'something unexpected went wrong; the details are in the app’s log';
}

interface RunOutcome {
  readonly incident: Incident;
  /** Set when the datasource could not answer: the caller says so once and asks. */
  readonly unavailable?: GcIncidentError | undefined;
}

/** The runtime the service reports (`python_info`), or undefined when unknown or unreachable. */
export async function reportedPython(
  deps: DriverDeps,
  incident: Incident,
  runbook: Runbook,
): Promise<ModelledPython | undefined> {
  const { runtimes } = await reportedRuntimes(
    deps.caps.metrics,
    runbook.datasource ?? DEFAULT_DATASOURCE,
    incident.inputs,
    deps.clock.now(),
  );
  return runtimes.find((r) => r.modelled)?.modelled;
}

async function produce(
  deps: DriverDeps,
  incident: Incident,
  step: StepState,
): Promise<{ result: unknown; output: StepOutput }> {
  const { runbook } = deps.runbookOf(incident);
  if (step.kind === 'diagnose') return runDiagnose(deps, incident, step);
  if (step.kind === 'simulate') {
    const triage = runbook.triage.steps.find((s) => s.id === step.id);
    if (triage?.kind !== 'simulate' || !deps.caps.simulate)
      throw new GcIncidentError('USAGE', 'no simulator available to this surface');
    const python = await reportedPython(deps, incident, runbook);
    const output = await deps.caps.simulate(incident, triage, python, observedGc(incident));
    return { result: output.summary, output: { kind: 'simulate', output } };
  }
  const output = await runMetricStep(
    runbook,
    incident,
    step,
    deps.caps.metrics,
    deps.clock.now(),
    deps.caps.fleetCheckServices,
  );
  return { result: output.kind === 'query' ? output.result : output.evaluation, output };
}

/** Starts, runs and records one check, query, simulation or diagnose step. */
export async function runOne(
  deps: DriverDeps,
  incident: Incident,
  step: StepState,
  by: Person,
  key?: string,
): Promise<RunOutcome> {
  const started = await execOn(deps, incident, {
    type: 'start-step',
    stepId: step.id,
    actor: by.id,
    idempotencyKey: key,
  });
  if (started.replayed) return { incident: started.incident };
  let current = started.incident;
  await deps.narrator.stepStarted(current, step);
  try {
    const { result, output } = await produce(deps, current, step);
    current = (await execOn(deps, current, { type: 'complete-step', stepId: step.id, actor: by.id, result }))
      .incident;
    if (isMetricStep(step)) current = await noteRecovery(deps, current, by);
    await deps.narrator.stepSucceeded(current, step, output);
    return { incident: current };
  } catch (error) {
    // Skipped while it ran: the skip stands, whatever the step produced or failed with.
    const latest = await deps.service.get(current.id).catch(() => undefined);
    if (latest?.steps.find((s) => s.id === step.id)?.status === 'skipped') return { incident: latest };
    const message = plainMessage(error);
    current = (
      await execOn(deps, current, { type: 'fail-step', stepId: step.id, actor: by.id, error: message })
    ).incident;
    if (isUnavailable(error)) return { incident: current, unavailable: error };
    await deps.narrator.stepFailed(current, step, message);
    return { incident: current };
  }
}

/**
 * Runs steps in order. The first that finds the datasource unavailable ends the batch: the
 * surface says so once and asks whether to skip every metric step or retry.
 */
export async function runBatch(
  deps: DriverDeps,
  incident: Incident,
  steps: readonly StepState[],
  by: Person,
  key?: string,
): Promise<Incident> {
  let current = incident;
  // One step is not a batch: its result is said as it comes.
  const together = steps.length > 1;
  if (together) deps.narrator.batchStarted?.(incident);
  let outage: GcIncidentError | undefined;
  try {
    for (const [i, step] of steps.entries()) {
      const outcome = await runOne(deps, current, step, by, key && together ? `${key}:${i}` : key);
      current = outcome.incident;
      outage = outcome.unavailable;
      if (outage) break;
    }
  } finally {
    // What ran is said before the outage question, whatever ended the batch.
    if (together) await deps.narrator.batchFinished?.(current);
  }
  return outage ? unavailable(deps, current, outage, by) : current;
}

/** Says once that the datasource is unavailable, and asks; a prompt's answer is applied now. */
export async function unavailable(
  deps: DriverDeps,
  incident: Incident,
  error: GcIncidentError,
  by: Person,
  retried = false,
): Promise<Incident> {
  const { runbook } = deps.runbookOf(incident);
  const datasource = datasourceOf(runbook, error);
  // The outage is recorded once, from its first failure to its return; it is said once too.
  const recorded = await execOn(deps, incident, {
    type: 'record-outage',
    datasource,
    message: error.message,
    // Whoever's action met the outage is on the record with it (the terminal's user, a clicker).
    actor: by.id,
  });
  const current = recorded.incident;
  const firstSeen = recorded.events.length > 0 && !recorded.replayed;
  if (firstSeen) await deps.narrator.metricsUnavailable(current, datasource, error.message);
  await deps.narrator.changed(current);
  const answer = await deps.decisions.ask(current, {
    kind: 'metrics-unavailable',
    datasource,
    message: error.message,
    firstSeen,
    retried,
  });
  if (answer?.choice === 'skip') return skipMetricSteps(deps, current, datasource, by);
  if (answer?.choice === 'retry') return retryMetricSteps(deps, current, by);
  return current;
}

/** A metric step got an answer: every outage still open is over (recorded with its end). */
export async function noteRecovery(deps: DriverDeps, incident: Incident, by: Person): Promise<Incident> {
  let current = incident;
  for (let outage = openOutage(current); outage; outage = openOutage(current)) {
    const outcome = await execOn(deps, current, {
      type: 'record-recovery',
      datasource: outage.datasource,
      actor: by.id,
    });
    if (outcome.events.length === 0) break;
    current = outcome.incident;
    await deps.narrator.datasourceRecovered(current, outage.datasource);
  }
  return current;
}

/** Skip metric steps: every check and query not done yet is skipped, saying why. */
export async function skipMetricSteps(
  deps: DriverDeps,
  incident: Incident,
  datasource: string,
  by: Person,
  key?: string,
): Promise<Incident> {
  const steps = incident.steps.filter((s) => isMetricStep(s) && isOpenStep(s));
  const failed = steps.find((s) => s.status === 'failed' && s.reason);
  const message = failed?.reason ?? 'it did not answer';
  const reason = unavailableReason(datasource, message);
  let current = incident;
  if (steps.length > 0 && !openOutage(current, datasource))
    current = (await execOn(deps, current, { type: 'record-outage', datasource, message, actor: by.id }))
      .incident;
  for (const step of steps) {
    const outcome = await execOn(deps, current, {
      type: 'skip-step',
      stepId: step.id,
      actor: by.id,
      reason,
      outage: datasource,
      idempotencyKey: key ? `${key}:${step.id}` : undefined,
    });
    current = outcome.incident;
  }
  if (steps.length > 0) await deps.narrator.metricStepsSkipped(current, steps, datasource, message);
  await deps.narrator.changed(current);
  return current;
}

/**
 * Retry: while an outage is recorded the datasource is asked first (one cheap query); if it
 * answers, the outage ends and the current phase's metric steps that failed run again
 * (verification re-verifies).
 */
export async function retryMetricSteps(deps: DriverDeps, incident: Incident, by: Person): Promise<Incident> {
  let current = incident;
  const outage = openOutage(current);
  if (outage) {
    try {
      await requireMetrics(deps).instant(outage.datasource, 'vector(1)', deps.clock.now());
    } catch (error) {
      if (!isUnavailable(error)) throw error;
      return unavailable(deps, current, error, by, true);
    }
    current = await noteRecovery(deps, current, by);
    await deps.narrator.changed(current);
  }
  const failed = current.steps.filter(
    (s) => s.phase === current.phase && isMetricStep(s) && s.status === 'failed',
  );
  if (current.phase === 'verification') {
    return openVerificationChecks(current).length > 0 ? verify(deps, current, by) : current;
  }
  const ran = await runBatch(deps, current, failed, by);
  // Triage's checks decide its `when:`; once they have verdicts, the conditions are decided again.
  return current.phase === 'triage' ? applyConditions(deps, ran, 'triage') : ran;
}

/** Calls a containment action's HTTP action (approved first when it needs an approval). */
export async function runAction(
  deps: DriverDeps,
  incident: Incident,
  step: StepState,
  by: Person,
  key?: string,
): Promise<Incident> {
  const { runbook } = deps.runbookOf(incident);
  const action = runbook.containment.actions.find((a) => a.id === step.id);
  const actions = deps.caps.actions;
  if (action?.kind !== 'http' || !action.httpAction || !actions) {
    throw new GcIncidentError(
      'ILLEGAL_TRANSITION',
      `'${step.title}' is carried out by a person: click Done when it is done`,
      { stepId: step.id },
    );
  }
  const started = await execOn(deps, incident, {
    type: 'start-step',
    stepId: step.id,
    actor: by.id,
    idempotencyKey: key,
  });
  if (started.replayed) return started.incident;
  let current = started.incident;
  await deps.narrator.stepStarted(current, step);
  try {
    // The action's own values (its whatIf's thresholds) fill {{threshold0}}…: what was shown is sent.
    const call = await actions.run(action.httpAction, actionInputs(current.inputs, action));
    const command = call.ok
      ? ({ type: 'complete-step', stepId: step.id, actor: by.id, result: call } as const)
      : ({
          type: 'fail-step',
          stepId: step.id,
          actor: by.id,
          error: call.error ?? 'failed',
          result: call,
        } as const);
    current = (await execOn(deps, current, command)).incident;
    const done = stepOf(current, step.id) ?? step;
    if (call.ok) await deps.narrator.stepSucceeded(current, done, { kind: 'action', call });
    else await deps.narrator.stepFailed(current, done, call.error ?? 'failed', { kind: 'action', call });
  } catch (error) {
    const latest = await deps.service.get(current.id).catch(() => undefined);
    if (latest?.steps.find((s) => s.id === step.id)?.status === 'skipped') return latest;
    const message = plainMessage(error);
    current = (
      await execOn(deps, current, { type: 'fail-step', stepId: step.id, actor: by.id, error: message })
    ).incident;
    await deps.narrator.stepFailed(current, step, message);
  }
  await deps.narrator.changed(current);
  return current;
}

/**
 * Run skipped checks: the datasource is back, so the metric steps skipped while it was down
 * run now: those of the phases already entered (verification re-verifies); later phases run
 * theirs as they begin.
 */
export async function rerunSkipped(deps: DriverDeps, incident: Incident, by: Person): Promise<Incident> {
  const reached = PHASES.indexOf(incident.phase);
  const waiting = incident.steps.filter(
    (s) =>
      s.skippedForOutage !== undefined &&
      s.status === 'skipped' &&
      mayRunNow(incident, s) &&
      PHASES.indexOf(s.phase) <= reached,
  );
  if (waiting.length === 0) {
    throw new GcIncidentError(
      'ILLEGAL_TRANSITION',
      'no skipped check can run now: the datasource is still down, or none was skipped',
      {
        incidentId: incident.id,
      },
    );
  }
  let current = await runBatch(
    deps,
    incident,
    waiting.filter((s) => s.phase !== 'verification'),
    by,
  );
  if (waiting.some((s) => s.phase === 'verification') && !openOutage(current))
    current = await verify(deps, current, by);
  await deps.narrator.changed(current);
  return current;
}
