/**
 * Nothing claimed without evidence, one outage said once: the driver with scripted ports and a
 * datasource that is down, then back. Skipped checks never read "done"; verification closed
 * without metrics only by a person saying how; the outage is one record with a start and an end.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SqliteStore } from '../../src/adapters/store/sqlite-store.js';
import { GcIncidentError } from '../../src/core/errors.js';
import { describeEvent } from '../../src/core/incident/describe-event.js';
import { IncidentDriver } from '../../src/core/incident/driver/driver.js';
import type { Answer, Decision, Narrator } from '../../src/core/incident/driver/ports.js';
import { walkIncident } from '../../src/core/incident/driver/walk.js';
import type { Incident } from '../../src/core/incident/model.js';
import { nextFor, verificationVerdict } from '../../src/core/incident/progress.js';
import { IncidentService } from '../../src/core/incident/service.js';
import type { MetricsClient } from '../../src/core/ports.js';
import { buildPostmortem } from '../../src/core/postmortem/build.js';
import { renderMarkdown } from '../../src/core/postmortem/render-markdown.js';
import { formatIncident } from '../../src/format/incident.js';
import { incidentCard } from '../../src/slack/blocks/card.js';
import type { SlackMessage } from '../../src/slack/blocks/common.js';
import { nextAction } from '../../src/slack/blocks/next-action.js';
import { slackEventText, statusMessage } from '../../src/slack/blocks/replies.js';
import { ACTION } from '../../src/slack/ids.js';
import { FakeClock, shippedRunbook } from '../helpers/engine.js';

const RUNBOOK = 'gc-thrash-allocation-churn';
const by = { id: 'U0CMD' };

function setup(answers?: (d: Decision) => Answer | undefined) {
  const store = new SqliteStore(join(mkdtempSync(join(tmpdir(), 'gc-evidence-')), 'gc.db'));
  const clock = new FakeClock();
  const state = { down: true };
  const said: string[] = [];
  const asked: Decision[] = [];
  const refuse = () => {
    throw new GcIncidentError('METRICS_UNREACHABLE', 'connection refused', { datasource: 'default' });
  };
  const metrics: MetricsClient = {
    instant: async () => (state.down ? refuse() : [{ labels: {}, value: 10 }]),
    range: async (_d, _q, start, end) => {
      if (state.down) refuse();
      const points: [number, number][] = [];
      for (let t = start.getTime(); t <= end.getTime(); t += 60_000) points.push([t / 1000, 10]);
      return [{ labels: {}, points }];
    },
  };
  const narrator = new Proxy({} as Narrator, {
    get: (_t, name: string) => () => {
      said.push(name);
      return Promise.resolve();
    },
  });
  const runbook = shippedRunbook(RUNBOOK);
  const driver = new IncidentDriver({
    service: new IncidentService(store, clock),
    runbookOf: () => ({ runbook, file: join('runbooks', `${RUNBOOK}.yaml`) }),
    narrator,
    decisions: {
      ask: async (_i, d) => {
        asked.push(d);
        return answers?.(d);
      },
    },
    caps: { metrics, simulate: async () => ({ summary: {}, results: [] }) },
    clock,
    sleep: async (ms) => clock.advance(ms),
  });
  const open = async () => {
    await store.migrate();
    return (await driver.open({ runbook, runbookVersion: 'v', inputs: { job: 'api' }, commander: 'U0CMD' }))
      .incident;
  };
  return { store, driver, said, asked, open, state };
}

/** To verification with Prometheus down and every metric step skipped; people's steps done. */
async function toVerification(s: ReturnType<typeof setup>): Promise<Incident> {
  let incident = await s.driver.enterPhase(await s.open(), 'detection', by);
  incident = await s.driver.answerUnavailable(incident, 'skip', 'default', by);
  for (const phase of ['triage', 'containment', 'verification'] as const) {
    incident = (await s.driver.advance(incident, by)).incident;
    incident = await s.driver.enterPhase(incident, phase, by);
    for (const step of incident.steps.filter((x) => x.phase === phase && x.status === 'pending'))
      if (phase !== 'verification') incident = await s.driver.skip(incident, step.id, by, 'not needed here');
  }
  return incident;
}

