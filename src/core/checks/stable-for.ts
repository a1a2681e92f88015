/**
 * Verification's `stableFor`: re-evaluate the criteria every `interval` until
 * they have held continuously for `stableFor`, or give up at `deadline` and
 * say which. Time and waiting are injected, so tests run on a fake clock.
 */
import type { CheckEvaluation } from './evaluate.js';

export interface StableForOptions {
  readonly stableForMs: number;
  readonly deadlineMs: number;
  readonly intervalMs: number;
  readonly mode: 'any' | 'all';
  readonly now: () => Date;
  readonly sleep: (ms: number) => Promise<void>;
  /** Evaluates every criterion once. */
  readonly evaluate: () => Promise<CheckEvaluation[]>;
  readonly onRound?: ((round: StableRound) => void) | undefined;
}

export interface StableRound {
  readonly at: string;
  readonly passing: boolean;
  /** How long the criteria have held so far, in ms. */
  readonly heldMs: number;
  readonly evaluations: CheckEvaluation[];
}

export interface StableOutcome {
  readonly verdict: 'stable' | 'deadline';
  readonly heldMs: number;
  readonly rounds: StableRound[];
}

export async function waitUntilStable(options: StableForOptions): Promise<StableOutcome> {
  const started = options.now().getTime();
  let since: number | undefined;
  const rounds: StableRound[] = [];
  for (;;) {
    const evaluations = await options.evaluate();
    const now = options.now().getTime();
    const holds = evaluations.map((e) => e.outcome === 'holds');
    const passing = options.mode === 'all' ? holds.every(Boolean) : holds.some(Boolean);
    if (passing) since ??= now;
    else since = undefined;
    const heldMs = since === undefined ? 0 : now - since;
    const round = { at: new Date(now).toISOString(), passing, heldMs, evaluations };
    rounds.push(round);
    options.onRound?.(round);
    if (passing && heldMs >= options.stableForMs) return { verdict: 'stable', heldMs, rounds };
    if (now - started + options.intervalMs > options.deadlineMs)
      return { verdict: 'deadline', heldMs, rounds };
    await options.sleep(options.intervalMs);
  }
}
