/**
 * Opening an incident from Slack: the driver opens it, one process posts its card (under a
 * lease, so a retry never posts two), and detection begins in the background.
 */
import type { Incident } from '../../core/incident/model.js';
import type { LeasedWork } from '../../core/ports.js';
import type { StartRequest } from './deps.js';
import { placeIncident, settleCard } from './incident-channel.js';
import type { FlowRuntime } from './runtime.js';
import { enterPhaseLater } from './steps.js';

export async function start(rt: FlowRuntime, request: StartRequest): Promise<Incident> {
  const entry = rt.deps.runbooks.get(request.runbookId);
  const outcome = await rt.driver.open({
    runbook: entry.runbook,
    runbookVersion: entry.version,
    service: request.service,
    inputs: request.inputs,
    severity: request.severity as Incident['severity'] | undefined,
    commander: request.user.id,
    trigger: request.trigger,
    idempotencyKey: request.idempotencyKey,
  });
  let incident = outcome.incident;
  // A retried request whose first attempt already posted the card changes nothing.
  if (outcome.replayed && incident.card) return incident;
  // One process posts the card: a retry arriving while the first attempt still posts leaves it be.
  const lease = await rt.leases.holdCard(incident.id, request.channel, request.user);
  if (lease === false) return incident;
  try {
    // Opened by an earlier attempt (a retry, a replayed request): that attempt may have posted.
    // Its own channel when its severity asks for one (else, or when Slack refuses, a thread here).
    const placement = await placeIncident(rt, incident, request.channel);
    incident = await postCard(rt, incident.id, placement.channel, outcome.replayed);
    await settleCard(rt, incident, placement);
    if (request.summary?.trim()) {
      incident = (
        await rt.exec(incident.id, {
          type: 'add-note',
          text: `Summary: ${request.summary.trim()}`,
          actor: request.user.id,
          idempotencyKey: `${request.idempotencyKey}:summary`,
        })
      ).incident;
    }
  } finally {
    await rt.leases.release(lease);
  }
  enterPhaseLater(rt, incident.id, 'detection', request.user, incident);
  return incident;
}

/** `lookup`: a process that died may have posted it before recording it (see PostOptions). */
async function postCard(rt: FlowRuntime, incidentId: string, channel: string, lookup: boolean) {
  const current = await rt.deps.service.get(incidentId);
  if (current.card) return current;
  const posted = await rt.deps.slack.post(channel, rt.cards.render(current), undefined, {
    key: `card:${incidentId}`,
    lookup,
  });
  return (
    await rt.exec(incidentId, {
      type: 'record-card',
      channel: posted.channel,
      ts: posted.ts,
      actor: 'system',
    })
  ).incident;
}

/** An incident whose process died while posting its card: posted now (unless it was recorded), detection started. */
export async function finishCard(rt: FlowRuntime, work: LeasedWork): Promise<void> {
  const { incidentId, channel, user } = JSON.parse(work.body) as {
    incidentId: string;
    channel: string;
    user: string;
  };
  const before = await rt.deps.store.load(incidentId);
  if (!before || before.card) return;
  const posted = await postCard(rt, incidentId, channel, true);
  enterPhaseLater(rt, incidentId, 'detection', { id: user }, posted);
}
