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
    title: request.title,
    cause: request.cause,
  });
  // A retried request whose first attempt already posted the card changes nothing.
  if (outcome.replayed && outcome.incident.card) return outcome.incident;
  return ensureCard(rt, outcome.incident, request.channel, request.user, outcome.replayed, request);
}

/** ensureCard's posting, after its lease is held: now, or in the background (`request.cardLater`). */
function postHeld(
  rt: FlowRuntime,
  work: () => Promise<Incident>,
  opened: Incident,
  later: StartRequest['cardLater'],
): Promise<Incident> {
  if (!later) return work();
  rt.tasks.run(`card ${opened.id}`, async () => {
    const posted = await work();
    if (later !== true) await later(posted);
  });
  return Promise.resolve(opened);
}

/**
 * Posts the incident's card unless it is posted, then starts detection. One process posts it:
 * a retry arriving while the first attempt still posts leaves it be. `lookup`: an earlier
 * attempt (a retry, a replayed request) may have posted it before recording it.
 */
export async function ensureCard(
  rt: FlowRuntime,
  opened: Incident,
  channel: string,
  user: StartRequest['user'],
  lookup = true,
  request?: StartRequest,
): Promise<Incident> {
  let incident = opened;
  const lease = await rt.leases.holdCard(incident.id, channel, user);
  if (lease === false) return incident;
  const held = lease;
  return postHeld(rt, () => postUnderLease(), opened, request?.cardLater);
  async function postUnderLease(): Promise<Incident> {
    try {
      // Its own channel when its severity asks for one (else, or when Slack refuses, a thread here).
      const placement = await placeIncident(rt, incident, channel);
      incident = await postCard(rt, incident.id, placement.channel, lookup);
      await settleCard(rt, incident, placement);
      if (request?.summary?.trim()) {
        const text = `Summary: ${request.summary.trim()}`;
        const key = `${request.idempotencyKey}:summary`;
        incident = (await rt.driver.addNote(incident, text, request.user, key)).incident;
      }
    } finally {
      await rt.leases.release(held);
    }
    enterPhaseLater(rt, incident.id, 'detection', user, incident);
    return incident;
  }
}

/** `lookup`: a process that died may have posted it before recording it (see PostOptions). */
async function postCard(rt: FlowRuntime, incidentId: string, channel: string, lookup: boolean) {
  const current = await rt.deps.service.get(incidentId);
  if (current.card) return current;
  const posted = await rt.deps.slack.post(channel, rt.cards.render(current), undefined, {
    key: `card:${incidentId}`,
    lookup,
  });
  return (await rt.driver.recordCard(incidentId, posted)).incident;
}

/** An incident whose process died while placing or posting its card: placed and posted now (unless recorded), detection started. */
export async function finishCard(rt: FlowRuntime, work: LeasedWork): Promise<void> {
  const { incidentId, channel, user } = JSON.parse(work.body) as {
    incidentId: string;
    channel: string;
    user: string;
  };
  const before = await rt.deps.store.load(incidentId);
  if (!before || before.card) return;
  // Its own channel too: the dead process may have made it without recording it (adopted then).
  const placement = await placeIncident(rt, before, channel);
  const posted = await postCard(rt, incidentId, placement.channel, true);
  await settleCard(rt, posted, placement);
  enterPhaseLater(rt, incidentId, 'detection', { id: user }, posted);
}
