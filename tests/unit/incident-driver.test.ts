/**
 * The driver with scripted ports: no Slack, no terminal. A SQLite store, a fake clock whose
 * sleep moves it, a metrics port answering from a table (or failing as a down datasource),
 * and a narrator that records what it was told.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SqliteStore } from '../../src/adapters/store/sqlite-store.js';
import { GcIncidentError } from '../../src/core/errors.js';
import { IncidentDriver } from '../../src/core/incident/driver/driver.js';
import type { Answer, Decision, Narrator } from '../../src/core/incident/driver/ports.js';
import { walkIncident } from '../../src/core/incident/driver/walk.js';
import { IncidentService } from '../../src/core/incident/service.js';
import type { MetricsClient } from '../../src/core/ports.js';
import { FakeClock, shippedRunbook } from '../helpers/engine.js';

const RUNBOOK = 'gc-thrash-allocation-churn';

function setup(options: {
  value?: number;
  down?: boolean;
  answers?: (d: Decision) => Answer | undefined;
  approvers?: string[];
  runbook?: string;
}) {
  const store = new SqliteStore(join(mkdtempSync(join(tmpdir(), 'gc-driver-')), 'gc.db'));
  const clock = new FakeClock();
  const said: string[] = [];
  const asked: Decision[] = [];
  const calls: { name: string; inputs: Readonly<Record<string, string>> }[] = [];
  const metrics: MetricsClient = {
    instant: async () => {
      if (options.down)
        throw new GcIncidentError('METRICS_UNREACHABLE', 'connection refused', { datasource: 'default' });
      return [{ labels: {}, value: options.value ?? 100 }];
    },
    range: async (_d, _q, start, end) => {
      if (options.down)
        throw new GcIncidentError('METRICS_UNREACHABLE', 'connection refused', { datasource: 'default' });
      const points: [number, number][] = [];
      for (let t = start.getTime(); t <= end.getTime(); t += 60_000)
        points.push([t / 1000, options.value ?? 100]);
      return [{ labels: {}, points }];
    },
  };
  const narrator = new Proxy({} as Narrator, {
    get:
      (_t, name: string) =>
      (...args: unknown[]) => {
        said.push(name === 'metricsUnavailable' ? `${name}:${String(args[1])}` : name);
        return Promise.resolve();
      },
  });
  const id = options.runbook ?? RUNBOOK;
  const runbook = shippedRunbook(id);
  const driver = new IncidentDriver({
    service: new IncidentService(store, clock),
    runbookOf: () => ({ runbook, file: join('runbooks', `${id}.yaml`) }),
    narrator,
    decisions: {
      ask: async (_i, d) => {
        asked.push(d);
        return options.answers?.(d);
      },
    },
    caps: {
      metrics,
      approvers: options.approvers,
      actions: {
        run: async (name, inputs) => {
          calls.push({ name, inputs });
          return { ok: true, method: 'POST', url: 'http://svc/admin', status: 200, durationMs: 3 };
        },
      },
      simulate: async () => ({ summary: { python: '3.12' }, results: [] }),
      reminders: (r) => store.scheduleReminder(r),
    },
    clock,
    sleep: async (ms) => clock.advance(ms),
  });
  const open = async () => {
    await store.migrate();
    const opened = await driver.open({
      runbook,
      runbookVersion: 'v',
      inputs: { job: 'api' },
      commander: 'U0CMD',
    });
    return opened.incident;
  };
  return { store, driver, said, asked, calls, open };
}

const by = { id: 'U0CMD' };

describe('the incident driver', () => {
  it('runs checks, queries, simulations and HTTP actions, and records each', async () => {
    const { driver, open, said, calls } = setup({});
    let incident = await driver.enterPhase(await open(), 'detection', by);
    expect(incident.service).toBe('api');
    expect(incident.steps.filter((s) => s.phase === 'detection').map((s) => s.status)).toEqual([
      'done',
      'done',
    ]);
    incident = (await driver.advance(incident, by)).incident;
    incident = await driver.runStep(incident, 'collections-per-request', by);
    incident = await driver.runStep(incident, 'simulate-churn', by);
    expect(incident.steps.find((s) => s.id === 'simulate-churn')?.result).toEqual({ python: '3.12' });
    await expect(driver.runStep(incident, 'profile', by)).rejects.toMatchObject({
      code: 'ILLEGAL_TRANSITION',
    });
    await expect(driver.done(incident, 'simulate-churn', by)).rejects.toMatchObject({
      code: 'ILLEGAL_TRANSITION',
    });
    incident = await driver.done(incident, 'profile', by);
    incident = await driver.skip(incident, 'allocation-hotspots', by, 'known');
    incident = (await driver.advance(incident, by)).incident;
    incident = await driver.runStep(incident, 'raise-young-threshold', by);
    expect(incident.steps.find((s) => s.id === 'raise-young-threshold')?.status).toBe('done');
    // The HTTP action gets the action's own whatIf (threshold=100000,10,10) beside the inputs.
    expect(calls).toEqual([
      {
        name: 'gc-set-threshold',
        inputs: { job: 'api', window: '5m', threshold0: '100000', threshold1: '10', threshold2: '10' },
      },
    ]);
    incident = await driver.assign(incident, 'disable-feature', { id: 'U0BOB' });
    expect(incident.participants).toContain('U0BOB');
    expect(said).toContain('stepSucceeded');
  });

  it('verification: stable is done; a deadline fails the steps and reopens a mitigated incident', async () => {
    const ok = setup({ value: 10 });
    let incident = await ok.open();
    incident = await ok.driver.verify(incident, by);
    expect(incident.steps.find((s) => s.id === 'young-collections-ok')?.status).toBe('done');
    const bad = setup({ value: 500 });
    incident = await bad.open();
    incident = (await bad.driver.setStatus(incident, 'mitigated', by)).incident;
    incident = await bad.driver.verify(incident, by);
    const step = incident.steps.find((s) => s.id === 'young-collections-ok');
    // The schema's defaults: deadline 4 × stableFor (10m) → 40m.
    expect(step).toMatchObject({
      status: 'failed',
      reason: expect.stringMatching(/^deadline passed: held for 0 s of the 10 min needed/),
    });
    expect(incident.status).toBe('open');
  });

  it('an unavailable datasource is said once and one decision skips every metric step', async () => {
    const { driver, open, said, asked } = setup({
      down: true,
      answers: (d) => (d.kind === 'metrics-unavailable' ? { choice: 'skip' } : undefined),
    });
    const incident = await driver.enterPhase(await open(), 'detection', by);
    expect(said.filter((s) => s.startsWith('metricsUnavailable'))).toEqual(['metricsUnavailable:default']);
    expect(asked.map((d) => d.kind)).toEqual(['metrics-unavailable']);
    const metricSteps = incident.steps.filter((s) => s.kind === 'check' || s.kind === 'query');
    expect(
      metricSteps.every(
        (s) =>
          s.status === 'skipped' &&
          /^datasource 'default' unavailable: connection refused/.test(s.reason ?? ''),
      ),
    ).toBe(true);
  });

  it('retry runs the failed checks again; no answer leaves them for a later click', async () => {
    const later = setup({ down: true });
    const waiting = await later.driver.enterPhase(await later.open(), 'detection', by);
    expect(waiting.steps.filter((s) => s.phase === 'detection').map((s) => s.status)).toEqual([
      'failed',
      'pending',
    ]);
    const skipped = await later.driver.answerUnavailable(waiting, 'skip', 'default', by);
    expect(skipped.steps.find((s) => s.id === 'cpu-busy')?.status).toBe('skipped');
    let tries = 0;
    const retry = setup({
      down: true,
      answers: () => (tries++ === 0 ? { choice: 'retry' } : { choice: 'skip' }),
    });
    const retried = await retry.driver.enterPhase(await retry.open(), 'detection', by);
    expect(retry.asked).toHaveLength(2);
    expect(retried.steps.find((s) => s.id === 'young-collection-rate')?.status).toBe('skipped');
  });

  it('approvers are checked: the runbook roles, then the configured ones', async () => {
    const { driver, open, store } = setup({ approvers: ['U0CAROL'], runbook: 'gc-full-collection-latency' });
    let incident = await open();
    const action = incident.steps.find((s) => s.needsApproval) as { id: string };
    await expect(driver.approve(incident, action.id, { id: 'U0BOB' })).rejects.toMatchObject({
      code: 'NOT_APPROVED',
      message: expect.stringContaining('U0CAROL may approve'),
      // Facts, not mrkdwn: each surface renders who may approve (src/core/incident/refusals.ts).
      details: {
        refusal: {
          code: 'NOT_APPROVED',
          user: 'U0BOB',
          approvers: expect.arrayContaining([{ kind: 'user', user: 'U0CAROL' }]),
        },
      },
    });
    incident = await driver.approve(incident, action.id, { id: 'U0CAROL' });
    expect(incident.steps.find((s) => s.id === action.id)?.approvedBy).toBe('U0CAROL');
    expect((await store.timeline(incident.id)).filter((e) => e.type === 'action.approved')).toHaveLength(1);
  });

  it('a walk asks approve, call, manual and status decisions and follows the answers', async () => {
    const { driver, open, asked } = setup({
      value: 10,
      answers: (d) =>
        d.kind === 'manual'
          ? { choice: d.step.kind === 'follow-up' ? 'leave' : 'done' }
          : d.kind === 'status'
            ? { choice: 'yes' }
            : { choice: 'yes' },
    });
    const walked = await walkIncident(driver, await open(), by);
    expect(new Set(asked.map((d) => d.kind))).toEqual(new Set(['manual', 'call-action', 'status']));
    expect(walked.status).toBe('resolved');
    expect(walked.phase).toBe('follow-up');
    expect(walked.followUps.length).toBeGreaterThan(0);
  });
});
