/** The state machine on a fake clock, with an in-memory store double (the real stores have their own contract suite). */
import { describe, expect, it } from 'vitest';
import { evaluateSamples } from '../../src/core/checks/evaluate.js';
import { apply } from '../../src/core/incident/apply.js';
import type { IncidentCommand } from '../../src/core/incident/commands.js';
import { decide } from '../../src/core/incident/decide.js';
import { resolveInputs } from '../../src/core/incident/inputs.js';
import type { Incident, TimelineEvent } from '../../src/core/incident/model.js';
import { planSteps } from '../../src/core/incident/plan.js';
import { shippedRunbook } from '../helpers/engine.js';

const runbook = shippedRunbook('gc-full-collection-latency');

function opened(): Incident {
  return apply(undefined, {
    seq: 1,
    incidentId: 'GC-2026-0001',
    at: '2026-11-23T10:00:00.000Z',
    actor: 'U0CMD',
    type: 'incident.opened',
    data: {
      title: 't',
      runbookId: runbook.metadata.id,
      runbookVersion: 'v',
      service: 's',
      inputs: {},
      severity: 'sev2',
      commander: 'U0CMD',
      steps: planSteps(runbook),
    },
  });
}

function run(incident: Incident, ...commands: IncidentCommand[]): Incident {
  let state = incident;
  for (const command of commands) {
    for (const p of decide(state, command)) {
      const event: TimelineEvent = {
        seq: state.version + 1,
        incidentId: state.id,
        at: '2026-11-23T10:00:00.000Z',
        actor: command.actor,
        type: p.type,
        data: p.data,
      };
      state = apply(state, event);
    }
  }
  return state;
}

const code = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    return (error as { code?: string }).code;
  }
  return 'no error';
};
const actor = 'U0ALICE';

