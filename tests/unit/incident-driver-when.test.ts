/**
 * `when:` in the driver, with the shipped gc-full-collection-latency runbook: a SQLite store,
 * a fake clock, a metrics port answering each query from a table, a narrator that records.
 * Triage's checks run as triage begins; steps whose condition is not met are skipped with the
 * reason (on the timeline, so in the postmortem); undecided ones stay for the person.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SqliteStore } from '../../src/adapters/store/sqlite-store.js';
import { describeEvent } from '../../src/core/incident/describe-event.js';
import { IncidentDriver } from '../../src/core/incident/driver/driver.js';
import type { ConditionDecision, Narrator } from '../../src/core/incident/driver/ports.js';
import type { Incident } from '../../src/core/incident/model.js';
import { IncidentService } from '../../src/core/incident/service.js';
import type { MetricsClient, Sample } from '../../src/core/ports.js';
import { buildPostmortem } from '../../src/core/postmortem/build.js';
import { incidentCard, stepLine } from '../../src/slack/blocks/card.js';
import { allStepsModal } from '../../src/slack/blocks/card-steps.js';
import { conditionsMessage } from '../../src/slack/blocks/conditions.js';
import { FakeClock, shippedRunbook } from '../helpers/engine.js';

const RUNBOOK = 'gc-full-collection-latency';
const by = { id: 'U0CMD' };

interface World {
  churn?: number;
  growth?: number;
  versions?: number;
  python?: string;
  /** python_gc_enabled, one value per instance. */
  enabled?: number[];
  /** The triage checks' datasource fails. */
  triageDown?: boolean;
}

function setup(world: World) {
  const store = new SqliteStore(join(mkdtempSync(join(tmpdir(), 'gc-when-')), 'gc.db'));
  const clock = new FakeClock();
  const decided: { phase: string; decisions: readonly ConditionDecision[] }[] = [];
  /** What the surface was told, in order, with the steps already skipped in that phase. */
  const told: { name: string; phase: string; skipped: string[] }[] = [];
  const one = (value: number | undefined): Sample[] => (value === undefined ? [] : [{ labels: {}, value }]);
  const answer = (query: string): Sample[] => {
    if (query.includes('generation="0"')) {
      if (world.triageDown) throw new Error('the query failed');
      return one(world.churn);
    }
    if (query.includes('deriv(process_resident')) return one(world.growth);
    if (query.includes('count_over_time(python_info')) return one(world.versions);
    if (query.startsWith('python_info'))
      return world.python ? [{ labels: { implementation: 'CPython', version: world.python }, value: 1 }] : [];
    if (query.startsWith('python_gc_enabled'))
      return (world.enabled ?? []).map((value) => ({ labels: {}, value }));
    if (query.startsWith('python_gc_frozen_objects')) return [];
    return one(2e9);
  };
  const metrics: MetricsClient = {
    instant: async (_d, query) => answer(query),
    range: async (_d, query, start, end) => {
      const value = answer(query)[0]?.value;
      if (value === undefined) return [];
      const points: [number, number][] = [];
      for (let t = start.getTime(); t <= end.getTime(); t += 60_000) points.push([t / 1000, value]);
      return [{ labels: {}, points }];
    },
  };
  const narrator = new Proxy({} as Narrator, {
    get:
      (_t, name: string) =>
      (...args: unknown[]) => {
        if (name === 'conditionsDecided')
          decided.push({ phase: args[1] as string, decisions: args[2] as ConditionDecision[] });
        if (name === 'phaseEntered' || name === 'conditionsDecided') {
          const incident = args[0] as Incident;
          const phase = (name === 'phaseEntered' ? args[2] : args[1]) as string;
          const skipped = incident.steps.filter((st) => st.phase === phase && st.status === 'skipped');
          told.push({ name, phase, skipped: skipped.map((st) => st.id) });
        }
        return Promise.resolve();
      },
  });
  const runbook = shippedRunbook(RUNBOOK);
  const driver = new IncidentDriver({
    service: new IncidentService(store, clock),
    runbookOf: () => ({ runbook, file: join('runbooks', `${RUNBOOK}.yaml`) }),
    narrator,
    decisions: { ask: async () => undefined },
    caps: { metrics },
    clock,
    sleep: async (ms) => clock.advance(ms),
  });
  const triage = async () => {
    await store.migrate();
    const opened = (
      await driver.open({ runbook, runbookVersion: 'v', inputs: { job: 'api' }, commander: 'U0CMD' })
    ).incident;
    const detected = await driver.enterPhase(opened, 'detection', by);
    const advanced = (await driver.advance(detected, by, undefined, 'triage')).incident;
    return driver.enterPhase(advanced, 'triage', by);
  };
  const containment = async (incident: Incident) => {
    let current = incident;
    for (const step of current.steps.filter((s) => s.phase === 'triage' && s.status === 'pending')) {
      current =
        step.kind === 'query' || step.kind === 'simulate'
          ? await driver.skip(current, step.id, by, 'not needed here')
          : await driver.done(current, step.id, by);
    }
    const advanced = (await driver.advance(current, by, undefined, 'containment')).incident;
    return driver.enterPhase(advanced, 'containment', by);
  };
  return { store, driver, decided, told, triage, containment, runbook };
}

const status = (incident: Incident, id: string) => incident.steps.find((s) => s.id === id)?.status;

