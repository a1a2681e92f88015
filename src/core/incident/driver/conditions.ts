/**
 * `when:` in the driver (README, "Branching runbooks: when:"). As triage or containment begins
 * (after the phase's own checks ran), each of its steps' conditions is evaluated against what
 * the incident knows: check verdicts from its timeline, the Python version (python_info) and
 * the collector's state (python_gc_enabled, python_gc_frozen_objects) from the metrics port,
 * and its inputs. Not met: the step is skipped with the reason (a `step.skipped` event, so it
 * reaches the postmortem). Undecided (a fact unknown: a check with no verdict, no metric): the
 * step stays, for the person to decide. Every surface gets the same decisions from here.
 */
import { runtimesFrom } from '../../checks/runtime.js';
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

interface Guard {
  readonly stepId: string;
  readonly phase?: Condition | undefined;
  readonly own?: Condition | undefined;
}

function guardsOf(runbook: Runbook, phase: Phase): Guard[] {
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

function isEvaluation(result: unknown): result is { outcome: string } {
  return (
    typeof result === 'object' &&
    result !== null &&
    typeof (result as { outcome?: unknown }).outcome === 'string'
  );
}

/** Verdicts of the checks that ran: holds is firing, does not hold is ok, no data is unknown. */
export function verdictsOf(incident: Incident): Map<string, Verdict> {
  const out = new Map<string, Verdict>();
  for (const step of incident.steps) {
    if (step.kind !== 'check' || step.status !== 'done' || !isEvaluation(step.result)) continue;
    const outcome = step.result.outcome;
    out.set(step.id, outcome === 'holds' ? 'firing' : outcome === 'does-not-hold' ? 'ok' : 'unknown');
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

/** What the conditions read; metrics are asked only for what some condition needs. */
export async function gatherFacts(
  deps: DriverDeps,
  incident: Incident,
  runbook: Runbook,
  conditions: readonly Condition[],
): Promise<ConditionFacts> {
  const metrics = deps.caps.metrics;
  const job = incident.inputs.job;
  const instant = async (query: string) =>
    metrics && job
      ? metrics
          .instant(
            runbook.datasource ?? DEFAULT_DATASOURCE,
            renderQuery(query, incident.inputs),
            deps.clock.now(),
          )
          .catch(() => [])
      : [];
  let python: string | undefined;
  if (reads(conditions, 'python')) {
    const runtimes = runtimesFrom(await instant('python_info{job="{{job}}"}'));
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
  return { checks: verdictsOf(incident), python, collector, inputs: incident.inputs };
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
    const phaseResult = guard.phase ? evaluateCondition(guard.phase, facts) : undefined;
    if (phaseResult?.met === false) {
      out.push({ step, met: false, reason: skipReason(phaseResult, true) });
      continue;
    }
    const own = guard.own ? evaluateCondition(guard.own, facts) : undefined;
    if (own?.met === false) {
      out.push({ step, met: false, reason: skipReason(own, false) });
      continue;
    }
    const open = [phaseResult, own].filter((r) => r?.met === undefined && r !== undefined);
    if (open.length > 0)
      out.push({ step, met: undefined, reason: `when: undecided: ${open.map((r) => r?.reason).join('; ')}` });
    else
      out.push({
        step,
        met: true,
        reason: `when: met: ${[phaseResult, own].flatMap((r) => (r ? [r.reason] : [])).join('; ')}`,
      });
  }
  return out;
}

/**
 * Applies a phase's conditions as it begins: steps whose condition is not met are skipped
 * (recorded with the reason); the surface is told every decision once.
 */
export async function applyConditions(deps: DriverDeps, incident: Incident, phase: Phase): Promise<Incident> {
  const { runbook } = deps.runbookOf(incident);
  const guards = guardsOf(runbook, phase).filter((g) => g.phase || g.own);
  if (guards.length === 0) return incident;
  const conditions = guards.flatMap((g) => [g.phase, g.own].filter((c): c is Condition => c !== undefined));
  const facts = await gatherFacts(deps, incident, runbook, conditions);
  const decisions = decideConditions(incident, runbook, phase, facts);
  let current = incident;
  const shown: ConditionDecision[] = [];
  for (const decision of decisions) {
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
  if (shown.length > 0) await deps.narrator.conditionsDecided(current, phase, shown);
  return current;
}
