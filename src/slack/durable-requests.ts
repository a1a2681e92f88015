/**
 * No acknowledged Slack request is lost: a global middleware records each
 * request (keyed by its trigger_id, which a retry repeats) under this
 * process's lease before the listener acks it, and forgets it once the
 * listener has finished. If the process dies in between, another replica
 * (or this one restarted) finds the lease expired and replays the request
 * through Bolt; the idempotency keys the listeners pass on make a replay of
 * finished work change nothing.
 */
import type { AnyMiddlewareArgs, App, Middleware } from '@slack/bolt';
import type { Logger } from 'pino';
import type { LeaseHandler, WorkLeases } from '../adapters/leases/work-leases.js';
import { describeError } from './error-text.js';

export const SLACK_LEASE = 'slack';

/** Every slash command and interaction carries a unique trigger_id; Slack's retries carry the same. */
export function requestKey(body: Readonly<Record<string, unknown>>): string | undefined {
  const trigger = body.trigger_id;
  if (typeof trigger !== 'string' || trigger === '') return undefined;
  return `slack:${typeof body.type === 'string' ? body.type : 'command'}:${trigger}`;
}

export function durableRequests(leases: WorkLeases, logger: Logger): Middleware<AnyMiddlewareArgs> {
  return async ({ body, next }) => {
    const request = body as Record<string, unknown>;
    const key = requestKey(request);
    let held = false;
    if (key) {
      // The deprecated verification token is the only secret a request body carries: not stored.
      const { token: _token, ...kept } = request;
      try {
        held = await leases.hold({ key, kind: SLACK_LEASE, body: JSON.stringify(kept) });
      } catch (error) {
        // The store is down: the listener still runs and tells the person what failed.
        logger.warn({ key, err: describeError(error) }, 'Slack request not recorded before its ack');
      }
    }
    try {
      await next();
    } catch (error) {
      // Not finished: another process takes it over when the lease ends.
      if (held && key) leases.abandon(key);
      throw error;
    }
    // Deleted in a batch with others, off the request's path (see WorkLeases.forget).
    if (held && key) leases.forget(key);
  };
}

/** Replays a request its process acknowledged but did not finish; its ack already went to Slack. */
export function replaySlackRequest(app: App): LeaseHandler {
  return (work) =>
    app.processEvent({
      body: JSON.parse(work.body) as Record<string, unknown>,
      ack: async () => {},
    });
}
