/**
 * A whole incident as Slack shows it, frame by frame: the card and the thread
 * messages of each state of a scripted walk (thrash runbook), including Prometheus
 * down at the start and a relapse during verification. The input of the card golden
 * files and of `npm run preview:slack`. Fixed times; pure renderers only.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../../src/adapters/store/sqlite-store.js';
import type { CheckEvaluation } from '../../src/core/checks/evaluate.js';
import type { Incident } from '../../src/core/incident/model.js';
import { IncidentService } from '../../src/core/incident/service.js';
import { allChecks } from '../../src/core/runbook/types.js';
import { type StateChange, stateChangeMessage } from '../../src/slack/blocks/broadcast.js';
import { incidentCard } from '../../src/slack/blocks/card.js';
import { cardContext } from '../../src/slack/blocks/card-context.js';
import { checkBatchMessages } from '../../src/slack/blocks/check-batch.js';
import type { SlackMessage } from '../../src/slack/blocks/common.js';
import { failureMessage } from '../../src/slack/blocks/step-output.js';
import { FakeClock, shippedRunbook } from './engine.js';
import { RUNBOOKS_DIR } from './runbooks.js';

export const WALK_RUNBOOK = 'gc-thrash-allocation-churn';
export const ALICE = 'U0ALICE001';
export const BOB = 'U0BOB00001';
/** The containment action gc-incident runs itself (an HTTP action) in this walk. */
export const RUNNABLE = new Set(['raise-young-threshold']);
export const LINKS = {
  runbookBaseUrl: 'https://github.com/acme/gc-runbooks/blob/main/runbooks',
  dashboardUrlTemplate: 'https://grafana.example/d/python-gc?var-job={job}&from={from}&to={to}',
};

export interface Frame {
  /** File-name friendly: golden files and PNGs are named after it. */
  readonly name: string;
  /** What an on-call engineer is looking at. */
  readonly caption: string;
  readonly card: SlackMessage;
  /** Messages posted in the card's thread since the previous frame; `broadcast` ones also reach the channel. */
  readonly thread: readonly { message: SlackMessage; broadcast?: boolean }[];
  readonly incident: Incident;
}

const UNREACHABLE =
  "datasource 'default' (http://prometheus:9090) is unreachable: connection refused. Check PROMETHEUS_URL, then click Run again.";

