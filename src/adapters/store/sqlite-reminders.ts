/**
 * Follow-up reminders in the SQLite store (table reminders, migration 2),
 * claimed under a lease in one write transaction, so two processes sharing the
 * file never claim the same row. Each write is synced before it is answered.
 */
import type Database from 'better-sqlite3';
import type { ClaimedReminder, ReminderDelivery, ReminderRequest } from '../../core/ports.js';
import { type ReminderRow, reminderFromRow } from './reminder-rows.js';

export class SqliteReminders {
  constructor(
    private readonly db: Database.Database,
    private readonly prepare: (sql: string) => Database.Statement,
    /** A write's result once it is on disk (synced on the event loop, like synchronous=FULL). */
    private readonly synced: <T>(value: T) => T,
  ) {}

  async scheduleReminder(r: ReminderRequest): Promise<void> {
    this.prepare(
      // Scheduling again revives a cancelled row with the same id (a snooze landing on a cancelled time).
      `INSERT INTO reminders (id, incident_id, item_id, owner, due_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET cancelled_at = NULL, owner = excluded.owner WHERE reminders.sent_at IS NULL`,
    ).run(r.id, r.incidentId, r.itemId, r.owner, r.dueAt.toISOString());
    this.synced(undefined);
  }

  async claimDueReminders(
    now: Date,
    claimant: string,
    leaseMs: number,
    limit: number,
  ): Promise<ClaimedReminder[]> {
    const at = now.toISOString();
    const until = new Date(now.getTime() + leaseMs).toISOString();
    // One write transaction: SQLite lets one writer in at a time, so two processes never claim the same row.
    const claimed = this.db
      .transaction(() => {
        const rows = this.prepare(
          `SELECT id, incident_id, item_id, owner, due_at, attempts, delivery FROM reminders
           WHERE sent_at IS NULL AND cancelled_at IS NULL AND due_at <= ? AND (lease_until IS NULL OR lease_until < ?)
           ORDER BY due_at LIMIT ?`,
        ).all(at, at, limit) as ReminderRow[];
        const claim = this.prepare(
          'UPDATE reminders SET claimed_by = ?, lease_until = ?, attempts = attempts + 1 WHERE id = ?',
        );
        for (const row of rows) claim.run(claimant, until, row.id);
        return rows.map((row) => reminderFromRow({ ...row, attempts: row.attempts + 1 }));
      })
      .immediate();
    return claimed.length > 0 ? this.synced(claimed) : claimed;
  }

  async recordDelivery(id: string, claimant: string, delivery: ReminderDelivery): Promise<boolean> {
    return this.synced(
      this.prepare(
        'UPDATE reminders SET delivery = ? WHERE id = ? AND claimed_by = ? AND sent_at IS NULL',
      ).run(JSON.stringify(delivery), id, claimant).changes === 1,
    );
  }

  async markSent(id: string, claimant: string, now: Date): Promise<boolean> {
    return this.synced(
      this.prepare(
        'UPDATE reminders SET sent_at = ?, lease_until = NULL WHERE id = ? AND claimed_by = ? AND sent_at IS NULL',
      ).run(now.toISOString(), id, claimant).changes === 1,
    );
  }

  async cancelReminders(incidentId: string, itemId: string, now: Date): Promise<number> {
    return this.synced(
      this.prepare(
        'UPDATE reminders SET cancelled_at = ? WHERE incident_id = ? AND item_id = ? AND sent_at IS NULL AND cancelled_at IS NULL',
      ).run(now.toISOString(), incidentId, itemId).changes,
    );
  }

  async pendingReminders(dueBy?: Date): Promise<number> {
    const row = this.prepare(
      'SELECT count(*) AS n FROM reminders WHERE sent_at IS NULL AND cancelled_at IS NULL AND due_at <= ?',
    ).get(dueBy ? dueBy.toISOString() : '9999-12-31T23:59:59.999Z') as { n: number };
    return row.n;
  }
}
