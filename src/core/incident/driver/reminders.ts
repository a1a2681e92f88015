/**
 * Follow-up reminders, planned in one place for every surface: when an item is created (the
 * runbook's offsets before its due date, and the due date), when it changes (done, won't do,
 * snoozed, reassigned: its pending reminders are cancelled and planned again), and when a role
 * moves its items to a new owner. The times come from src/core/followups/plan.ts; the store
 * is reached through the driver's capabilities (a surface without reminders has none).
 */
import { remindersFor, snoozedReminder } from '../../followups/plan.js';
import type { FollowUp, Incident } from '../model.js';
import type { CommandOutcome } from '../service.js';
import type { DriverDeps } from './context.js';

/** A new item's reminders; `offsets`: the runbook item's `reminders` (none for an ad-hoc item). */
export async function planReminders(
  deps: DriverDeps,
  incident: Incident,
  item: FollowUp,
  offsets: readonly string[] = [],
): Promise<void> {
  const schedule = deps.caps.reminders;
  if (!schedule) return;
  for (const r of remindersFor(incident, item, deps.clock.now(), offsets)) await schedule(r);
}

/** An item changed: what was pending is cancelled; an open item is reminded again (once, when snoozed). */
export async function replanReminders(
  deps: DriverDeps,
  incident: Incident,
  item: FollowUp,
  snoozeMs?: number,
): Promise<void> {
  const now = deps.clock.now();
  await deps.caps.cancelReminders?.(incident.id, item.id, now);
  if (item.status !== 'open') return;
  if (snoozeMs) await deps.caps.reminders?.(snoozedReminder(incident, item, now, snoozeMs));
  else await planReminders(deps, incident, item);
}

/** Follow-ups that moved with a role (assigned, taken back): their reminders go to the new owner. */
export async function moveRemindersWithRoles(deps: DriverDeps, outcome: CommandOutcome): Promise<void> {
  if (outcome.replayed) return;
  for (const moved of outcome.events.filter((e) => e.type === 'followup.changed')) {
    const item = outcome.incident.followUps.find((f) => f.id === moved.data.itemId);
    if (item) await replanReminders(deps, outcome.incident, item);
  }
}
