import { describe, expect, it } from 'vitest';
import type { CheckEvaluation } from '../../src/core/checks/evaluate.js';
import { waitUntilStable } from '../../src/core/checks/stable-for.js';
import { FakeClock } from '../helpers/engine.js';

const evaluation = (holds: boolean): CheckEvaluation => ({
  query: 'q',
  datasource: 'default',
  at: '',
  operator: '<',
  threshold: 1,
  reduce: 'any',
  value: holds ? 0 : 2,
  series: [],
  outcome: holds ? 'holds' : 'does-not-hold',
  reason: '',
});

function run(pattern: boolean[], opts: { stableForMs: number; deadlineMs: number }) {
  const clock = new FakeClock();
  let i = 0;
  return waitUntilStable({
    ...opts,
    intervalMs: 30_000,
    mode: 'all',
    now: () => clock.now(),
    sleep: async (ms) => clock.advance(ms),
    evaluate: async () => [evaluation(pattern[Math.min(i++, pattern.length - 1)] ?? false)],
  });
}

describe('stableFor', () => {
  it('passes once the criteria held for the whole window', async () => {
    const outcome = await run([false, true, true, true, true, true], {
      stableForMs: 120_000,
      deadlineMs: 600_000,
    });
    expect(outcome.verdict).toBe('stable');
    expect(outcome.heldMs).toBe(120_000);
    expect(outcome.rounds).toHaveLength(6);
  });

  it('a relapse restarts the window', async () => {
    const outcome = await run([true, true, false, true, true, true, true, true], {
      stableForMs: 120_000,
      deadlineMs: 600_000,
    });
    expect(outcome.verdict).toBe('stable');
    expect(outcome.rounds.map((r) => r.passing)).toEqual([true, true, false, true, true, true, true, true]);
  });

  it('gives up at the deadline and says so', async () => {
    const outcome = await run([true, false], { stableForMs: 120_000, deadlineMs: 300_000 });
    expect(outcome.verdict).toBe('deadline');
    expect(outcome.heldMs).toBe(0);
    expect(outcome.rounds.length).toBe(11); // at 0 s, 30 s, …, 300 s
  });
});
