/** Alertmanager's notifications: a firing group opens its incident once; a resolved one starts verification. */
import type { AlertGroupPlan } from '../../core/alerts/alertmanager.js';
import { GcIncidentError } from '../../core/errors.js';
import type { Incident } from '../../core/incident/model.js';
import { escapeMrkdwn } from '../../core/text/escape-mrkdwn.js';
import { noticeMessage } from '../blocks/step-output.js';
import { userMessage } from '../error-text.js';
import { ALERTMANAGER } from './deps.js';
import { start } from './open-incident.js';
import type { FlowRuntime } from './runtime.js';
import { enterPhaseLater, verify } from './steps.js';

/**
 * A firing alert group: opens the incident once per group, runbook and episode (a repeated
 * notification replays the first), in the runbook's channel or the configured default.
 */
export async function startFromAlert(
  rt: FlowRuntime,
  plan: AlertGroupPlan,
  fallbackChannel: string | undefined,
): Promise<{ incident: Incident; opened: boolean }> {
  const existing = await rt.deps.store.findIdempotent(plan.key);
  if (existing) {
    const incident = await rt.deps.service.get(existing.incidentId);
    // Without a card, the first attempt stopped between opening and posting: start() finishes it.
    if (incident.card) return { incident, opened: false };
  }
  const channel = plan.runbook.metadata.owner.slackChannel || fallbackChannel;
  if (!channel) {
    throw new GcIncidentError(
      'CONFIG_INVALID',
      `runbook ${plan.runbook.metadata.id} names no Slack channel and ALERTMANAGER_CHANNEL is not set`,
      { variable: 'ALERTMANAGER_CHANNEL' },
    );
  }
  const first = plan.alerts[0];
  const summary = first?.annotations.summary ?? first?.labels.alertname ?? 'alert';
  const incident = await start(rt, {
    runbookId: plan.runbook.metadata.id,
    service: plan.service,
    inputs: plan.inputs,
    channel,
    user: { id: ALERTMANAGER },
    trigger: `Alertmanager: ${summary}${first?.generatorURL ? ` (${first.generatorURL})` : ''}`,
    summary: plan.alerts.length > 1 ? `${plan.alerts.length} alerts in the group` : undefined,
    idempotencyKey: plan.key,
  });
  return { incident, opened: existing === undefined };
}

/** A resolved notification: noted on the timeline; past containment, verification starts. */
export async function alertResolved(rt: FlowRuntime, plan: AlertGroupPlan): Promise<Incident | undefined> {
  const existing = await rt.deps.store.findIdempotent(plan.key);
  if (!existing) return undefined;
  const endsAt = plan.alerts
    .map((a) => a.endsAt)
    .sort()
    .at(-1);
  const noted = await rt.exec(existing.incidentId, {
    type: 'add-note',
    text: `Alertmanager: ${plan.alerts[0]?.labels.alertname ?? 'the alert'} resolved at ${endsAt}`,
    actor: ALERTMANAGER,
    idempotencyKey: `${plan.key}:resolved`,
  });
  if (noted.replayed) return noted.incident;
  const incident = noted.incident;
  await rt
    .thread(incident, [noticeMessage(`🔕 Alertmanager says the alert resolved at ${endsAt}.`)])
    .catch(() => {});
  const user = { id: ALERTMANAGER };
  if (incident.phase === 'containment') {
    try {
      const advanced = await rt.exec(incident.id, {
        type: 'advance-phase',
        to: 'verification',
        actor: ALERTMANAGER,
        idempotencyKey: `${plan.key}:verify`,
      });
      await rt.cards.refresh(incident.id, advanced.incident);
      enterPhaseLater(rt, incident.id, 'verification', user, advanced.incident);
    } catch (error) {
      await rt
        .thread(incident, [noticeMessage(`Verification not started: ${escapeMrkdwn(userMessage(error))}`)])
        .catch(() => {});
    }
  } else if (incident.phase === 'verification') {
    await verify(rt, incident.id, user, `${plan.key}:verify`).catch(() => {});
  }
  return incident;
}
