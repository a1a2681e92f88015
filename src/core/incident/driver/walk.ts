/**
 * A walk: the incident taken phase by phase, each step run or put to a person through the
 * Decisions port, in the runbook's order. The terminal walks this way (prompts, or --auto's
 * scripted answers); Slack's buttons call the same driver methods one click at a time.
 */
import { isGcIncidentError } from '../../errors.js';
import { type Incident, PHASES, type StepState, stepOf } from '../model.js';
import { runnableActions, stepNext, verificationVerdict } from '../progress.js';
import type { IncidentDriver } from './driver.js';
import { isAutomatable } from './policy.js';
import type { Person } from './ports.js';
import { runBatch } from './run-steps.js';

export async function walkIncident(driver: IncidentDriver, opened: Incident, by: Person): Promise<Incident> {
  const { narrator, decisions } = driver.deps;
  let incident = opened;
  for (const phase of PHASES) {
    if (incident.phase !== phase) {
      try {
        incident = (await driver.advance(incident, by, undefined, phase)).incident;
      } catch (error) {
        if (isGcIncidentError(error) && error.code === 'ILLEGAL_TRANSITION') {
          await narrator.stopped(incident, phase, error.message);
          break;
        }
        throw error;
      }
    }
    incident = await driver.enterPhase(incident, phase, by);
    // Detection's, triage's and verification's checks ran as their phase began; they are not asked again.
    const settled = new Set(
      incident.steps
        .filter((s) => s.kind === 'check' && phase !== 'containment' && phase !== 'follow-up')
        .map((s) => s.id),
    );
    for (const planned of incident.steps.filter((s) => s.phase === phase && !settled.has(s.id))) {
      const step = stepOf(incident, planned.id) ?? planned;
      if (step.status === 'done' || step.status === 'skipped') continue;
      incident = await walkStep(driver, incident, step, by);
    }
    // Nothing measured the fix (its checks were skipped): a person may vouch for it, saying how.
    if (phase === 'verification' && verificationVerdict(incident).kind === 'skipped') {
      const skipped = incident.steps.filter((s) => s.phase === 'verification' && s.status === 'skipped');
      const answer = await decisions.ask(incident, { kind: 'verify-by-hand', skipped });
      if (answer?.choice === 'yes' && answer.reason)
        incident = await driver.verifyByHand(incident, answer.reason, by);
    }
    if (phase === 'containment' || phase === 'verification') {
      const status = phase === 'containment' ? 'mitigated' : 'resolved';
      const answer = await decisions.ask(incident, { kind: 'status', status });
      if (answer?.choice === 'yes') incident = (await driver.setStatus(incident, status, by)).incident;
    }
  }
  return incident;
}

async function walkStep(
  driver: IncidentDriver,
  incident: Incident,
  step: StepState,
  by: Person,
): Promise<Incident> {
  const { narrator, decisions, caps } = driver.deps;
  const { runbook } = driver.deps.runbookOf(incident);
  await narrator.stepIntroduced(incident, runbook, step);
  // Who acts is decided as the Slack card decides its button (progress.ts stepNext).
  const runnable = runnableActions(runbook, caps.actions !== undefined);
  if (stepNext(step, runnable).act === 'run' && isAutomatable(step)) {
    const done = await runBatch(driver.deps, incident, [step], by);
    await narrator.changed(done);
    return done;
  }
  let current = incident;
  if (stepNext(step, runnable).act === 'approve') {
    const answer = await decisions.ask(current, { kind: 'approve', step });
    if (answer?.choice !== 'yes') {
      await narrator.stepOutcome(current, step, 'left pending (needs approval)');
      return current;
    }
    try {
      current = await driver.approve(current, step.id, by);
    } catch (error) {
      if (!isGcIncidentError(error) || error.code !== 'NOT_APPROVED') throw error;
      await narrator.stepOutcome(current, step, `refused: ${error.message}`);
      return current;
    }
  }
  const action = runbook.containment.actions.find((a) => a.id === step.id);
  // Approved (or needing no approval), a runnable HTTP action is called rather than done by hand.
  if (action?.httpAction && stepNext(stepOf(current, step.id) ?? step, runnable).act === 'run') {
    const answer = await decisions.ask(current, { kind: 'call-action', step, action: action.httpAction });
    if (answer?.choice === 'yes') return driver.runStep(current, step.id, by);
  }
  const answer = await decisions.ask(current, { kind: 'manual', step });
  if (answer?.choice === 'done') {
    current = await driver.done(current, step.id, by);
    await narrator.stepOutcome(current, step, 'done');
    return current;
  }
  if (answer?.choice === 'skip') {
    const reason = answer.reason || 'skipped by a person';
    current = await driver.skip(current, step.id, by, reason);
    await narrator.stepOutcome(current, step, `skipped (${reason})`);
    return current;
  }
  await narrator.stepOutcome(current, step, answer?.reason ?? 'left pending');
  return current;
}
