/**
 * `when:` in the driver (docs/runbook-format.md, "Branching runbooks: when:"). As triage or containment begins
 * (after the phase's own checks ran), each of its steps' conditions is evaluated against what
 * the incident knows: check verdicts from its timeline, the Python version (python_info) and
 * the collector's state (python_gc_enabled, python_gc_frozen_objects) from the metrics port,
 * and its inputs. Not met: the step is skipped with the reason (a `step.skipped` event, so it
 * reaches the postmortem). Undecided (a fact unknown: a check with no verdict, no metric): the
 * step stays, for the person to decide. Every surface gets the same decisions from here.
 */
import { reportedRuntimes } from '../../checks/runtime.js';
import type { MetricsClient } from '../../ports.js';
import {
  type ConditionFacts,
  evaluateCondition,
  skipReason,
  type Verdict,
} from '../../runbook/conditions.js';
import { type Condition, DEFAULT_DATASOURCE, type Runbook } from '../../runbook/types.js';
import type { Incident, Phase } from '../model.js';
import { stepOf } from '../model.js';
import { renderQuery } from '../render-query.js';
import { type DriverDeps, execOn } from './context.js';
import type { ConditionDecision } from './ports.js';

/** Who skips a step whose condition is not met: the runbook, not a person. */
export const CONDITION_ACTOR = 'system';

/** One conditional step: its phase's `when:` and its own. */
export interface Guard {
  readonly stepId: string;
  readonly phase?: Condition | undefined;
  readonly own?: Condition | undefined;
}

/** Triage steps and containment actions (the steps `when:` may guard), with their conditions. */
export function guardsOf(runbook: Runbook, phase: Phase): Guard[] {
  if (phase === 'triage')
    return runbook.triage.steps.map((s) => ({ stepId: s.id, phase: runbook.triage.when, own: s.when }));
  if (phase === 'containment')
    return runbook.containment.actions.map((a) => ({
      stepId: a.id,
      phase: runbook.containment.when,
      own: a.when,
    }));
  return [];
}

/** The conditions some guards read. */
export function conditionsOf(guards: readonly Guard[]): Condition[] {
  return guards.flatMap((g) => [g.phase, g.own].filter((c): c is Condition => c !== undefined));
}

/** A check's outcome as a verdict: holds is firing, does not hold is ok, no data is unknown. */
export function verdictOf(outcome: string): Verdict {
  return outcome === 'holds' ? 'firing' : outcome === 'does-not-hold' ? 'ok' : 'unknown';
}

function isEvaluation(result: unknown): result is { outcome: string } {
  return (
    typeof result === 'object' &&
    result !== null &&
    typeof (result as { outcome?: unknown }).outcome === 'string'
  );
}

/** Verdicts of the checks that ran (done); a check pending, failed or skipped has none. */
export function verdictsOf(incident: Incident): Map<string, Verdict> {
  const out = new Map<string, Verdict>();
  for (const step of incident.steps) {
    if (step.kind !== 'check' || step.status !== 'done' || !isEvaluation(step.result)) continue;
    out.set(step.id, verdictOf(step.result.outcome));
  }
  return out;
}

function reads(conditions: readonly Condition[], key: 'python' | 'collector'): boolean {
  const any = (c: Condition): boolean =>
    key in c ||
    ('any' in c && c.any.some(any)) ||
    ('all' in c && c.all.some(any)) ||
    ('not' in c && any(c.not));
  return conditions.some(any);
}

/**
 * The service's facts the conditions read, from its metrics at `at`: asked only for what some
 * condition needs; a metric absent or unreachable leaves the fact unknown. The Python version
 * is the one most CPython instances report; the collector counts as disabled when any instance
 * reports it disabled, and as frozen when any instance has frozen objects.
 */
