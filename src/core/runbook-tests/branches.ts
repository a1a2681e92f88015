/**
 * A `runs`/`skips` case: the runbook's detection and triage checks at eval_time, the service's
 * facts from the same series, then the driver's own decision (decideGuard) for each triage step
 * and containment action, exactly as an incident would take it as each phase begins.
 */
import type { CheckEvaluation } from '../checks/evaluate.js';
import { conditionsOf, decideGuard, guardsOf, verdictOf } from '../incident/driver/conditions.js';
import type { ConditionFacts, Verdict } from '../runbook/conditions.js';
import type { Check, Condition, Runbook } from '../runbook/types.js';
import type { PlannedCase } from './compile.js';
import type { CaseVerdict } from './run-case.js';

export async function branches(
  runbook: Runbook,
  plan: Extract<PlannedCase, { kind: 'branches' }>,
  inputs: Readonly<Record<string, string>>,
  evaluate: (check: Check, atMs: number) => Promise<CheckEvaluation>,
  service: (
    atMs: number,
    conditions: readonly Condition[],
  ) => Promise<Pick<ConditionFacts, 'python' | 'collector'>>,
): Promise<CaseVerdict> {
  const checks = [...runbook.detection.checks, ...(runbook.triage.checks ?? [])];
  const evaluations = await Promise.all(checks.map((c) => evaluate(c, plan.atMs)));
  const verdicts = new Map<string, Verdict>(
    checks.map((c, i) => [c.id, verdictOf(evaluations[i]?.outcome ?? '')]),
  );
  const guards = [...guardsOf(runbook, 'triage'), ...guardsOf(runbook, 'containment')];
  const facts: ConditionFacts = {
    checks: verdicts,
    inputs,
    ...(await service(plan.atMs, conditionsOf(guards))),
  };
  const decided = new Map(guards.map((g) => [g.stepId, decideGuard(g, facts)]));
  const wrong: string[] = [];
  for (const id of plan.runs)
    if (decided.get(id)?.met === false) wrong.push(`${id} was skipped (${decided.get(id)?.reason})`);
  for (const id of plan.skips)
    if (decided.get(id)?.met !== false) wrong.push(`${id} runs (${decided.get(id)?.reason ?? 'no when:'})`);
  const skipped = guards.filter((g) => decided.get(g.stepId)?.met === false).map((g) => g.stepId);
  const verdictText = [...verdicts].map(([id, v]) => `${id} ${v}`).join(', ');
  return {
    pass: wrong.length === 0,
    expected: `runs [${plan.runs.join(', ')}], skips [${plan.skips.join(', ')}]`,
    got: `skips [${skipped.join(', ')}]`,
    detail: wrong.length > 0 ? `${wrong.join('; ')}; checks: ${verdictText}` : `checks: ${verdictText}`,
  };
}
