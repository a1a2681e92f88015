/**
 * Follow-up items and their reminders, as pure functions: which items the
 * runbook's follow-up phase creates (owners resolved from roles), when each
 * is reminded, and the ad-hoc `followup add` syntax.
 */
import { parseDuration } from '../duration.js';
import type { IncidentCommand } from '../incident/commands.js';
import type { Actor, FollowUp, FollowUpType, Incident } from '../incident/model.js';
import { holderOf, type IncidentRole, roleName } from '../incident/roles.js';
import type { ReminderRequest } from '../ports.js';
import type { FollowUpItem, Runbook } from '../runbook/types.js';

const DAY = 24 * 3600 * 1000;
export const FOLLOW_UP_TYPES: readonly FollowUpType[] = [
  'prevent',
  'mitigate',
  'detect',
  'process',
  'test',
  'docs',
];

/**
 * Who owns a runbook item: a named user, or whoever holds the role now. An unassigned role
 * (no service owner yet) gives the item to the commander, and the item says so.
 */
export function ownerOf(
  item: FollowUpItem,
  incident: Incident,
): { owner: Actor; role?: IncidentRole | undefined; unassigned: boolean } {
  if (typeof item.owner === 'object' && 'user' in item.owner)
    return { owner: item.owner.user, unassigned: false };
  const role = roleName(item.owner);
  const holder = holderOf(incident, role);
  return { owner: holder.person, role, unassigned: holder.fallback };
}

/** The add-followup commands for the runbook's items not created yet. */
export function runbookFollowUps(
  runbook: Runbook,
  incident: Incident,
  now: Date,
  actor: Actor,
): IncidentCommand[] {
  const existing = new Set((incident.followUps ?? []).map((f) => f.stepId));
  return runbook.followUp.items
    .filter((item) => !existing.has(item.id))
    .map((item) => {
      const due = parseDuration(item.due);
      const owner = ownerOf(item, incident);
      return {
        type: 'add-followup' as const,
        title: item.title,
        owner: owner.owner,
        ...(owner.role ? { ownerRole: owner.role } : {}),
        ...(owner.unassigned ? { roleUnassigned: true } : {}),
        dueAt: new Date(now.getTime() + (due.ok ? due.ms : 7 * DAY)).toISOString(),
        followUpType: item.type,
        stepId: item.id,
        actor,
        idempotencyKey: `followup:${incident.id}:${item.id}`,
      };
    });
}

/** The reminder of an item at one time; its id makes scheduling it twice add one row. */
function reminderAt(incident: Incident, item: FollowUp, at: Date): ReminderRequest {
  return {
    id: reminderId(incident.id, item.id, at),
    incidentId: incident.id,
    itemId: item.id,
    owner: item.owner,
    dueAt: at,
  };
}

export function reminderId(incidentId: string, itemId: string, at: Date): string {
  return `${incidentId}/${itemId}/${at.toISOString()}`;
}

/**
 * When an open item is reminded: each `reminders` offset before its due date (from the runbook),
 * and the due date itself. Times already past collapse into one reminder now, not one per
 * missed time.
 */
export function remindersFor(
  incident: Incident,
  item: FollowUp,
  now: Date,
  offsets: readonly string[] = [],
): ReminderRequest[] {
  if (item.status !== 'open') return [];
  const due = new Date(item.dueAt);
  const times = new Set<number>([due.getTime()]);
  for (const offset of offsets) {
    const d = parseDuration(offset);
    if (d.ok) times.add(due.getTime() - d.ms);
  }
  const future = [...times].filter((t) => t > now.getTime());
  const pastOnes = [...times].filter((t) => t <= now.getTime());
  const at = [...future, ...(pastOnes.length > 0 ? [now.getTime()] : [])].sort((a, b) => a - b);
  return at.map((t) => reminderAt(incident, item, new Date(t)));
}

/** After a reminder went out, an item past due is reminded again a day later, until it is closed. */
export function nextOverdueReminder(
  incident: Incident,
  item: FollowUp,
  sentAt: Date,
): ReminderRequest | undefined {
  if (item.status !== 'open' || Date.parse(item.dueAt) > sentAt.getTime()) return undefined;
  return reminderAt(incident, item, new Date(sentAt.getTime() + DAY));
}

export function snoozedReminder(incident: Incident, item: FollowUp, now: Date, ms = DAY): ReminderRequest {
  return reminderAt(incident, item, new Date(now.getTime() + ms));
}

export interface FollowUpAdd {
  readonly owner: Actor;
  readonly title: string;
  readonly dueMs: number;
  readonly type: FollowUpType;
}
