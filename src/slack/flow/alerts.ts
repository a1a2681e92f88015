/**
 * Alertmanager's notifications in Slack: the driver decides by cause (attach, relapse, open);
 * this side opens the incident with its card when told to, and says "resolved" in the thread.
 */
import { type AlertGroupPlan, arrivalOf } from '../../core/alerts/alertmanager.js';
import { DEFAULT_RELAPSE_WINDOW_MS } from '../../core/alerts/cause.js';
import { ALERT_TRIGGER, DEFAULT_FLEET, fleetCause } from '../../core/alerts/fleet.js';
import { GcIncidentError } from '../../core/errors.js';
import type { FiringOutcome } from '../../core/incident/driver/alerts.js';
import type { Incident } from '../../core/incident/model.js';
import { fleetAnnouncement } from '../blocks/fleet-table.js';
import { noticeMessage } from '../blocks/step-output.js';
import { userMessage } from '../error-text.js';
import { escapeMrkdwn } from '../escape-mrkdwn.js';
import { ALERTMANAGER, type SlackUser } from './deps.js';
import { ensureCard, start } from './open-incident.js';
import type { FlowRuntime } from './runtime.js';
import { enterPhaseLater, verify } from './steps.js';

/**
 * A firing alert group: one incident per cause. In the runbook's channel or the configured
 * default; an incident whose card an earlier attempt did not post gets it now.
 */
export async function startFromAlert(
  rt: FlowRuntime,
  plan: AlertGroupPlan,
  fallbackChannel: string | undefined,
  /** Runs once a card opened by this notification is posted (it is posted in the background). */
  afterCard?: (incident: Incident) => Promise<void>,
): Promise<FiringOutcome> {
  const channel = plan.runbook.metadata.owner.slackChannel || fallbackChannel;
  if (!channel) {
    throw new GcIncidentError(
      'CONFIG_INVALID',
      `runbook ${plan.runbook.metadata.id} names no Slack channel and ALERTMANAGER_CHANNEL is not set`,
      { variable: 'ALERTMANAGER_CHANNEL' },
    );
  }
  const user = { id: ALERTMANAGER };
  const first = plan.alerts.find((a) => a.status === 'firing') ?? plan.alerts[0];
  const summary = first?.annotations.summary ?? first?.labels.alertname ?? 'alert';
  const runbook = plan.runbook.metadata;
  const outcome = await rt.driver.alertFiring(
    arrivalOf(plan),
    user,
    rt.deps.alertPolicy ?? { relapseWindowMs: DEFAULT_RELAPSE_WINDOW_MS, fleet: DEFAULT_FLEET },
    async ({ key, fleet }) => {
      const earlier = await rt.deps.store.findIdempotent(key);
      const incident = await start(rt, {
        runbookId: runbook.id,
        service: fleet ? 'fleet' : plan.service,
        inputs: plan.inputs,
        channel,
        user,
        trigger: `${ALERT_TRIGGER}${summary}${first?.generatorURL ? ` (${first.generatorURL})` : ''}`,
        idempotencyKey: key,
        ...(fleet ? { title: `Fleet: ${runbook.title}`.slice(0, 150), cause: fleetCause(runbook.id) } : {}),
        // The webhook answers once the store has the incident; the card follows at the channel's pace.
        cardLater: fleet
          ? async (posted) => announceFleet(rt, channel, (await rt.deps.store.load(posted.id)) ?? posted)
          : (afterCard ?? true),
      });
      return { incident, opened: earlier === undefined };
    },
  );
  if (outcome.kind === 'fleet-opened' && outcome.incident.card)
    rt.tasks.track(announceFleet(rt, channel, outcome.incident));
  if (outcome.incident.card || outcome.kind === 'opened') return outcome;
  // Opened by an attempt that stopped before posting its card (another replica may be posting it now).
  return { ...outcome, incident: await ensureCard(rt, outcome.incident, channel, user) };
}

/** Said once in the channel, whichever replica opened it (a keyed post finds an earlier one). */
async function announceFleet(rt: FlowRuntime, channel: string, incident: Incident): Promise<void> {
  if (!incident.card) return;
  const n = incident.fleet?.members.length ?? 0;
  await rt.deps.slack
    .post(channel, fleetAnnouncement(incident, n), undefined, {
      key: `fleet:${incident.id}:announced`,
      lookup: true,
    })
    .catch(() => {});
}

/** A resolved notification: the alerts leave the incident; once none fires, verification starts. */
export async function alertResolved(rt: FlowRuntime, plan: AlertGroupPlan): Promise<Incident | undefined> {
  const user = { id: ALERTMANAGER };
  const left = await rt.driver.alertsResolved(arrivalOf(plan), user);
  if (!left?.allResolved) return left?.incident;
  const endsAt = plan.alerts
    .map((a) => a.endsAt)
    .sort()
    .at(-1);
  const noted = await rt.driver.addNote(
    left.incident,
    `Alertmanager: ${plan.alerts[0]?.labels.alertname ?? 'the alert'} resolved at ${endsAt}`,
    user,
    `${plan.key}:resolved`,
  );
  if (noted.replayed) return noted.incident;
  const incident = noted.incident;
  // Thread notices follow at the channel's posting pace; the webhook does not wait for them.
  rt.tasks.track(
    rt.thread(incident, [noticeMessage(`🔕 Alertmanager says the alert resolved at ${endsAt}.`)]),
  );
  if (incident.phase === 'containment') {
    try {
      // The driver advances (and the narrator redraws the card); verification begins in the background.
      const advanced = await rt.driver.advance(incident, user, `${plan.key}:verify`, 'verification');
      enterPhaseLater(rt, incident.id, 'verification', user, advanced.incident);
    } catch (error) {
      rt.tasks.track(
        rt.thread(incident, [noticeMessage(`Verification not started: ${escapeMrkdwn(userMessage(error))}`)]),
      );
    }
  } else if (incident.phase === 'verification') {
    await verify(rt, incident.id, user, `${plan.key}:verify`).catch(() => {});
  }
  return incident;
}

/** A person splits a service out of a fleet incident: its own incident and card, in the fleet's channel. */
export async function splitFromFleet(
  rt: FlowRuntime,
  fleetId: string,
  service: string,
  user: SlackUser,
): Promise<{ fleet: Incident; incident: Incident }> {
  const fleet = await rt.deps.service.get(fleetId);
  const channel = fleet.card?.channel ?? rt.runbookOf(fleet).runbook.metadata.owner.slackChannel;
  return rt.driver.splitFromFleet(fleet, service, user, async (member) => {
    if (member.incidentId) return rt.deps.service.get(member.incidentId);
    return start(rt, {
      runbookId: fleet.runbookId,
      service: member.service,
      inputs: member.inputs ?? {},
      channel,
      user,
      trigger: `split out of fleet incident ${fleet.id}`,
      idempotencyKey: `fleet:${fleet.id}:split:${member.cause}`,
    });
  });
}
