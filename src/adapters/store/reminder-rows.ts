/** A reminders row as either driver returns it (SQLite: text; PostgreSQL: Date and JSONB). */
import type { ClaimedReminder, ReminderDelivery } from '../../core/ports.js';

export interface ReminderRow {
  readonly id: string;
  readonly incident_id: string;
  readonly item_id: string;
  readonly owner: string;
  readonly due_at: string | Date;
  readonly attempts: number;
  readonly delivery: string | ReminderDelivery;
}

export function reminderFromRow(row: ReminderRow): ClaimedReminder {
  return {
    id: row.id,
    incidentId: row.incident_id,
    itemId: row.item_id,
    owner: row.owner,
    dueAt: new Date(row.due_at),
    attempts: row.attempts,
    delivery:
      typeof row.delivery === 'string' ? (JSON.parse(row.delivery) as ReminderDelivery) : row.delivery,
  };
}
