/**
 * Follow-up items from Slack: the driver adds and changes them and plans their reminders
 * (src/core/incident/driver/followups.ts); this side says what changed in the thread.
 */
import type { FollowUpAdd } from '../../core/followups/plan.js';
import type { FollowUpChange } from '../../core/incident/driver/followups.js';
import { followUpLine } from '../blocks/followups.js';
import { noticeMessage } from '../blocks/step-output.js';
import type { SlackUser } from './deps.js';
import type { FlowRuntime } from './runtime.js';

export type { FollowUpChange } from '../../core/incident/driver/followups.js';

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
  const { outcome, item } = await rt.driver.addFollowUp(incidentId, add, user, idempotencyKey);
  if (!outcome.replayed)
    await rt
      .thread(outcome.incident, [
        noticeMessage(
          `📌 Follow-up added by <@${user.id}>\n${followUpLine(outcome.incident, item, rt.deps.clock.now())}`,
        ),
      ])
      .catch(() => {});
  return `${incidentId}/${item.id}`;
}

/** Done, won't do, snooze, reassign: the driver records it and its reminders follow; the thread says so. */
export async function changeFollowUp(
  rt: FlowRuntime,
  incidentId: string,
  itemId: string,
  change: FollowUpChange,
  user: SlackUser,
  idempotencyKey: string,
): Promise<string> {
  const { outcome, item } = await rt.driver.changeFollowUp(incidentId, itemId, change, user, idempotencyKey);
  const line = followUpLine(outcome.incident, item, rt.deps.clock.now());
  if (outcome.replayed) return line;
  const snoozed = item.snoozedUntil && change.snoozeMs ? ' (snoozed for a day)' : '';
  await rt.thread(outcome.incident, [noticeMessage(`📌 <@${user.id}>: ${line}${snoozed}`)]).catch(() => {});
  return line;
}