export async function serviceFacts(
  metrics: MetricsClient | undefined,
  datasource: string,
  inputs: Readonly<Record<string, string>>,
  at: Date,
  conditions: readonly Condition[],
): Promise<Pick<ConditionFacts, 'python' | 'collector'>> {
  const instant = async (query: string) =>
    metrics && inputs.job ? metrics.instant(datasource, renderQuery(query, inputs), at).catch(() => []) : [];
  let python: string | undefined;
  if (reads(conditions, 'python')) {
    const { runtimes } = await reportedRuntimes(metrics, datasource, inputs, at);
    python = runtimes.find((r) => r.implementation === 'CPython')?.version;
  }
  let collector: ConditionFacts['collector'];
  if (reads(conditions, 'collector')) {
    const enabled = await instant('python_gc_enabled{job="{{job}}"}');
    const frozen = await instant('python_gc_frozen_objects{job="{{job}}"}');
    collector = {
      enabled: enabled.length > 0 ? enabled.every((s) => s.value !== 0) : undefined,
      frozen: frozen.length > 0 ? frozen.some((s) => s.value > 0) : undefined,
    };
  }
  return { python, collector };
}

/** Whether one step applies: its phase's condition first, then its own (pure). */
export function decideGuard(
  guard: Guard,
  facts: ConditionFacts,
): { met: boolean | undefined; reason: string } {
  const phaseResult = guard.phase ? evaluateCondition(guard.phase, facts) : undefined;
  if (phaseResult?.met === false) return { met: false, reason: skipReason(phaseResult, true) };
  const own = guard.own ? evaluateCondition(guard.own, facts) : undefined;
  if (own?.met === false) return { met: false, reason: skipReason(own, false) };
  const decided = [phaseResult, own].filter((r) => r !== undefined);
  const open = decided.filter((r) => r.met === undefined);
  if (open.length > 0)
    return { met: undefined, reason: `when: undecided: ${open.map((r) => r.reason).join('; ')}` };
  return { met: true, reason: `when: met: ${decided.map((r) => r.reason).join('; ')}` };
}

/** Decides a phase's conditional steps from facts (pure): skipped, applies, or undecided. */
export function decideConditions(
  incident: Incident,
  runbook: Runbook,
  phase: Phase,
  facts: ConditionFacts,
): ConditionDecision[] {
  const out: ConditionDecision[] = [];
  for (const guard of guardsOf(runbook, phase)) {
    const step = stepOf(incident, guard.stepId);
    if (!step || (!guard.phase && !guard.own)) continue;
    out.push({ step, ...decideGuard(guard, facts) });
  }
  return out;
}

/**
 * Applies a phase's conditions as it begins: steps whose condition is not met are skipped
 * (recorded with the reason); the surface is told every decision once.
 */
export async function applyConditions(deps: DriverDeps, incident: Incident, phase: Phase): Promise<Incident> {
  const { incident: current, shown } = await decideConditionsNow(deps, incident, phase);
  if (shown.length > 0) await deps.narrator.conditionsDecided(current, phase, shown);
  return current;
}

/**
 * The decisions of applyConditions, recorded but not yet told: the driver announces a phase
 * with the steps that will run, then the decisions, so nobody reads a step listed and then
 * skipped a moment later.
 */
export async function decideConditionsNow(
  deps: DriverDeps,
  incident: Incident,
  phase: Phase,
): Promise<{ incident: Incident; shown: ConditionDecision[] }> {
  const { runbook } = deps.runbookOf(incident);
  const guards = guardsOf(runbook, phase).filter((g) => g.phase || g.own);
  if (guards.length === 0) return { incident, shown: [] };
  const facts: ConditionFacts = {
    checks: verdictsOf(incident),
    inputs: incident.inputs,
    ...(await serviceFacts(
      deps.caps.metrics,
      runbook.datasource ?? DEFAULT_DATASOURCE,
      incident.inputs,
      deps.clock.now(),
      conditionsOf(guards),
    )),
  };
  let current = incident;
  const shown: ConditionDecision[] = [];
  for (const decision of decideConditions(incident, runbook, phase, facts)) {
    const step = stepOf(current, decision.step.id) ?? decision.step;
    if (decision.met === false && (step.status === 'pending' || step.status === 'failed')) {
      current = (
        await execOn(deps, current, {
          type: 'skip-step',
          stepId: step.id,
          actor: CONDITION_ACTOR,
          reason: decision.reason,
          byCondition: true,
          idempotencyKey: `${current.id}:when:${step.id}`,
        })
      ).incident;
      shown.push({ ...decision, step: stepOf(current, step.id) ?? step });
    } else if (decision.met !== false && step.status !== 'skipped') {
      shown.push({ ...decision, step });
    }
  }
  return { incident: current, shown };
}
