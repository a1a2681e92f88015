/**
 * The Slack post queues in the PostgreSQL store (migration 5). Channel claims use
 * FOR UPDATE SKIP LOCKED: replicas claiming at the same moment take different channels, so one
 * replica at a time drains a channel and its pace holds whatever the number of replicas.
 */
import type pg from 'pg';
import type { PostBacklog, PostChannelClaim, PostQueueStore, QueuedPostRow } from '../../core/ports.js';
import { POST_COLUMNS, type PostRow, postFromRow } from './post-queue-rows.js';

type Query = <R extends pg.QueryResultRow>(sql: string, params?: unknown[]) => Promise<pg.QueryResult<R>>;

export class PostgresPostQueue implements PostQueueStore {
  constructor(private readonly query: Query) {}

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
    // One statement: the row, the channel's row, and the row as it now stands. A row queued again
    // waits from now (what /healthz reports); one still pending keeps its age.
    const conflict =
      post.kind === 'update'
        ? `ON CONFLICT (key) DO UPDATE SET body = excluded.body, revision = slack_posts.revision + 1,
             queued_at = CASE WHEN slack_posts.state = 'pending' THEN slack_posts.queued_at ELSE excluded.queued_at END,
             state = 'pending', attempts = 0, error = NULL, settled_at = NULL`
        : `ON CONFLICT (key) DO UPDATE SET channel = excluded.channel, body = excluded.body,
                 incident_id = excluded.incident_id, revision = slack_posts.revision + 1,
                 queued_at = CASE WHEN slack_posts.state = 'pending' THEN slack_posts.queued_at ELSE excluded.queued_at END,
             state = 'pending', attempts = 0, error = NULL, settled_at = NULL
               WHERE slack_posts.state = 'failed'`;
    const { rows } = await this.query<PostRow>(
      `WITH ch AS (
         INSERT INTO slack_post_channels (channel, next_at) VALUES ($2, $6) ON CONFLICT (channel) DO NOTHING),
       ins AS (
         INSERT INTO slack_posts (key, channel, kind, body, incident_id, queued_at) VALUES ($1, $2, $3, $4, $5, $6)
         ${conflict} RETURNING ${POST_COLUMNS})
       SELECT ${POST_COLUMNS} FROM ins
       UNION ALL SELECT ${POST_COLUMNS} FROM slack_posts WHERE key = $1 AND NOT EXISTS (SELECT 1 FROM ins)`,
      [post.key, post.channel, post.kind, post.body, post.incidentId ?? null, now],
    );
    if (rows[0]) return postFromRow(rows[0]);
    // Another enqueue of the same key committed after this statement's snapshot: read it now.
    const stored = await this.postByKey(post.key);
    if (!stored) throw new Error(`slack post ${post.key} vanished while enqueued`);
    return stored;
  }

  async claimPostChannels(
    now: Date,
    claimant: string,
    leaseMs: number,
    limit: number,
  ): Promise<PostChannelClaim[]> {
    const { rows } = await this.query<{ channel: string; before: string | null }>(
      `WITH free AS (
         SELECT c.channel, c.claimed_by AS before FROM slack_post_channels c
         WHERE c.next_at <= $1 AND (c.claimed_by IS NULL OR c.claimed_by = $2 OR c.lease_until < $1)
           AND EXISTS (SELECT 1 FROM slack_posts p WHERE p.channel = c.channel AND p.state = 'pending')
         ORDER BY c.next_at LIMIT $4 FOR UPDATE SKIP LOCKED)
       UPDATE slack_post_channels c SET claimed_by = $2, lease_until = $3
       FROM free WHERE c.channel = free.channel RETURNING c.channel, free.before`,
      [now, claimant, new Date(now.getTime() + leaseMs), limit],
    );
    return rows.map((r) => ({ channel: r.channel, takenOver: r.before !== null && r.before !== claimant }));
  }

  async nextPost(channel: string): Promise<QueuedPostRow | undefined> {
    const { rows } = await this.query<PostRow>(
      `SELECT ${POST_COLUMNS} FROM slack_posts WHERE channel = $1 AND state = 'pending'
       ORDER BY CASE kind WHEN 'update' THEN 0 ELSE 1 END, seq LIMIT 1`,
      [channel],
    );
    return rows[0] ? postFromRow(rows[0]) : undefined;
  }

  async settlePost(
    key: string,
    revision: number,
    outcome: { ts: string } | { error: string },
    now: Date,
    recentSends?: readonly number[],
  ): Promise<boolean> {
    const sent = 'ts' in outcome;
    // One statement: the post, and the channel's recent sends when given.
    const { rows } = await this.query<{ channel: string }>(
      `WITH settled AS (
         UPDATE slack_posts SET state = $1, result_ts = COALESCE($2, result_ts), error = $3, settled_at = $4
         WHERE key = $5 AND revision = $6 AND state = 'pending' RETURNING channel),
       ch AS (
         UPDATE slack_post_channels c SET recent = $7 FROM settled
         WHERE $7::text IS NOT NULL AND c.channel = settled.channel)
       SELECT channel FROM settled`,
      [
        sent ? 'sent' : 'failed',
        sent ? outcome.ts : null,
        sent ? null : outcome.error,
        now,
        key,
        revision,
        recentSends ? JSON.stringify(recentSends) : null,
      ],
    );
    return rows.length === 1;
  }

  async recentSends(channel: string): Promise<number[]> {
    const { rows } = await this.query<{ recent: string }>(
      'SELECT recent FROM slack_post_channels WHERE channel = $1',
      [channel],
    );
    return rows[0] ? (JSON.parse(rows[0].recent) as number[]) : [];
  }

  async countAttempt(key: string): Promise<number> {
    const { rows } = await this.query<{ attempts: number }>(
      'UPDATE slack_posts SET attempts = attempts + 1 WHERE key = $1 RETURNING attempts',
      [key],
    );
    return rows[0]?.attempts ?? 0;
  }

  async deferChannel(channel: string, until: Date): Promise<void> {
    await this.query('UPDATE slack_post_channels SET next_at = $1 WHERE channel = $2', [until, channel]);
  }

  async releasePostChannel(channel: string, claimant: string): Promise<void> {
    await this.query(
      'UPDATE slack_post_channels SET claimed_by = NULL, lease_until = NULL WHERE channel = $1 AND claimed_by = $2',
      [channel, claimant],
    );
  }

  async postByKey(key: string): Promise<QueuedPostRow | undefined> {
    const { rows } = await this.query<PostRow>(`SELECT ${POST_COLUMNS} FROM slack_posts WHERE key = $1`, [
      key,
    ]);
    return rows[0] ? postFromRow(rows[0]) : undefined;
  }

  async pendingPosts(): Promise<number> {
    const { rows } = await this.query<{ n: string }>(
      `SELECT count(*) AS n FROM slack_posts WHERE state = 'pending'`,
    );
    return Number(rows[0]?.n ?? 0);
  }

  async postBacklog(limit: number): Promise<PostBacklog[]> {
    const { rows } = await this.query<{ channel: string; n: string; oldest: Date; next_at: Date | null }>(
      `SELECT p.channel AS channel, count(*) AS n, min(p.queued_at) AS oldest, max(c.next_at) AS next_at
         FROM slack_posts p LEFT JOIN slack_post_channels c ON c.channel = p.channel
        WHERE p.state = 'pending' GROUP BY p.channel ORDER BY oldest LIMIT $1`,
      [limit],
    );
    return rows.map((r) => ({
      channel: r.channel,
      pending: Number(r.n),
      oldestQueuedAt: new Date(r.oldest),
      nextAt: r.next_at ? new Date(r.next_at) : undefined,
    }));
  }

  async prunePosts(before: Date): Promise<number> {
    const { rowCount } = await this.query(
      `DELETE FROM slack_posts WHERE state <> 'pending' AND settled_at < $1`,
      [before],
    );
    return rowCount ?? 0;
  }
}
