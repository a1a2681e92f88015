/**
 * Clicks on a step or an incident: each loads the incident once and hands it to the driver;
 * steps that run are held under a lease meanwhile (see leases.ts).
 */
import { GcIncidentError } from '../../core/errors.js';
import { type Incident, type Phase, type StepState, stepOf } from '../../core/incident/model.js';
import type { SlackUser } from './deps.js';
import { openChecks } from './leases.js';
import type { FlowRuntime } from './runtime.js';

/**
 * A phase begins: the driver shows its guidance and runs what it runs by itself. `known`: the
 * incident as the command that began the phase left it (else it is loaded).
 */
export async function enterPhase(
  rt: FlowRuntime,
  incidentId: string,
  phase: Phase,
  user: SlackUser,
  known?: Incident,
) {
  const incident = known ?? (await rt.deps.service.get(incidentId));
  await rt.leases.withSteps(incidentId, openChecks(incident, phase), user, () =>
    rt.driver.enterPhase(incident, phase, user),
  );
}

/** Enters `phase` in the background (a failure is logged). */
export function enterPhaseLater(
  rt: FlowRuntime,
  incidentId: string,
  phase: Phase,
  user: SlackUser,
  known?: Incident,
): void {
  rt.tasks.run(`${incidentId} ${phase}`, () => enterPhase(rt, incidentId, phase, user, known));
}

/** Run: the driver runs the step (a check, query, simulation, HTTP action or verification), held under a lease. */
export async function runStep(
  rt: FlowRuntime,
  incidentId: string,
  stepId: string,
  user: SlackUser,
  idempotencyKey: string | undefined,
): Promise<void> {
  const incident = await rt.deps.service.get(incidentId);
  const step = requireStep(incident, stepId);
  const held =
    step.kind === 'check' && step.phase === 'verification' ? openChecks(incident, 'verification') : [stepId];
  await rt.leases.withSteps(
    incidentId,
    held,
    user,
    () => rt.driver.runStep(incident, stepId, user, idempotencyKey),
    true,
  );
}

/** Verification, from an alert's resolved notification. */
export async function verify(
  rt: FlowRuntime,
  incidentId: string,
  user: SlackUser,
  idempotencyKey: string | undefined,
): Promise<void> {
  const incident = await rt.deps.service.get(incidentId);
  await rt.leases.withSteps(
    incidentId,
    openChecks(incident, 'verification'),
    user,
    () => rt.driver.verify(incident, user, idempotencyKey),
    true,
  );
}

/** Skip metric steps or Retry: the answer to "the datasource is unavailable". */
export async function answerUnavailable(
  rt: FlowRuntime,
  incidentId: string,
  choice: 'skip' | 'retry' | 'rerun',
  datasource: string,
  user: SlackUser,
  idempotencyKey: string,
): Promise<void> {
  const incident = await rt.deps.service.get(incidentId);
  const held =
    choice === 'retry'
      ? openChecks(incident, incident.phase)
      : choice === 'rerun'
        ? incident.steps.filter((s) => s.skippedForOutage && s.status === 'skipped').map((s) => s.id)
        : [];
  await rt.leases.withSteps(incidentId, held, user, () =>
    rt.driver.answerUnavailable(incident, choice, datasource, user, idempotencyKey),
  );
}

/** Verified by hand: the person's note says how; said in the channel like any state change. */
export async function verifyByHand(
  rt: FlowRuntime,
  incidentId: string,
  note: string,
  user: SlackUser,
  idempotencyKey: string,
): Promise<Incident> {
  return rt.driver.verifyByHand(await rt.deps.service.get(incidentId), note, user, idempotencyKey);
}

/** Next phase: said in the channel, then the new phase begins in the background. */
export async function advance(
  rt: FlowRuntime,
  incidentId: string,
  user: SlackUser,
  idempotencyKey: string,
): Promise<void> {
  const outcome = await rt.driver.advance(await rt.deps.service.get(incidentId), user, idempotencyKey);
  if (outcome.replayed || outcome.events.length === 0) return;
  const phase = outcome.incident.phase;
  await rt.narrator.broadcast(outcome.incident, { kind: 'phase', phase }, user.id);
  enterPhaseLater(rt, incidentId, phase, user, outcome.incident);
}

export async function setStatus(
  rt: FlowRuntime,
  incidentId: string,
  status: Incident['status'],
  user: SlackUser,
  idempotencyKey: string,
): Promise<Incident> {
  const incident = await rt.deps.service.get(incidentId);
  return (await rt.driver.setStatus(incident, status, user, idempotencyKey)).incident;
}

function requireStep(incident: Incident, stepId: string): StepState {
  const step = stepOf(incident, stepId);
  if (!step)
    throw new GcIncidentError('STEP_NOT_FOUND', `incident ${incident.id} has no step '${stepId}'`, {
      stepId,
    });
  return step;
}
