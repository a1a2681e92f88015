/**
 * The Slack post queues in the SQLite store (tables slack_posts and slack_post_channels,
 * migration 5). Claims run in one write transaction, so two processes sharing the file never
 * drain the same channel at once.
 */
import type Database from 'better-sqlite3';
import type { PostBacklog, PostChannelClaim, PostQueueStore, QueuedPostRow } from '../../core/ports.js';
import { POST_COLUMNS, type PostRow, postFromRow } from './post-queue-rows.js';

export class SqlitePostQueue implements PostQueueStore {
  constructor(
    private readonly db: Database.Database,
    private readonly prepare: (sql: string) => Database.Statement,
    /** A write's result once it is on disk (the store's group commit: sqlite-group-commit.ts). */
    private readonly synced: <T>(value: T) => Promise<T>,
  ) {}

  async enqueuePost(
    post: {
      key: string;
      channel: string;
      kind: 'post' | 'update';
      body: string;
      incidentId?: string | undefined;
    },
    now: Date,
  ): Promise<QueuedPostRow> {
    const at = now.toISOString();
    return this.synced(
      this.db
        .transaction(() => {
          const insert = `INSERT INTO slack_posts (key, channel, kind, body, incident_id, queued_at) VALUES (?, ?, ?, ?, ?, ?)`;
          // An update replaces the body it waits with (coalescing) or queues again once sent; a row
          // queued again waits from now (what /healthz reports), one still pending keeps its age.
          const conflict =
            post.kind === 'update'
              ? `ON CONFLICT (key) DO UPDATE SET body = excluded.body, revision = revision + 1,
                 queued_at = CASE WHEN slack_posts.state = 'pending' THEN slack_posts.queued_at ELSE excluded.queued_at END,
             state = 'pending', attempts = 0, error = NULL, settled_at = NULL`
              : `ON CONFLICT (key) DO UPDATE SET channel = excluded.channel, body = excluded.body,
                 incident_id = excluded.incident_id, revision = slack_posts.revision + 1,
                 queued_at = CASE WHEN slack_posts.state = 'pending' THEN slack_posts.queued_at ELSE excluded.queued_at END,
             state = 'pending', attempts = 0, error = NULL, settled_at = NULL
               WHERE slack_posts.state = 'failed'`;
          this.prepare(`${insert} ${conflict}`).run(
            post.key,
            post.channel,
            post.kind,
            post.body,
            post.incidentId ?? null,
            at,
          );
          this.prepare(
            'INSERT INTO slack_post_channels (channel, next_at) VALUES (?, ?) ON CONFLICT (channel) DO NOTHING',
          ).run(post.channel, at);
          return postFromRow(
            this.prepare(`SELECT ${POST_COLUMNS} FROM slack_posts WHERE key = ?`).get(post.key) as PostRow,
          );
        })
        .immediate(),
    );
  }

  async claimPostChannels(
    now: Date,
    claimant: string,
    leaseMs: number,
    limit: number,
  ): Promise<PostChannelClaim[]> {
    const at = now.toISOString();
    const until = new Date(now.getTime() + leaseMs).toISOString();
    const claimed = this.db
      .transaction(() => {
        const rows = this.prepare(
          `SELECT c.channel, c.claimed_by FROM slack_post_channels c
           WHERE c.next_at <= ? AND (c.claimed_by IS NULL OR c.claimed_by = ? OR c.lease_until < ?)
             AND EXISTS (SELECT 1 FROM slack_posts p WHERE p.channel = c.channel AND p.state = 'pending')
           ORDER BY c.next_at LIMIT ?`,
        ).all(at, claimant, at, limit) as { channel: string; claimed_by: string | null }[];
        const claim = this.prepare(
          'UPDATE slack_post_channels SET claimed_by = ?, lease_until = ? WHERE channel = ?',
        );
        for (const row of rows) claim.run(claimant, until, row.channel);
        return rows.map((r) => ({
          channel: r.channel,
          takenOver: r.claimed_by !== null && r.claimed_by !== claimant,
        }));
      })
      .immediate();
    return claimed.length > 0 ? this.synced(claimed) : claimed;
  }

