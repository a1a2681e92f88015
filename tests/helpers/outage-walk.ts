import { unavailableReason } from '../../src/core/incident/driver/policy.js';
import type { IncidentService } from '../../src/core/incident/service.js';
import { type StateChange, stateChangeMessage } from '../../src/slack/blocks/broadcast.js';
import { incidentCard } from '../../src/slack/blocks/card.js';
import { cardContext } from '../../src/slack/blocks/card-context.js';
import type { SlackMessage } from '../../src/slack/blocks/common.js';
import {
  metricStepsSkippedMessage,
  metricsUnavailableMessage,
} from '../../src/slack/blocks/metrics-unavailable.js';
import { ALICE, BOB, type Frame, LINKS } from './card-walk.js';
import { FULL_COLLECTION_RUNBOOK, openFullCollectionIncident } from './full-collection-incident.js';

export const OUTAGE_RUNBOOK = FULL_COLLECTION_RUNBOOK;
const MESSAGE = 'Prometheus at http://prometheus:9090 did not answer: connection refused (ECONNREFUSED)';
export const BY_HAND = 'checked in Grafana: p99 full-collection pause back to 4 ms for 15 min';

export async function outageWalk(): Promise<Frame[]> {
  const opened = await openFullCollectionIncident('outage', '2026-11-20T17:52:00.000Z');
  const { store, clock, service, entry } = opened;
  let incident = opened.incident;
  const id = incident.id;
  const frames: Frame[] = [];
  let thread: { message: SlackMessage; broadcast?: boolean }[] = [];
  const run = async (minutes: number, command: Parameters<IncidentService['execute']>[1]) => {
    clock.advance(minutes * 60_000);
    incident = (await service.execute(id, command)).incident;
    return incident;
  };
  const broadcast = (change: StateChange, actor: string) =>
    thread.push({ message: stateChangeMessage(incident, change, actor, clock.now()), broadcast: true });
  const frame = (name: string, caption: string) => {
    const card = incidentCard(incident, new Set(), cardContext(incident, entry, LINKS, clock.now()));
    frames.push({ name, caption, card, thread, incident });
    thread = [];
  };

  // Detection's first check cannot reach Prometheus: the outage is recorded once, said once.
  await run(0, { type: 'start-step', stepId: 'full-collection-pauses', actor: 'system' });
  await run(0, { type: 'fail-step', stepId: 'full-collection-pauses', actor: 'system', error: MESSAGE });
  await run(0, { type: 'record-outage', datasource: 'default', message: MESSAGE, actor: 'system' });
  thread.push({ message: metricsUnavailableMessage(id, 'default', MESSAGE) });
  frame('down-01-unreachable', 'Prometheus down: one banner, Skip metric steps is the green button');

  // Skip metric steps: every check and query, recorded as skipped because of the outage.
  const metric = incident.steps.filter(
    (s) => (s.kind === 'check' || s.kind === 'query') && (s.status === 'pending' || s.status === 'failed'),
  );
  clock.advance(60_000);
  for (const s of metric)
    await run(0, {
      type: 'skip-step',
      stepId: s.id,
      actor: ALICE,
      reason: unavailableReason('default', MESSAGE),
      outage: 'default',
    });
  thread.push({ message: metricStepsSkippedMessage(metric, 'default', MESSAGE) });
  frame('down-02-skipped', 'Metric steps skipped: detection reads "skipped: not checked", never "done"');

  await run(1, { type: 'advance-phase', actor: ALICE });
  broadcast({ kind: 'phase', phase: 'triage' }, ALICE);
  await run(0, { type: 'join', actor: BOB });
  frame('down-03-triage', 'Triage while Prometheus is down: the people steps, metric steps folded');

  for (const s of incident.steps.filter((x) => x.phase === 'triage' && x.status === 'pending'))
    await run(0, {
      type: 'skip-step',
      stepId: s.id,
      actor: BOB,
      reason: 'not needed: the pauses match the heap growth',
    });
  await run(1, { type: 'advance-phase', actor: ALICE });
  broadcast({ kind: 'phase', phase: 'containment' }, ALICE);
  await run(2, { type: 'complete-step', stepId: 'freeze-after-startup', actor: ALICE });
  frame('down-04-contained', 'Contained: Mitigated is the green button');

  await run(1, { type: 'set-status', status: 'mitigated', actor: ALICE });
  broadcast({ kind: 'status', status: 'mitigated' }, ALICE);
  await run(0, { type: 'advance-phase', actor: ALICE });
  broadcast({ kind: 'phase', phase: 'verification' }, ALICE);
  frame(
    'down-05-unverified',
    'Verification measured nothing: "not verified", Verified by hand is the green button',
  );

  await run(15, { type: 'verify-by-hand', note: BY_HAND, actor: BOB });
  broadcast({ kind: 'verified-by-hand', note: BY_HAND }, BOB);
  frame('down-06-by-hand', 'Verified by hand by Bob, with how: Resolved is next');

  await run(1, { type: 'set-status', status: 'resolved', actor: ALICE });
  broadcast({ kind: 'status', status: 'resolved' }, ALICE);
  await run(20, { type: 'record-recovery', datasource: 'default', actor: ALICE });
  frame('down-07-back', 'Prometheus back: the banner says so and offers to run the skipped checks');
  await store.close();
  return frames;
}