export async function cardWalk(): Promise<Frame[]> {
  const store = new SqliteStore(join(mkdtempSync(join(tmpdir(), 'gc-incident-walk-')), 'gc.db'));
  await store.migrate();
  const clock = new FakeClock(Date.parse('2026-11-20T02:07:00.000Z'));
  const service = new IncidentService(store, clock);
  const runbook = shippedRunbook(WALK_RUNBOOK);
  const entry = { runbook, file: join(RUNBOOKS_DIR, `${WALK_RUNBOOK}.yaml`) };
  const { incident: opened } = await service.open({
    runbook,
    runbookVersion: 'sha256:5f0c2d8e',
    service: 'checkout-api',
    inputs: { job: 'checkout', window: '5m' },
    commander: ALICE,
    trigger: 'alert PythonGCThrash',
  });
  const id = opened.id;
  let incident = opened;
  const frames: Frame[] = [];
  let thread: { message: SlackMessage; broadcast?: boolean }[] = [];
  const run = async (minutes: number, command: Parameters<IncidentService['execute']>[1]) => {
    clock.advance(minutes * 60_000);
    incident = (await service.execute(id, command)).incident;
    return incident;
  };
  const post = (...messages: SlackMessage[]) => thread.push(...messages.map((message) => ({ message })));
  const broadcast = (change: StateChange, actor: string) =>
    thread.push({ message: stateChangeMessage(incident, change, actor, clock.now()), broadcast: true });
  const frame = (name: string, caption: string) => {
    const card = incidentCard(incident, RUNNABLE, cardContext(incident, entry, LINKS, clock.now()));
    frames.push({ name, caption, card, thread, incident });
    thread = [];
  };
  const evaluation = (
    stepId: string,
    operator: CheckEvaluation['operator'],
    threshold: number,
    value: number,
    outcome: CheckEvaluation['outcome'],
  ): CheckEvaluation => ({
    query: `max(rate(python_gc_collections_total{job="checkout",generation="0"}[5m]))${stepId === 'cpu-busy' ? ' /* cpu */' : ''}`,
    datasource: 'default',
    at: clock.now().toISOString(),
    operator,
    threshold,
    reduce: 'max',
    value,
    series: [{ labels: { instance: 'checkout-7f9c:8000', job: 'checkout' }, value }],
    outcome,
    reason: `max ${value} ${operator} ${threshold}`,
  });
  const step = (stepId: string) => incident.steps.find((s) => s.id === stepId) ?? incident.steps[0];
  const checkOf = (stepId: string) => allChecks(runbook).find((c) => c.id === stepId);

  frame('01-opened', 'The card as it opens: detection checks about to run');

  for (const stepId of ['young-collection-rate', 'cpu-busy']) {
    await run(0, { type: 'start-step', stepId, actor: 'system' });
    await run(0, { type: 'fail-step', stepId, actor: 'system', error: UNREACHABLE });
  }
  await run(0, { type: 'record-outage', datasource: 'default', message: UNREACHABLE, actor: 'system' });
  post(failureMessage(step('young-collection-rate') as never, UNREACHABLE));
  frame('02-prometheus-down', 'Prometheus is down: the checks failed, the card says what to do');

  await run(3, { type: 'start-step', stepId: 'young-collection-rate', actor: ALICE });
  await run(0, { type: 'record-recovery', datasource: 'default', actor: ALICE });
  const young = evaluation('young-collection-rate', '>', 50, 612, 'holds');
  await run(0, { type: 'complete-step', stepId: 'young-collection-rate', actor: ALICE, result: young });
  await run(0, { type: 'start-step', stepId: 'cpu-busy', actor: ALICE });
  const cpu = evaluation('cpu-busy', '>', 0.7, 0.93, 'holds');
  await run(0, { type: 'complete-step', stepId: 'cpu-busy', actor: ALICE, result: cpu });
  post(
    ...checkBatchMessages([
      {
        step: step('young-collection-rate') as never,
        evaluation: young,
        check: checkOf('young-collection-rate'),
      },
      { step: step('cpu-busy') as never, evaluation: cpu, check: checkOf('cpu-busy') },
    ]),
  );
  frame('03-detected', 'Both detection checks hold: the symptom is there');

  await run(1, { type: 'advance-phase', actor: ALICE });
  broadcast({ kind: 'phase', phase: 'triage' }, ALICE);
  await run(0, { type: 'join', actor: BOB });
  await run(1, { type: 'start-step', stepId: 'collections-per-request', actor: BOB });
  await run(0, {
    type: 'complete-step',
    stepId: 'collections-per-request',
    actor: BOB,
    result: { query: 'q', datasource: 'default', at: clock.now().toISOString(), series: [] },
  });
  frame('04-triage', 'Triage: the next step is the simulation');

  for (const stepId of ['simulate-churn', 'profile', 'allocation-hotspots']) {
    const s = step(stepId);
    if (s?.status !== 'pending' || s.phase !== 'triage') continue;
    await run(1, { type: 'skip-step', stepId, actor: BOB, reason: 'done outside the walk' });
  }
  await run(1, { type: 'advance-phase', actor: ALICE });
  broadcast({ kind: 'phase', phase: 'containment' }, ALICE);
  frame('05-containment', 'Containment: run the HTTP action that raises the threshold');

  await run(1, { type: 'start-step', stepId: 'raise-young-threshold', actor: ALICE });
  await run(0, {
    type: 'complete-step',
    stepId: 'raise-young-threshold',
    actor: ALICE,
    result: { ok: true, status: 200 },
  });
  await run(1, { type: 'set-status', status: 'mitigated', actor: ALICE });
  broadcast({ kind: 'status', status: 'mitigated' }, ALICE);
  frame('06-contained', 'Contained: start verification');

  await run(0, { type: 'advance-phase', actor: ALICE });
  broadcast({ kind: 'phase', phase: 'verification' }, ALICE);
  await run(0, { type: 'start-step', stepId: 'young-collections-ok', actor: ALICE });
  frame('07-verifying', 'Verification running: nothing to click, wait');

  const relapse = evaluation('young-collections-ok', '<=', 50, 388, 'does-not-hold');
  await run(10, {
    type: 'fail-step',
    stepId: 'young-collections-ok',
    actor: ALICE,
    error: 'deadline passed: held for 2 min of the 10 min needed',
    result: { ...relapse, verdict: 'deadline', heldMs: 120_000 },
  });
  post(
    ...checkBatchMessages(
      [
        {
          step: step('young-collections-ok') as never,
          evaluation: relapse,
          check: checkOf('young-collections-ok'),
        },
      ],
      '❌ *Verification deadline passed*: the checks held for only 2 min of 10 min; the incident is open again.',
    ),
  );
  frame('08-relapse', 'Relapse: collections came back, verification failed');

  await run(2, { type: 'start-step', stepId: 'young-collections-ok', actor: ALICE });
  const ok = evaluation('young-collections-ok', '<=', 50, 8.1, 'holds');
  await run(10, {
    type: 'complete-step',
    stepId: 'young-collections-ok',
    actor: ALICE,
    result: { ...ok, verdict: 'stable', heldMs: 600_000 },
  });
  post(
    ...checkBatchMessages(
      [
        {
          step: step('young-collections-ok') as never,
          evaluation: ok,
          check: checkOf('young-collections-ok'),
        },
      ],
      '✅ *Verification passed*: stable for 10 min after 21 check(s). Mark the incident resolved when you agree.',
    ),
  );
  frame('09-verified', 'Verification holds: Resolved is the next action');

  await run(1, { type: 'set-status', status: 'resolved', actor: ALICE });
  broadcast({ kind: 'status', status: 'resolved' }, ALICE);
  frame('10-resolved', 'Resolved: follow-ups, then Close');

  await run(60, { type: 'set-status', status: 'closed', actor: ALICE });
  broadcast({ kind: 'status', status: 'closed' }, ALICE);
  frame('11-closed', 'Closed: no buttons left');
  await store.close();
  return frames;
}
