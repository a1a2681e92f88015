/**
 * The app's post queue, as the server builds it: its own WebClient that does not retry by itself
 * (a 429 comes back to the queue, which holds back that channel alone), the SLACK_POST_PACE
 * setting, and a post refused for good said on its incident's timeline, not only in the log.
 */
import { WebClient, type WebClientOptions } from '@slack/web-api';
import type { Logger } from 'pino';
import { systemClock } from '../adapters/clock.js';
import type { AppMetrics } from '../adapters/observability/app-metrics.js';
import type { Clock, Store } from '../core/ports.js';
import { explainSlackError, WebSlackGateway } from './gateway.js';
import type { Pace } from './post-pace.js';
import { PostQueue, realTimers, type Timers } from './post-queue.js';

export function slackPostQueue(d: {
  store: Store;
  token: string | undefined;
  clientOptions: WebClientOptions;
  appMetrics: AppMetrics;
  logger: Logger;
  claimant: string;
  /** SLACK_POST_PACE, parsed with the rest of the configuration. */
  pace: Pace;
  clock?: Clock | undefined;
  timers?: Timers | undefined;
  leaseMs?: number | undefined;
  /**
   * Says on the incident's timeline that one of its messages was refused for good; the flow's
   * driver, built after the queue (the flow needs the gateway the queue serves).
   */
  note: (incidentId: string, text: string, idempotencyKey: string) => Promise<void>;
}): PostQueue {
  const client = new WebClient(d.token, {
    ...d.clientOptions,
    rejectRateLimitedCalls: true,
    retryConfig: { retries: 0 },
  });
  return new PostQueue({
    store: d.store.posts,
    sender: new WebSlackGateway(client, d.appMetrics, d.logger, d.clock ?? systemClock),
    clock: d.clock ?? systemClock,
    timers: d.timers ?? realTimers,
    logger: d.logger.child({ component: 'post-queue' }),
    claimant: d.claimant,
    pace: d.pace,
    leaseMs: d.leaseMs,
    onFailure: async (post, code) => {
      if (!post.incidentId) return;
      await d.note(
        post.incidentId,
        `⚠️ A Slack message for this incident could not be ${post.kind === 'update' ? 'updated' : 'posted'} in ${post.channel} (${code}): ${explainSlackError(code)}`,
        // One note per message and error, whatever its revision: the note redraws the card, and a
        // card in a channel that refuses it would otherwise fail, note and redraw without end.
        `slack-post-failed:${post.key}:${code}`,
      );
    },
  });
}
