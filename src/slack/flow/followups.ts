/** Follow-up items from Slack: added, changed (done, won't do, snoozed, reassigned), their reminders kept in step. */
import { GcIncidentError } from '../../core/errors.js';
import { type FollowUpAdd, remindersFor, snoozedReminder } from '../../core/followups/plan.js';
import { followUpLine } from '../blocks/followups.js';
import { noticeMessage } from '../blocks/step-output.js';
import type { SlackUser } from './deps.js';
import type { FlowRuntime } from './runtime.js';

export interface FollowUpChange {
  status?: 'done' | 'wont-do';
  reason?: string;
  owner?: string | undefined;
  snoozeMs?: number;
}

/** The runbook's follow-up items become tracked items with owners, due dates and reminders. */
export async function createRunbookFollowUps(rt: FlowRuntime, incidentId: string, user: SlackUser) {
  await rt.driver.createFollowUps(await rt.deps.service.get(incidentId), user);
}

/** Adds an item with its reminders; its reference (INCIDENT/ITEM). */
export async function addFollowUp(
  rt: FlowRuntime,
  incidentId: string,
  add: FollowUpAdd,
  user: SlackUser,
  idempotencyKey: string,
): Promise<string> {
  const now = rt.deps.clock.now();
  const outcome = await rt.exec(incidentId, {
    type: 'add-followup',
    title: add.title,
    owner: add.owner,
    dueAt: new Date(now.getTime() + add.dueMs).toISOString(),
    followUpType: add.type,
    actor: user.id,
    idempotencyKey,
  });
  const item = outcome.incident.followUps.at(-1);
  if (!item) throw new GcIncidentError('STEP_NOT_FOUND', 'the follow-up was not recorded');
  for (const r of remindersFor(outcome.incident, item, now)) await rt.deps.store.scheduleReminder(r);
  if (!outcome.replayed)
    await rt
      .thread(outcome.incident, [
        noticeMessage(`📌 Follow-up added by <@${user.id}>\n${followUpLine(outcome.incident, item, now)}`),
      ])
      .catch(() => {});
  return `${incidentId}/${item.id}`;
}

/** Done, won't do, snooze, reassign: the item changes on the timeline and its reminders follow. */
export async function changeFollowUp(
  rt: FlowRuntime,
  incidentId: string,
  itemId: string,
  change: FollowUpChange,
  user: SlackUser,
  idempotencyKey: string,
): Promise<string> {
  const now = rt.deps.clock.now();
  const outcome = await rt.exec(incidentId, {
    type: 'update-followup',
    itemId,
    change: {
      ...(change.status ? { status: change.status } : {}),
      ...(change.reason ? { reason: change.reason } : {}),
      ...(change.owner ? { owner: change.owner } : {}),
      ...(change.snoozeMs ? { snoozedUntil: new Date(now.getTime() + change.snoozeMs).toISOString() } : {}),
    },
    actor: user.id,
    idempotencyKey,
  });
  const item = outcome.incident.followUps.find((f) => f.id === itemId);
  if (!item) throw new GcIncidentError('STEP_NOT_FOUND', `no follow-up ${itemId} in ${incidentId}`);
  if (outcome.replayed) return followUpLine(outcome.incident, item, now);
  await rt.deps.store.cancelReminders(incidentId, itemId, now);
  if (item.status === 'open') {
    const reminders = change.snoozeMs
      ? [snoozedReminder(outcome.incident, item, now, change.snoozeMs)]
      : remindersFor(outcome.incident, item, now);
    for (const r of reminders) await rt.deps.store.scheduleReminder(r);
  }
  await rt
    .thread(outcome.incident, [
      noticeMessage(
        `📌 <@${user.id}>: ${followUpLine(outcome.incident, item, now)}${item.snoozedUntil && change.snoozeMs ? ' (snoozed for a day)' : ''}`,
      ),
    ])
    .catch(() => {});
  await rt.cards.refresh(incidentId, outcome.incident);
  return followUpLine(outcome.incident, item, now);
}
