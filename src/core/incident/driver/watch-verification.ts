/**
 * The verification loop itself, with or without an incident: every `interval` the checks are
 * evaluated until they held for `stableFor` (all of them, or any with `mode: any`) or the
 * `deadline` passed, on the schema's default timing. The driver's verify() records its outcome
 * on the incident; `gc-incident check --wait` prints it.
 */
import { evaluateCheck } from '../../checks/check-runner.js';
import type { CheckEvaluation } from '../../checks/evaluate.js';
import { type StableOutcome, type StableRound, waitUntilStable } from '../../checks/stable-for.js';
import type { Clock, MetricsClient } from '../../ports.js';
import { type Check, DEFAULT_DATASOURCE, type Runbook } from '../../runbook/types.js';
import { verificationTiming } from './policy.js';
import type { VerificationTiming } from './ports.js';

export interface WatchDeps {
  readonly metrics: MetricsClient;
  readonly clock: Clock;
  readonly sleep: (ms: number) => Promise<void>;
}

export function watchVerification(
  runbook: Runbook,
  checks: readonly Check[],
  inputs: Readonly<Record<string, string>>,
  deps: WatchDeps,
  onRound?: (round: StableRound, timing: VerificationTiming) => void,
  /** How one check is evaluated (a fleet incident's: per service, fleet-checks.ts); default: for `inputs`. */
  evaluate?: (check: Check, at: Date) => Promise<CheckEvaluation>,
): Promise<StableOutcome> {
  const timing = verificationTiming(runbook);
  return waitUntilStable({
    ...timing,
    mode: runbook.verification.mode ?? 'all',
    now: () => deps.clock.now(),
    sleep: deps.sleep,
    evaluate: () =>
      Promise.all(
        checks.map((c) =>
          evaluate
            ? evaluate(c, deps.clock.now())
            : evaluateCheck(
                c,
                inputs,
                deps.metrics,
                deps.clock.now(),
                runbook.datasource ?? DEFAULT_DATASOURCE,
              ),
        ),
      ),
    onRound: onRound && ((round) => onRound(round, timing)),
  });
}