const cardText = (m: SlackMessage) => JSON.stringify(m.blocks);

describe('skipped is not done', () => {
  it('detection and verification skipped for an outage never read "done"; the next action is to verify by hand', async () => {
    const s = setup();
    let incident = await s.driver.enterPhase(await s.open(), 'detection', by);
    incident = await s.driver.answerUnavailable(incident, 'skip', 'default', by);
    // Every check and query skipped, marked as skipped for the outage (it may run once it is back).
    expect(
      incident.steps.filter((x) => x.kind === 'check' || x.kind === 'query').map((x) => x.skippedForOutage),
    ).toEqual(expect.arrayContaining(['default']));
    const detection = nextAction(incident).sentence;
    expect(detection).toContain('Detection skipped: *not checked*');
    expect(detection).not.toMatch(/done/i);
    incident = await toVerification(s);
    expect(verificationVerdict(incident)).toEqual({ kind: 'skipped', outage: 'default' });
    expect(nextFor(incident).kind).toBe('verify-by-hand');
    const sentence = nextAction(incident).sentence;
    expect(sentence).toContain('Verification skipped: *not verified*');
    expect(sentence).not.toMatch(/verification (done|held|holds)/i);
    const card = incidentCard(incident);
    const primary = card.blocks
      .flatMap((b) => (b.type === 'actions' ? b.elements : []))
      .filter((e) => (e as { style?: string }).style === 'primary');
    expect(primary.map((e) => (e as { action_id: string }).action_id)).toEqual([ACTION.verifyByHand]);
    expect(cardText(card)).not.toContain('Verification done');
  });

  it('verified by hand needs a note, and is recorded and shown as such', async () => {
    const s = setup();
    const early = await s.driver.enterPhase(await s.open(), 'detection', by);
    await expect(s.driver.verifyByHand(early, 'looked fine', by)).rejects.toMatchObject({
      code: 'ILLEGAL_TRANSITION',
      details: { reason: 'not-verifying' },
    });
    let incident = await toVerification(s);
    for (const note of ['', '   '])
      await expect(s.driver.verifyByHand(incident, note, { id: 'U0BOB' })).rejects.toMatchObject({
        code: 'ILLEGAL_TRANSITION',
        details: { reason: 'no-note' },
      });
    await expect(s.driver.verifyByHand(incident, 'x'.repeat(1001), by)).rejects.toMatchObject({
      details: { reason: 'note-too-long' },
    });
    incident = await s.driver.verifyByHand(incident, ' checked in Grafana: p99 back to 4 ms ', {
      id: 'U0BOB',
    });
    expect(incident.verifiedByHand).toMatchObject({
      by: 'U0BOB',
      note: 'checked in Grafana: p99 back to 4 ms',
    });
    expect(verificationVerdict(incident).kind).toBe('by-hand');
    expect(s.said).toContain('verifiedByHand');
    const events = await s.store.timeline(incident.id);
    const manual = events.filter((e) => e.type === 'verification.by-hand');
    expect(manual).toHaveLength(1);
    expect(describeEvent(manual[0] as (typeof events)[number])).toBe(
      'verified by hand by U0BOB: checked in Grafana: p99 back to 4 ms',
    );
    expect(nextAction(incident).sentence).toBe('Verified by hand: mark the incident *Resolved*');
    // The checks themselves stay skipped: nothing measured them.
    expect(incident.steps.filter((x) => x.phase === 'verification').map((x) => x.status)).toEqual([
      'skipped',
    ]);
  });

  it('the terminal walk asks a person to verify by hand, and leaves it unverified without a note', async () => {
    const vouched = setup((d) =>
      d.kind === 'metrics-unavailable'
        ? { choice: 'skip' }
        : d.kind === 'verify-by-hand'
          ? { choice: 'yes', reason: 'p99 back to 4 ms in Grafana' }
          : d.kind === 'manual'
            ? { choice: 'skip', reason: 'not needed' }
            : { choice: 'yes' },
    );
    const walked = await walkIncident(vouched.driver, await vouched.open(), by);
    expect(vouched.asked.filter((d) => d.kind === 'verify-by-hand')).toHaveLength(1);
    expect(walked.verifiedByHand?.note).toBe('p99 back to 4 ms in Grafana');
    const silent = setup((d) =>
      d.kind === 'metrics-unavailable'
        ? { choice: 'skip' }
        : d.kind === 'verify-by-hand'
          ? { choice: 'no' }
          : { choice: 'skip', reason: 'x' },
    );
    const left = await walkIncident(silent.driver, await silent.open(), by);
    expect(left.verifiedByHand).toBeUndefined();
    expect(verificationVerdict(left).kind).toBe('skipped');
  });
});