describe('incident state machine', () => {
  it('walks every phase in order and refuses to skip a phase with work left', () => {
    let incident = opened();
    expect(incident.phase).toBe('detection');
    expect(code(() => decide(incident, { type: 'advance-phase', actor }))).toBe('ILLEGAL_TRANSITION');
    for (const check of runbook.detection.checks) {
      incident = run(incident, { type: 'complete-step', stepId: check.id, actor });
    }
    incident = run(incident, { type: 'advance-phase', actor });
    expect(incident.phase).toBe('triage');
    expect(code(() => decide(incident, { type: 'advance-phase', actor, to: 'detection' }))).toBe(
      'ILLEGAL_TRANSITION',
    );
  });

  it('steps go pending → running → done, and a done step cannot be done again', () => {
    const incident = run(opened(), { type: 'start-step', stepId: 'full-collection-pauses', actor });
    expect(incident.steps[0]?.status).toBe('running');
    const done = run(incident, {
      type: 'complete-step',
      stepId: 'full-collection-pauses',
      actor,
      result: { v: 1 },
    });
    expect(done.steps[0]).toMatchObject({ status: 'done', result: { v: 1 } });
    expect(code(() => decide(done, { type: 'complete-step', stepId: 'full-collection-pauses', actor }))).toBe(
      'ILLEGAL_TRANSITION',
    );
    expect(code(() => decide(done, { type: 'start-step', stepId: 'nope', actor }))).toBe('STEP_NOT_FOUND');
  });

  it('skipping needs a reason, and a running step can be skipped (#28: a stuck step is never a dead end)', () => {
    const running = run(opened(), { type: 'start-step', stepId: 'full-collection-pauses', actor });
    expect(
      run(running, { type: 'skip-step', stepId: 'full-collection-pauses', reason: 'stuck', actor }).steps[0],
    ).toMatchObject({ status: 'skipped', reason: 'stuck' });
    expect(
      code(() => decide(opened(), { type: 'skip-step', stepId: 'large-heap', reason: '  ', actor })),
    ).toBe('ILLEGAL_TRANSITION');
    const skipped = run(opened(), {
      type: 'skip-step',
      stepId: 'large-heap',
      reason: 'no memory metric',
      actor,
    });
    expect(skipped.steps[1]).toMatchObject({ status: 'skipped', reason: 'no memory metric' });
  });

  it('a failed step can be retried', () => {
    const failed = run(
      opened(),
      { type: 'start-step', stepId: 'full-collection-pauses', actor },
      { type: 'fail-step', stepId: 'full-collection-pauses', error: 'timeout', actor },
    );
    expect(failed.steps[0]).toMatchObject({ status: 'failed', reason: 'timeout' });
    expect(
      run(failed, { type: 'start-step', stepId: 'full-collection-pauses', actor }).steps[0]?.status,
    ).toBe('running');
  });

  it('actions that need confirmation run only after an approval', () => {
    const incident = opened();
    expect(code(() => decide(incident, { type: 'start-step', stepId: 'raise-thresholds', actor }))).toBe(
      'NOT_APPROVED',
    );
    expect(code(() => decide(incident, { type: 'complete-step', stepId: 'shift-traffic', actor }))).toBe(
      'NOT_APPROVED',
    );
    const approved = run(incident, { type: 'approve-action', stepId: 'raise-thresholds', actor: 'U0BOB' });
    expect(approved.steps.find((s) => s.id === 'raise-thresholds')?.approvedBy).toBe('U0BOB');
    expect(
      run(approved, { type: 'start-step', stepId: 'raise-thresholds', actor }).steps.find(
        (s) => s.id === 'raise-thresholds',
      )?.status,
    ).toBe('running');
    expect(
      code(() => decide(incident, { type: 'approve-action', stepId: 'freeze-after-startup', actor })),
    ).toBe('ILLEGAL_TRANSITION');
  });

  it('status moves open → mitigated → resolved → closed, and reopens', () => {
    let incident = run(
      opened(),
      { type: 'set-status', status: 'mitigated', actor },
      { type: 'set-status', status: 'resolved', actor },
    );
    expect(incident.status).toBe('resolved');
    expect(code(() => decide(opened(), { type: 'set-status', status: 'closed', actor }))).toBe(
      'ILLEGAL_TRANSITION',
    );
    // Closing needs the high-risk action acknowledged and the required follow-up done.
    expect(code(() => decide(incident, { type: 'set-status', status: 'closed', actor }))).toBe(
      'ILLEGAL_TRANSITION',
    );
    incident = run(
      incident,
      { type: 'skip-step', stepId: 'shift-traffic', reason: 'capacity was enough', actor },
      { type: 'complete-step', stepId: 'docs', actor },
      { type: 'set-status', status: 'closed', actor },
    );
    expect(incident.status).toBe('closed');
    expect(code(() => decide(incident, { type: 'complete-step', stepId: 'pause-metric', actor }))).toBe(
      'ILLEGAL_TRANSITION',
    );
    expect(run(incident, { type: 'set-status', status: 'open', actor }).status).toBe('open');
  });

  it('closing is refused while an action runs', () => {
    const incident = run(
      opened(),
      { type: 'start-step', stepId: 'freeze-after-startup', actor },
      { type: 'skip-step', stepId: 'shift-traffic', reason: 'n/a', actor },
      { type: 'complete-step', stepId: 'docs', actor },
      { type: 'set-status', status: 'resolved', actor },
    );
    let message = '';
    try {
      decide(incident, { type: 'set-status', status: 'closed', actor });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain("'freeze-after-startup'");
  });

  it('no-ops produce no events (joining twice, same assignee)', () => {
    const joined = run(opened(), { type: 'join', actor: 'U0BOB' });
    expect(decide(joined, { type: 'join', actor: 'U0BOB' })).toEqual([]);
    expect(decide(opened(), { type: 'join', actor: 'U0CMD' })).toEqual([]);
  });

  it('every event names the actor and records before and after', () => {
    const events = decide(opened(), { type: 'start-step', stepId: 'large-heap', actor });
    expect(events).toEqual([
      { type: 'step.started', data: { stepId: 'large-heap', before: 'pending', after: 'running' } },
    ]);
  });
});

describe('runbook inputs', () => {
  it('fill defaults and refuse what does not match', () => {
    expect(resolveInputs(runbook, { job: 'checkout' })).toEqual({ job: 'checkout' });
    for (const bad of ['chk"}', 'a b', 'x{job=~".*"}', '']) {
      expect(
        code(() => resolveInputs(runbook, { job: bad })),
        bad,
      ).toBe('INPUT_INVALID');
    }
    expect(code(() => resolveInputs(runbook, {}))).toBe('INPUT_INVALID');
    expect(code(() => resolveInputs(runbook, { job: 'x', nope: '1' }))).toBe('INPUT_INVALID');
  });
});

describe('check evaluation', () => {
  const meta = { query: 'q', datasource: 'default', at: '2026-11-23T10:00:00.000Z' };
  const s = (...values: number[]) => values.map((value, i) => ({ labels: { instance: `i${i}` }, value }));
  it('applies the operator per series, then the reduction', () => {
    expect(evaluateSamples(s(1, 5), { operator: '>', threshold: 3, reduce: 'any' }, meta).outcome).toBe(
      'holds',
    );
    expect(evaluateSamples(s(1, 5), { operator: '>', threshold: 3, reduce: 'all' }, meta).outcome).toBe(
      'does-not-hold',
    );
    expect(evaluateSamples(s(1, 5), { operator: '>', threshold: 3, reduce: 'avg' }, meta)).toMatchObject({
      outcome: 'does-not-hold',
      value: 3,
    });
    expect(evaluateSamples(s(1, 5), { operator: '>=', threshold: 6, reduce: 'sum' }, meta).outcome).toBe(
      'holds',
    );
    expect(evaluateSamples(s(1, 5), { operator: '<', threshold: 2, reduce: 'min' }, meta).outcome).toBe(
      'holds',
    );
    expect(evaluateSamples(s(Number.NaN), { operator: '>', threshold: 0, reduce: 'max' }, meta).outcome).toBe(
      'does-not-hold',
    );
  });
  it('gives no data the meaning the runbook declares', () => {
    expect(evaluateSamples([], { operator: '>', threshold: 0 }, meta).outcome).toBe('unknown');
    expect(evaluateSamples([], { operator: '>', threshold: 0, noData: 'breach' }, meta).outcome).toBe(
      'holds',
    );
    expect(evaluateSamples([], { operator: '>', threshold: 0, noData: 'ok' }, meta).outcome).toBe(
      'does-not-hold',
    );
  });
});
