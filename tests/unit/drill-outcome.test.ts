import { describe, expect, it } from 'vitest';
import { drillOutcome } from '../../src/cli/commands/drill.js';

describe('a drill succeeds only on what it measured', () => {
  it('verification held, or verified by hand: exit 0, nothing more to say', () => {
    expect(drillOutcome({ kind: 'held' }, true)).toEqual({ code: 0 });
    expect(
      drillOutcome(
        { kind: 'by-hand', manual: { by: 'U1', note: 'Grafana', at: '2026-12-06T00:00:00Z' } } as never,
        true,
      ),
    ).toEqual({ code: 0 });
  });

  it('with metrics, verification that failed, never started or was skipped fails the drill (exit 1)', () => {
    for (const kind of ['failed', 'not-started', 'running', 'no-checks'] as const) {
      const outcome = drillOutcome({ kind } as never, true);
      expect(outcome.code).toBe(1);
      expect(outcome.line).toContain(`Drill failed: verification did not hold (${kind})`);
    }
    expect(drillOutcome({ kind: 'skipped', outage: 'default' }, true).code).toBe(1);
  });

  it('without Prometheus the walk is shown, and said to be unverified (exit 0)', () => {
    const outcome = drillOutcome({ kind: 'skipped', outage: 'default' }, false);
    expect(outcome.code).toBe(0);
    expect(outcome.line).toContain('Not verified: without Prometheus nothing was measured');
  });
});