describe('one outage, one record', () => {
  it('is recorded and said once however many batches meet it, then ends when the datasource answers', async () => {
    const s = setup();
    let incident = await s.driver.enterPhase(await s.open(), 'detection', by);
    // Retry while still down: asked again, but the outage is not recorded or said again.
    incident = await s.driver.answerUnavailable(incident, 'retry', 'default', by);
    incident = await s.driver.answerUnavailable(incident, 'retry', 'default', by);
    const firsts = s.asked.map((d) => (d.kind === 'metrics-unavailable' ? d.firstSeen : null));
    expect(firsts).toEqual([true, false, false]);
    expect(s.said.filter((x) => x === 'metricsUnavailable')).toHaveLength(1);
    expect(incident.outages).toHaveLength(1);
    expect(nextFor(incident).kind).toBe('outage');
    const card = incidentCard(incident);
    expect(card.blocks.filter((b) => b.block_id === 'outage')).toHaveLength(1);
    const primary = card.blocks
      .flatMap((b) => (b.type === 'actions' ? b.elements : []))
      .filter((e) => (e as { style?: string }).style === 'primary');
    expect(primary.map((e) => (e as { action_id: string }).action_id)).toEqual([ACTION.skipMetrics]);
    incident = await s.driver.answerUnavailable(incident, 'skip', 'default', by);
    // Back: Retry probes it, the outage ends, and the skipped checks are offered (then run).
    s.state.down = false;
    incident = await s.driver.answerUnavailable(incident, 'retry', 'default', by);
    expect(incident.outages?.[0]?.until).toBeDefined();
    expect(s.said).toContain('datasourceRecovered');
    expect(nextFor(incident).kind).toBe('rerun-skipped');
    expect(cardText(incidentCard(incident))).toContain('is back');
    incident = await s.driver.answerUnavailable(incident, 'rerun', 'default', by);
    expect(incident.steps.filter((x) => x.phase === 'detection').map((x) => x.status)).toEqual([
      'done',
      'done',
    ]);
    const events = await s.store.timeline(incident.id);
    expect(events.filter((e) => e.type === 'datasource.unavailable')).toHaveLength(1);
    expect(events.filter((e) => e.type === 'datasource.recovered')).toHaveLength(1);
  });

  it('skipped metric steps fold into one line per phase on the card', async () => {
    const s = setup();
    const incident = await toVerification(s);
    const context = cardText(incidentCard(incident));
    expect(context.match(/metric steps? skipped/g)?.length).toBe(3);
    // The backend's error is not repeated under each step.
    expect(context).not.toContain('connection refused');
  });
});

