/**
 * No acknowledged Slack request is lost: a global middleware records each
 * request (keyed by its trigger_id, which a retry repeats) under this
 * process's lease before the listener acks it, and forgets it once the
 * listener has finished. If the process dies in between, another replica
 * (or this one restarted) finds the lease expired and replays the request
 * through Bolt; the idempotency keys the listeners pass on make a replay of
 * finished work change nothing.
 *
 * The record is committed before the listeners run, and its sync to disk
 * overlaps them: the ack itself (Bolt's, wrapped by `acksAfterHolds`) waits
 * for the sync. So the work before an ack and the disk's fsync run at the same
 * time, and Slack still hears nothing until the request is on disk.
 */
import type { AnyMiddlewareArgs, App, Middleware, ReceiverEvent } from '@slack/bolt';
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

/** Each request's record until it is on disk, by the request's body (the object Bolt passes on). */
export type PendingHolds = WeakMap<object, Promise<boolean>>;

/**
 * `pending` is the map `acksAfterHolds` reads: without it wired to the app, an ack would not wait
 * for its record, so it is a required argument rather than a default.
 */
export function durableRequests(
  leases: WorkLeases,
  logger: Logger,
  pending: PendingHolds,
): Middleware<AnyMiddlewareArgs> {
  return async ({ body, next }) => {
    const request = body as Record<string, unknown>;
    const key = requestKey(request);
    let holding: Promise<boolean> = Promise.resolve(false);
    if (key) {
      // The deprecated verification token is the only secret a request body carries: not stored.
      const { token: _token, ...kept } = request;
      // The row is committed now; the promise settles once it is on disk (the ack waits for that).
      holding = leases
        .hold({ key, kind: SLACK_LEASE, body: JSON.stringify(kept) })
        .catch((error: unknown) => {
          // The store is down: the listener still runs and tells the person what failed.
          logger.warn({ key, err: describeError(error) }, 'Slack request not recorded before its ack');
          return false;
        });
      pending.set(body, holding);
    }
    try {
      await next();
    } catch (error) {
      // Not finished: another process takes it over when the lease ends.
      if (key && (await holding)) leases.abandon(key);
      throw error;
    }
    // Deleted in a batch with others, off the request's path (see WorkLeases.forget).
    if (key && (await holding)) leases.forget(key);
  };
}

/**
 * Makes every ack of `app` wait until its request's record (durableRequests) is on disk: Bolt's
 * receivers (HTTP and Socket Mode) hand each request to `processEvent` with the ack to call.
 */
export function acksAfterHolds(app: App, pending: PendingHolds): void {
  const processEvent = app.processEvent.bind(app);
  app.processEvent = (event: ReceiverEvent) =>
    processEvent({
      ...event,
      ack: async (response) => {
        await pending.get(event.body);
        return event.ack(response);
      },
    });
}

/** Replays a request its process acknowledged but did not finish; its ack already went to Slack. */
export function replaySlackRequest(app: App): LeaseHandler {
  return (work) =>
    app.processEvent({
      body: JSON.parse(work.body) as Record<string, unknown>,
      ack: async () => {},
    });
}