  async nextPost(channel: string): Promise<QueuedPostRow | undefined> {
    const row = this.prepare(
      `SELECT ${POST_COLUMNS} FROM slack_posts WHERE channel = ? AND state = 'pending'
       ORDER BY CASE kind WHEN 'update' THEN 0 ELSE 1 END, seq LIMIT 1`,
    ).get(channel) as PostRow | undefined;
    return row ? postFromRow(row) : undefined;
  }

  async settlePost(
    key: string,
    revision: number,
    outcome: { ts: string } | { error: string },
    now: Date,
    recentSends?: readonly number[],
  ): Promise<boolean> {
    const sent = 'ts' in outcome;
    return this.synced(
      this.db
        .transaction(() => {
          const settled =
            this.prepare(
              `UPDATE slack_posts SET state = ?, result_ts = COALESCE(?, result_ts), error = ?, settled_at = ?
             WHERE key = ? AND revision = ? AND state = 'pending'`,
            ).run(
              sent ? 'sent' : 'failed',
              sent ? outcome.ts : null,
              sent ? null : outcome.error,
              now.toISOString(),
              key,
              revision,
            ).changes === 1;
          if (settled && recentSends)
            this.prepare(
              'UPDATE slack_post_channels SET recent = ? WHERE channel = (SELECT channel FROM slack_posts WHERE key = ?)',
            ).run(JSON.stringify(recentSends), key);
          return settled;
        })
        .immediate(),
    );
  }

  async recentSends(channel: string): Promise<number[]> {
    const row = this.prepare('SELECT recent FROM slack_post_channels WHERE channel = ?').get(channel) as
      | { recent: string }
      | undefined;
    return row ? (JSON.parse(row.recent) as number[]) : [];
  }

  async countAttempt(key: string): Promise<number> {
    const row = this.prepare(
      'UPDATE slack_posts SET attempts = attempts + 1 WHERE key = ? RETURNING attempts',
    ).get(key) as { attempts: number } | undefined;
    return this.synced(row?.attempts ?? 0);
  }

  async deferChannel(channel: string, until: Date): Promise<void> {
    this.prepare('UPDATE slack_post_channels SET next_at = ? WHERE channel = ?').run(
      until.toISOString(),
      channel,
    );
    await this.synced(undefined);
  }

  async releasePostChannel(channel: string, claimant: string): Promise<void> {
    this.prepare(
      'UPDATE slack_post_channels SET claimed_by = NULL, lease_until = NULL WHERE channel = ? AND claimed_by = ?',
    ).run(channel, claimant);
    await this.synced(undefined);
  }

  async postByKey(key: string): Promise<QueuedPostRow | undefined> {
    const row = this.prepare(`SELECT ${POST_COLUMNS} FROM slack_posts WHERE key = ?`).get(key) as
      | PostRow
      | undefined;
    return row ? postFromRow(row) : undefined;
  }

  async pendingPosts(): Promise<number> {
    return (
      this.prepare(`SELECT count(*) AS n FROM slack_posts WHERE state = 'pending'`).get() as { n: number }
    ).n;
  }

  async postBacklog(limit: number): Promise<PostBacklog[]> {
    const rows = this.prepare(
      `SELECT p.channel AS channel, count(*) AS n, min(p.queued_at) AS oldest, max(c.next_at) AS next_at
         FROM slack_posts p LEFT JOIN slack_post_channels c ON c.channel = p.channel
        WHERE p.state = 'pending' GROUP BY p.channel ORDER BY oldest LIMIT ?`,
    ).all(limit) as { channel: string; n: number; oldest: string; next_at: string | null }[];
    return rows.map((r) => ({
      channel: r.channel,
      pending: r.n,
      oldestQueuedAt: new Date(r.oldest),
      nextAt: r.next_at ? new Date(r.next_at) : undefined,
    }));
  }

  async prunePosts(before: Date): Promise<number> {
    return this.synced(
      this.prepare(`DELETE FROM slack_posts WHERE state <> 'pending' AND settled_at < ?`).run(
        before.toISOString(),
      ).changes,
    );
  }
}