describe('the postmortem says what was checked', () => {
  const readers = { names: { U0CMD: 'Alice Martin', U0BOB: 'Bob Chen' } };
  async function exported(s: ReturnType<typeof setup>, incident: Incident) {
    const timeline = await s.store.timeline(incident.id);
    const pm = buildPostmortem(incident, timeline, {
      generatedAt: '2026-11-20T19:00:00.000Z',
      runbook: shippedRunbook(RUNBOOK),
    });
    return { pm, md: renderMarkdown(pm, readers) };
  }

  it('verified by hand: the impact window ends there, named; the outage is one row with its start and end', async () => {
    const s = setup();
    let incident = await toVerification(s);
    incident = await s.driver.verifyByHand(incident, 'checked in Grafana: p99 back to 4 ms', { id: 'U0BOB' });
    s.state.down = false;
    incident = await s.driver.answerUnavailable(incident, 'retry', 'default', by);
    incident = (await s.driver.setStatus(incident, 'resolved', by)).incident;
    const { pm, md } = await exported(s, incident);
    expect(pm.verificationOutcome).toMatchObject({ how: 'by-hand', by: 'U0BOB' });
    expect(pm.outages).toHaveLength(1);
    expect(pm.outages[0]?.until).not.toBeNull();
    expect(md).toContain('from the opening (detection not checked) to verified by hand by Bob Chen.');
    expect(md).toContain(
      '**Verification:** verified by hand by Bob Chen: checked in Grafana: p99 back to 4 ms',
    );
    expect(md).toMatch(/\*\*Outage:\*\* datasource 'default' unreachable .* → .*\(/);
    expect(md).toContain('| Status | resolved (verified by hand) |');
    // One row for the batch of skipped steps, not one per step; the error not repeated per step.
    expect(md.match(/metric steps? skipped: datasource 'default' unreachable \(not checked\)/g)).toHaveLength(
      1,
    );
    // Above the raw event log (the appendix), the error is said by the outage line and its first failure.
    const read = md.split('## Appendix')[0] ?? '';
    expect(read.match(/connection refused/g)?.length).toBeLessThanOrEqual(3);
    expect(md).not.toMatch(/U0BOB|U0CMD|\de\+\d|\d\d:\d\d:\d\d\.\d{3}/);
  });

  it('resolved without verification says so: status unverified, the window ends at "resolved unverified"', async () => {
    const s = setup();
    let incident = await toVerification(s);
    incident = (await s.driver.setStatus(incident, 'resolved', by)).incident;
    const { pm, md } = await exported(s, incident);
    expect(pm.verificationOutcome.how).toBe('unverified');
    expect(md).toContain('to resolved unverified.');
    expect(md).toContain('| Status | resolved (unverified) |');
    expect(md).toContain('**Verification:** **not verified**');
    expect(md).not.toContain('verification held');
  });
});

describe('status says "unverified" where true, on both surfaces', () => {
  it('Slack status and the terminal show the verdict; events name people and use date tokens', async () => {
    const s = setup();
    let incident = await toVerification(s);
    incident = (await s.driver.setStatus(incident, 'resolved', by)).incident;
    const timeline = await s.store.timeline(incident.id);
    const slack = JSON.stringify(statusMessage(incident, timeline).blocks);
    expect(slack).toContain('resolved (unverified)');
    expect(slack).not.toMatch(/\d\d:\d\d:\d\d\.\d{3}Z/);
    // Ids in event texts become mentions (Slack shows names), never bare ids.
    expect(slackEventText('commander U0ALICE001 → U0BOB00001, due 2026-12-01T10:00:00.000Z')).toBe(
      'commander <@U0ALICE001> → <@U0BOB00001>, due <!date^1796119200^{date_short_pretty} {time}|2026-12-01 10:00 UTC>',
    );
    const terminal = formatIncident(incident, timeline);
    expect(terminal).toContain('status resolved (unverified)');
    expect(terminal).toContain(
      "verification not verified: its checks were skipped (datasource 'default' unreachable)",
    );
    expect(terminal).not.toMatch(/\.\d{3}Z/);
    incident = await s.driver.verifyByHand(incident, 'p99 back to 4 ms', by);
    expect(formatIncident(incident, timeline)).toContain('status resolved (verified by hand)');
  });
});