describe('when: in the driver', () => {
  it('churn: triage checks run as triage begins; the other branches are skipped with the reason', async () => {
    const w = setup({ churn: 100, growth: 0, versions: 1, enabled: [1, 1] });
    let incident = await w.triage();
    expect(
      ['young-collection-churn', 'old-generation-growth', 'python-upgraded'].map((id) =>
        status(incident, id),
      ),
    ).toEqual(['done', 'done', 'done']);
    expect(status(incident, 'churn-allocation-sites')).toBe('pending');
    expect(status(incident, 'yield-per-full-collection')).toBe('skipped');
    const skipped = incident.steps.find((s) => s.id === 'old-generation-sources');
    expect(skipped).toMatchObject({
      status: 'skipped',
      skippedByCondition: true,
      reason: 'when: not met: check old-generation-growth is ok (not firing)',
    });
    incident = await w.containment(incident);
    expect(status(incident, 'raise-thresholds')).toBe('pending');
    expect(status(incident, 'freeze-after-startup')).toBe('skipped');
    expect(status(incident, 'pin-previous-python')).toBe('skipped');

    // Recorded as the runbook's doing, with the reason: the postmortem's timeline says it.
    const timeline = await w.store.timeline(incident.id);
    const lines = timeline
      .filter((e) => e.type === 'step.skipped')
      .map((e) => `${e.actor} ${describeEvent(e)}`);
    expect(lines).toContain(
      'system pin-previous-python: skipped (when: not met: check python-upgraded is ok (not firing))',
    );
    const postmortem = buildPostmortem(incident, timeline, {
      generatedAt: '2026-11-23T12:00:00Z',
      runbook: w.runbook,
    });
    expect(postmortem.containment.find((a) => a.stepId === 'freeze-after-startup')).toMatchObject({
      status: 'skipped',
      by: 'system',
      reason: expect.stringContaining('when: not met: check old-generation-growth is ok (not firing)'),
    });
    // Containment is announced with its skipped steps already skipped (its introduction lists
    // only what will run), and the decisions follow the announcement.
    const containmentTold = w.told.filter((t) => t.phase === 'containment');
    expect(containmentTold.map((t) => t.name)).toEqual(['phaseEntered', 'conditionsDecided']);
    expect(containmentTold[0]?.skipped).toEqual(
      expect.arrayContaining(['freeze-after-startup', 'pin-previous-python']),
    );
    // The surface was told each phase's decisions once, the collector's state included.
    expect(w.decided.map((d) => d.phase)).toEqual(['triage', 'containment']);
    const raise = w.decided[1]?.decisions.find((d) => d.step.id === 'raise-thresholds');
    expect(raise).toMatchObject({ met: true, reason: expect.stringContaining('the collector is enabled') });

    // Entering the phase again decides nothing twice.
    const again = await w.driver.enterPhase(incident, 'containment', by);
    expect((await w.store.timeline(again.id)).length).toBe(timeline.length);

    // Slack folds steps skipped by their condition into the phase's line ("not applicable");
    // Show all steps lists each with the same reason; the thread says the branch.
    const card = incidentCard(again, new Set(), { runbook: w.runbook });
    expect(JSON.stringify(card.blocks)).toMatch(/\d+ not applicable/);
    const all = JSON.stringify(allStepsModal(again, stepLine, w.runbook).blocks);
    expect(all).toContain('pin-previous-python');
    expect(all).toContain('check python-upgraded is ok');
    expect(
      card.blocks.some(
        (b) => b.type === 'section' && JSON.stringify(b).includes('Roll back to the previous'),
      ),
    ).toBe(false);
    const message = conditionsMessage('containment', w.decided[1]?.decisions ?? []);
    expect(message.text).toContain(
      'skipped pin-previous-python: when: not met: check python-upgraded is ok (not firing)',
    );
  });

  it('the collector switched off on one instance skips raising thresholds', async () => {
    const w = setup({ churn: 100, growth: 0, versions: 1, enabled: [1, 0] });
    const incident = await w.containment(await w.triage());
    expect(incident.steps.find((s) => s.id === 'raise-thresholds')?.reason).toBe(
      'when: not met: the collector is disabled',
    );
  });

  it('an upgrade to 3.13 takes the upgrade branch; on 3.11 the 3.12+ comparison is skipped', async () => {
    const newer = await setup({ churn: 10, growth: 0, versions: 2, python: '3.13.1' }).triage();
    expect(status(newer, 'upgrade-comparison')).toBe('pending');
    expect(status(newer, 'recent-changes')).toBe('skipped');
    const older = await setup({ churn: 10, growth: 0, versions: 2, python: '3.11.9' }).triage();
    expect(older.steps.find((s) => s.id === 'upgrade-comparison')?.reason).toBe(
      'when: not met: Python 3.11.9 is not >=3.12',
    );
  });

  it('a check with no verdict (its query failed) decides nothing: its steps stay for the person', async () => {
    const w = setup({ triageDown: true, growth: 0, versions: 1 });
    const incident = await w.triage();
    expect(status(incident, 'young-collection-churn')).toBe('failed');
    expect(status(incident, 'churn-allocation-sites')).toBe('pending');
    const churn = w.decided[0]?.decisions.find((d) => d.step.id === 'churn-allocation-sites');
    expect(churn).toMatchObject({
      met: undefined,
      reason: 'when: undecided: check young-collection-churn has no verdict yet',
    });
    // A verdict that decides alone still decides.
    expect(status(incident, 'old-generation-sources')).toBe('skipped');
  });
});
