/**
 * GET /healthz: the store, each datasource and Slack's post queues, as ok, degraded (a
 * datasource down, posts waiting too long) or down (the store). Anyone who can reach the port
 * may ask, so failures are named by code only: addresses (host:port, file paths) stay in the
 * log, never in the answer; the post queues are counts and channel ids, never message text.
 */
import type { ServerResponse } from 'node:http';
import type { metricsClientFor } from '../composition/metrics.js';
import { isGcIncidentError } from '../core/errors.js';
import type { Clock, IncidentStore, PostQueueStore } from '../core/ports.js';

/** A channel whose oldest pending post waited longer than this makes the app degraded (a backlog, not an outage). */
export const POST_BACKLOG_DEGRADED_S = 300;
/** Channels listed, oldest backlog first. */
const BACKLOG_CHANNELS = 10;

async function postQueues(posts: PostQueueStore, now: Date) {
  const [pending, backlog] = await Promise.all([posts.pendingPosts(), posts.postBacklog(BACKLOG_CHANNELS)]);
  const channels = backlog.map((b) => ({
    channel: b.channel,
    pending: b.pending,
    oldestSeconds: Math.max(0, Math.round((now.getTime() - b.oldestQueuedAt.getTime()) / 1000)),
    // A Retry-After, a backoff or the pace: the channel sends nothing before then.
    nextSendInSeconds: b.nextAt ? Math.max(0, Math.round((b.nextAt.getTime() - now.getTime()) / 1000)) : 0,
  }));
  const oldest = Math.max(0, ...channels.map((c) => c.oldestSeconds));
  return {
    ok: oldest <= POST_BACKLOG_DEGRADED_S,
    pending,
    oldestSeconds: oldest,
    channels,
    ...(oldest > POST_BACKLOG_DEGRADED_S
      ? {
          error: `a post has waited ${oldest} s (over ${POST_BACKLOG_DEGRADED_S} s): Slack refuses or slows this app's posts`,
        }
      : {}),
  };
}

export async function health(
  res: ServerResponse,
  store: IncidentStore,
  metrics: ReturnType<typeof metricsClientFor>,
  clock: Clock,
  posts?: PostQueueStore,
) {
  const report: Record<string, { ok: boolean; error?: string } & Record<string, unknown>> = {};
  let ok = true;
  try {
    await store.ping();
    report.store = { ok: true };
  } catch (error) {
    ok = false;
    // Unauthenticated: the store's address (host:port, file path) stays in the store's own errors.
    report.store = {
      ok: false,
      error: `store unavailable${isGcIncidentError(error) ? ` (${error.code})` : ''}`,
    };
  }
  for (const name of metrics?.names() ?? []) {
    try {
      await metrics?.instant(name, 'vector(1)', clock.now());
      report[`datasource:${name}`] = { ok: true };
    } catch (error) {
      // A datasource down degrades the app (metric steps fail with a reason) but does not stop it.
      report[`datasource:${name}`] = {
        ok: false,
        error: `unavailable${isGcIncidentError(error) ? ` (${error.code})` : ''}`,
      };
    }
  }
  if (posts && report.store?.ok) {
    try {
      report.posts = await postQueues(posts, clock.now());
    } catch (error) {
      report.posts = {
        ok: false,
        error: `post queue unreadable${isGcIncidentError(error) ? ` (${error.code})` : ''}`,
      };
    }
  }
  const status = ok ? (Object.values(report).every((r) => r.ok) ? 'ok' : 'degraded') : 'down';
  res.writeHead(ok ? 200 : 503, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ status, checks: report }));
}
