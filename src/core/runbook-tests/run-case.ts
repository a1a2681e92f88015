/**
 * One test case evaluated with the incident's own check semantics: `evaluateCheck` (operator,
 * threshold, reduce, `for`, noData) for every check and `waitUntilStable` (stableFor, interval,
 * deadline) for verification, on a clock that the test moves instead of waiting.
 */
import { evaluateCheck } from '../checks/check-runner.js';
import { type CheckEvaluation, compare, formatNumber } from '../checks/evaluate.js';
import { waitUntilStable } from '../checks/stable-for.js';
import { formatDuration } from '../duration.js';
import { serviceFacts } from '../incident/driver/conditions.js';
import { verificationTiming } from '../incident/driver/policy.js';
import type { MetricsClient } from '../ports.js';
import { type Check, DEFAULT_DATASOURCE, type Runbook } from '../runbook/types.js';
import { branches } from './branches.js';
import type { PlannedCase } from './compile.js';
import { prefetchingClient } from './prefetch.js';

export interface Decider {
  readonly section: 'detection' | 'triage' | 'verification';
  readonly index: number;
  /** The runbook field to point at: the threshold that decided, or the query whose value was wrong. */
  readonly field: 'threshold' | 'query';
}

export interface CaseVerdict {
  readonly pass: boolean;
  readonly expected: string;
  readonly got: string;
  /** Why, from the check that decided: `young-collection-rate = 3.2 < 50`. */
  readonly detail: string;
  readonly decider?: Decider | undefined;
}

export async function runCase(
  runbook: Runbook,
  plan: PlannedCase,
  inputs: Readonly<Record<string, string>>,
  metrics: MetricsClient,
  startMs: number,
  /** Off only to show that prefetched rounds give the verdicts of one instant query per round. */
  options: { prefetch?: boolean } = {},
): Promise<CaseVerdict> {
  const datasource = runbook.datasource ?? DEFAULT_DATASOURCE;
  const client =
    plan.kind === 'verification' && options.prefetch !== false
      ? prefetchingClient(metrics, {
          startMs: startMs + plan.fromMs,
          endMs: startMs + plan.untilMs,
          stepMs: verificationTiming(runbook).intervalMs,
        })
      : metrics;
  const evaluate = (check: Check, atMs: number) =>
    evaluateCheck(check, inputs, client, new Date(startMs + atMs), datasource);
  switch (plan.kind) {
    case 'detection': {
      const checks = runbook.detection.checks;
      const evaluations = await Promise.all(checks.map((c) => evaluate(c, plan.atMs)));
      const holds = evaluations.map((e) => e.outcome === 'holds');
      const fires = (runbook.detection.mode ?? 'any') === 'all' ? holds.every(Boolean) : holds.some(Boolean);
      // The check that decided: one that held when detection fired, one that did not when it stayed quiet.
      const index = Math.max(0, holds.indexOf(fires));
      return {
        pass: (plan.expect === 'fires') === fires,
        expected: plan.expect,
        got: fires ? 'fires' : 'quiet',
        detail: describe(checks, evaluations, index),
        decider: { section: 'detection', index, field: 'threshold' },
      };
    }
    case 'verification':
      return verify(runbook, plan, evaluate);
    case 'branches':
      return branches(runbook, plan, inputs, evaluate, (at, conditions) =>
        serviceFacts(client, datasource, inputs, new Date(startMs + at), conditions),
      );
    case 'check': {
      const found = findCheck(runbook, plan.checkId);
      if (!found) return { pass: false, expected: plan.checkId, got: 'no such check', detail: '' };
      const evaluation = await evaluate(found.check, plan.atMs);
      const pass = evaluation.value !== null && Math.abs(evaluation.value - plan.value) <= plan.tolerance;
      return {
        pass,
        expected: `${plan.checkId} = ${formatNumber(plan.value)}`,
        got: evaluation.value === null ? 'no data' : formatNumber(evaluation.value),
        detail: `tolerance ${formatNumber(plan.tolerance)}; ${evaluation.query}`,
        decider: { section: found.section, index: found.index, field: 'query' },
      };
    }
  }
}

async function verify(
  runbook: Runbook,
  plan: Extract<PlannedCase, { kind: 'verification' }>,
  evaluate: (check: Check, atMs: number) => Promise<CheckEvaluation>,
): Promise<CaseVerdict> {
  const v = runbook.verification;
  // The schema's timing, as walk and Slack use it (driver/policy.ts); the case's window is the deadline.
  const { stableForMs, intervalMs } = verificationTiming(runbook);
  let clock = plan.fromMs;
  const outcome = await waitUntilStable({
    stableForMs,
    deadlineMs: plan.untilMs - plan.fromMs,
    intervalMs,
    mode: v.mode ?? 'all',
    now: () => new Date(clock),
    sleep: async (ms) => {
      clock += ms;
    },
    evaluate: () => Promise.all(v.checks.map((c) => evaluate(c, clock))),
  });
  const holds = outcome.verdict === 'stable';
  const rounds = outcome.rounds;
  const failed = [...rounds].reverse().find((r) => !r.passing);
  let index = 0;
  let detail: string;
  if (holds) {
    const from = new Date(rounds[rounds.length - 1]?.at ?? 0).getTime() - outcome.heldMs;
    detail = `${describe(v.checks, rounds[rounds.length - 1]?.evaluations ?? [], 0)}; held ${formatDuration(stableForMs)} from ${formatDuration(from)}`;
  } else if (failed) {
    index = Math.max(
      0,
      failed.evaluations.findIndex((e) => e.outcome !== 'holds'),
    );
    detail = `${describe(v.checks, failed.evaluations, index)} at ${formatDuration(new Date(failed.at).getTime())}; held ${formatDuration(outcome.heldMs)} of ${v.stableFor} by ${formatDuration(plan.untilMs)}`;
  } else {
    detail = `held only ${formatDuration(outcome.heldMs)} of ${v.stableFor} by ${formatDuration(plan.untilMs)}`;
  }
  return {
    pass: (plan.expect === 'holds') === holds,
    expected: plan.expect,
    got: holds ? 'holds' : 'fails',
    detail,
    decider: { section: 'verification', index, field: 'threshold' },
  };
}

/** `young-collection-rate = 3.2 < 50`, or why there is no value. */
function describe(checks: readonly Check[], evaluations: readonly CheckEvaluation[], index: number): string {
  const check = checks[index];
  const e = evaluations[index];
  if (!check || !e) return '';
  if (e.value === null)
    return `${check.id}: no data, which the runbook counts as '${check.noData ?? 'unknown'}'`;
  const relation = e.value < check.threshold ? '<' : e.value > check.threshold ? '>' : '=';
  const text = `${check.id} = ${formatNumber(e.value)} ${relation} ${formatNumber(check.threshold)}`;
  // With `for`, the last value can satisfy the condition while an earlier point in the window did not.
  if (check.for && e.outcome !== 'holds' && compare(e.value, check.operator, check.threshold))
    return `${text}, but not for the whole ${check.for}`;
  return text;
}

function findCheck(
  runbook: Runbook,
  id: string,
): { check: Check; section: 'detection' | 'triage' | 'verification'; index: number } | undefined {
  for (const section of ['detection', 'triage', 'verification'] as const) {
    const checks = runbook[section].checks ?? [];
    const index = checks.findIndex((c) => c.id === id);
    const check = checks[index];
    if (check) return { check, section, index };
  }
  return undefined;
}
