/**
 * Follow-up items as every surface changes them: the runbook's items created when the
 * follow-up phase begins, an item added by hand, an item done, won't do, snoozed or handed
 * to someone else. Each is one command on the timeline; its reminders follow (reminders.ts).
 * The surface says what changed (Slack: a line in the thread).
 */
import { GcIncidentError } from '../../errors.js';
import { type FollowUpAdd, runbookFollowUps } from '../../followups/plan.js';
import type { FollowUp, Incident } from '../model.js';
import type { CommandOutcome } from '../service.js';
import { type DriverDeps, execById, execOn } from './context.js';
import type { Person } from './ports.js';
import { planReminders, replanReminders } from './reminders.js';

/** What a person changes on an item; `snoozeMs`: remind once after this long instead. */
export interface FollowUpChange {
  status?: 'done' | 'wont-do';
  reason?: string;
  owner?: string | undefined;
  snoozeMs?: number;
}

export interface FollowUpOutcome {
  readonly outcome: CommandOutcome;
  readonly item: FollowUp;
}

/** The runbook's follow-up items become tracked items with owners, due dates and reminders. */
export async function createFollowUps(deps: DriverDeps, incident: Incident, by: Person): Promise<Incident> {
  const { runbook } = deps.runbookOf(incident);
  let current = incident;
  for (const command of runbookFollowUps(runbook, current, deps.clock.now(), by.id))
    current = (await execOn(deps, current, command)).incident;
  for (const item of current.followUps) {
    const offsets = runbook.followUp.items.find((i) => i.id === item.stepId)?.reminders ?? [];
    await planReminders(deps, current, item, offsets);
  }
  if (current.followUps.length > 0) await deps.narrator.followUpsCreated(current);
  await deps.narrator.changed(current);
  return current;
}

/** An item added by hand (`followup add`), with its reminders (none planned again on a replay). */
export async function addFollowUp(
  deps: DriverDeps,
  incidentId: string,
  add: FollowUpAdd,
  by: Person,
  key: string,
): Promise<FollowUpOutcome> {
  const now = deps.clock.now();
  const outcome = await execById(deps, incidentId, {
    type: 'add-followup',
    title: add.title,
    owner: add.owner,
    dueAt: new Date(now.getTime() + add.dueMs).toISOString(),
    followUpType: add.type,
    actor: by.id,
    idempotencyKey: key,
  });
  const item = outcome.incident.followUps.at(-1);
  if (!item) throw new GcIncidentError('STEP_NOT_FOUND', 'the follow-up was not recorded');
  if (!outcome.replayed) await planReminders(deps, outcome.incident, item);
  return { outcome, item };
}

/** Done, won't do, snooze, reassign: the item changes on the timeline and its reminders follow. */
export async function changeFollowUp(
  deps: DriverDeps,
  incidentId: string,
  itemId: string,
  change: FollowUpChange,
  by: Person,
  key: string,
): Promise<FollowUpOutcome> {
  const now = deps.clock.now();
  const outcome = await execById(deps, incidentId, {
    type: 'update-followup',
    itemId,
    change: {
      ...(change.status ? { status: change.status } : {}),
      ...(change.reason ? { reason: change.reason } : {}),
      ...(change.owner ? { owner: change.owner } : {}),
      ...(change.snoozeMs ? { snoozedUntil: new Date(now.getTime() + change.snoozeMs).toISOString() } : {}),
    },
    actor: by.id,
    idempotencyKey: key,
  });
  const item = outcome.incident.followUps.find((f) => f.id === itemId);
  if (!item) throw new GcIncidentError('STEP_NOT_FOUND', `no follow-up ${itemId} in ${incidentId}`);
  if (outcome.replayed) return { outcome, item };
  await replanReminders(deps, outcome.incident, item, change.snoozeMs);
  await deps.narrator.changed(outcome.incident);
  return { outcome, item };
}
