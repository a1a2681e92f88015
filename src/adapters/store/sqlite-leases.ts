/**
 * The SQLite store's leased work (src/adapters/leases/work-leases.ts): a row is
 * held before a Slack request is acknowledged, so holds go through the group
 * commit (sqlite-group-commit.ts); finished rows are deleted in batches without
 * waiting for a sync (a delete lost in a crash only makes the finished work be
 * replayed, which changes nothing).
 */
import type Database from 'better-sqlite3';
import type { LeasedWork } from '../../core/ports.js';
import { type LeasedWorkRow, leasedWorkFromRow } from './leased-work-rows.js';
import type { WalGroupCommit } from './sqlite-group-commit.js';

export class SqliteLeases {
  constructor(
    private readonly db: Database.Database,
    private readonly prepare: (sql: string) => Database.Statement,
    private readonly group: WalGroupCommit | undefined,
  ) {}

  async hold(
    work: { key: string; kind: string; body: string },
    claimant: string,
    now: Date,
    leaseMs: number,
  ): Promise<boolean> {
    const insert = () =>
      this.prepare(
        `INSERT INTO leased_work (key, kind, body, claimed_by, lease_until, held_since) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (key) DO NOTHING`,
      ).run(
        work.key,
        work.kind,
        work.body,
        claimant,
        new Date(now.getTime() + leaseMs).toISOString(),
        now.toISOString(),
      ).changes === 1;
    const held = insert();
    return this.group ? this.group.synced(held) : held;
  }

  async renew(keys: readonly string[], claimant: string, now: Date, leaseMs: number): Promise<void> {
    const until = new Date(now.getTime() + leaseMs).toISOString();
    const renew = this.prepare('UPDATE leased_work SET lease_until = ? WHERE key = ? AND claimed_by = ?');
    this.db.transaction(() => {
      for (const key of keys) renew.run(until, key, claimant);
    })();
    await this.group?.durable();
  }

  async release(keys: readonly string[]): Promise<void> {
    if (keys.length === 0) return;
    const remove = this.prepare('DELETE FROM leased_work WHERE key = ?');
    const write = this.db.transaction(() => {
      for (const key of keys) remove.run(key);
    });
    // Not waited on: a delete lost in a crash leaves finished work to be replayed, which changes nothing.
    write.immediate();
  }

  async claimExpired(now: Date, claimant: string, leaseMs: number, limit: number): Promise<LeasedWork[]> {
    const at = now.toISOString();
    const until = new Date(now.getTime() + leaseMs).toISOString();
    // One write transaction: two processes never take over the same row.
    const claim = this.db.transaction(() => {
      const rows = this.prepare(
        'SELECT key, kind, body, held_since, attempts FROM leased_work WHERE lease_until < ? ORDER BY held_since LIMIT ?',
      ).all(at, limit) as LeasedWorkRow[];
      const update = this.prepare(
        'UPDATE leased_work SET claimed_by = ?, lease_until = ?, attempts = attempts + 1 WHERE key = ?',
      );
      for (const row of rows) update.run(claimant, until, row.key);
      return rows.map((row) => leasedWorkFromRow({ ...row, attempts: row.attempts + 1 }));
    });
    const taken = claim.immediate();
    return this.group && taken.length > 0 ? this.group.synced(taken) : taken;
  }

  async heldWork(): Promise<number> {
    return (this.prepare('SELECT count(*) AS n FROM leased_work').get() as { n: number }).n;
  }
}
