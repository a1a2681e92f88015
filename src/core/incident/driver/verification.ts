/**
 * Verification: every open verification check is re-evaluated each `interval` until the
 * criteria held for `stableFor` (steps done) or the `deadline` passed (steps failed, recorded
 * with how long they held). Timing uses the schema's defaults on every surface.
 */

import type { CheckEvaluation } from '../../checks/evaluate.js';
import { evaluateFleetCheck, FLEET_CHECK_MAX_SERVICES } from '../../checks/fleet-checks.js';
import type { StableOutcome } from '../../checks/stable-for.js';
import { formatSpan } from '../../duration.js';
import { GcIncidentError } from '../../errors.js';
import { type Check, DEFAULT_DATASOURCE } from '../../runbook/types.js';
import type { Incident } from '../model.js';
import { type DriverDeps, execOn } from './context.js';
import { isUnavailable, mayRunNow, verificationTiming } from './policy.js';
import type { Person } from './ports.js';
import { findCheck, isFleet } from './run-metric-step.js';
import { noteRecovery, plainMessage, requireMetrics, unavailable } from './run-steps.js';
import { watchVerification } from './watch-verification.js';

export function openVerificationChecks(incident: Incident) {
  return incident.steps.filter(
    (s) => s.phase === 'verification' && s.kind === 'check' && mayRunNow(incident, s),
  );
}

export async function verify(
  deps: DriverDeps,
  incident: Incident,
  by: Person,
  key?: string,
): Promise<Incident> {
  const steps = openVerificationChecks(incident);
  if (steps.length === 0) {
    throw new GcIncidentError('ILLEGAL_TRANSITION', 'verification is already running or finished', {
      incidentId: incident.id,
    });
  }
  let current = incident;
  for (const [i, step] of steps.entries()) {
    const outcome = await execOn(deps, current, {
      type: 'start-step',
      stepId: step.id,
      actor: by.id,
      idempotencyKey: key ? `${key}:${i}` : undefined,
    });
    if (outcome.replayed) return outcome.incident;
    current = outcome.incident;
  }
  await deps.narrator.changed(current);
  const { runbook } = deps.runbookOf(current);
  const timing = verificationTiming(runbook);
  const checks = steps.map((s) => findCheck(runbook, s.id)).filter((c): c is Check => c !== undefined);
  const fail = async (error: string, results: readonly unknown[] = []) => {
    for (const [i, step] of steps.entries()) {
      current = (
        await execOn(deps, current, {
          type: 'fail-step',
          stepId: step.id,
          actor: by.id,
          error,
          result: results[i],
        })
      ).incident;
    }
  };
  let outcome: StableOutcome;
  try {
    const metrics = requireMetrics(deps);
    await deps.narrator.verificationStarted(current, timing);
    const snapshot = current;
    outcome = await watchVerification(
      runbook,
      checks,
      current.inputs,
      { metrics, clock: deps.clock, sleep: deps.sleep },
      (round) => deps.narrator.verificationRound(snapshot, round, timing),
      // A fleet incident verifies on every queried service, or not at all.
      isFleet(current)
        ? (check, at) =>
            evaluateFleetCheck(check, snapshot, runbook, {
              metrics,
              at,
              datasource: check.datasource ?? runbook.datasource ?? DEFAULT_DATASOURCE,
              phase: 'verification',
              cap: deps.caps.fleetCheckServices ?? FLEET_CHECK_MAX_SERVICES,
              isUnavailable,
            })
        : undefined,
    );
  } catch (error) {
    await fail(plainMessage(error));
    if (isUnavailable(error)) return unavailable(deps, current, error, by);
    for (const step of steps)
      await deps.narrator.stepFailed(current, step, `verification stopped: ${plainMessage(error)}`);
    await deps.narrator.changed(current);
    return current;
  }
  // The datasource answered every round: an outage recorded earlier is over.
  current = await noteRecovery(deps, current, by);
  const last: (CheckEvaluation | undefined)[] = outcome.rounds.at(-1)?.evaluations ?? [];
  if (outcome.verdict === 'stable') {
    for (const [i, step] of steps.entries()) {
      current = (
        await execOn(deps, current, {
          type: 'complete-step',
          stepId: step.id,
          actor: by.id,
          result: { ...last[i], verdict: 'stable', heldMs: outcome.heldMs },
        })
      ).incident;
    }
  } else {
    await fail(
      `deadline passed: held for ${formatSpan(outcome.heldMs)} of the ${formatSpan(timing.stableForMs)} needed`,
      last.map((e) => (e ? { ...e, verdict: 'deadline', heldMs: outcome.heldMs } : undefined)),
    );
  }
  // A mitigated incident whose criteria did not hold has relapsed: it is open again, saying why.
  if (outcome.verdict === 'deadline' && current.status === 'mitigated') {
    current = (
      await execOn(deps, current, {
        type: 'set-status',
        status: 'open',
        actor: by.id,
        reason: `verification failed: held for ${formatSpan(outcome.heldMs)} of the ${formatSpan(timing.stableForMs)} needed`,
      })
    ).incident;
  }
  await deps.narrator.verificationFinished(
    current,
    outcome,
    steps.map((step, i) => ({ step, evaluation: last[i] })),
    timing,
  );
  await deps.narrator.changed(current);
  return current;
}
