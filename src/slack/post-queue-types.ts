/** What the Slack post queue (post-queue.ts) is built from, sends through, and stores. */
import type { Logger } from 'pino';
import type { Clock, PostQueueStore, QueuedPostRow } from '../core/ports.js';
import type { SlackMessage } from './blocks/common.js';
import type { PostOptions } from './gateway.js';
import type { Pace, Timers } from './post-pace.js';

/** The two Slack calls the queue makes (WebSlackGateway, on a client that does not retry 429 itself). */
export interface PostSender {
  post(
    channel: string,
    message: SlackMessage,
    threadTs?: string,
    options?: PostOptions,
  ): Promise<{ channel: string; ts: string }>;
  update(channel: string, ts: string, message: SlackMessage): Promise<void>;
}

export interface PostQueueOptions {
  readonly store: PostQueueStore;
  readonly sender: PostSender;
  readonly clock: Clock;
  readonly timers: Timers;
  readonly logger: Logger;
  /** Who holds a channel (host:pid): its lease is renewed while it drains. */
  readonly claimant: string;
  readonly pace?: Pace | undefined;
  /** How long a channel stays with a process that stopped renewing it (default 30 s). */
  readonly leaseMs?: number | undefined;
  /** Sends of one post before a transient error counts as permanent (default 5). */
  readonly maxAttempts?: number | undefined;
  /** How often to look for posts other processes queued or left (default 1 s). */
  readonly pollMs?: number | undefined;
  /** A post failed for good: the server records it on its incident. */
  readonly onFailure?: ((post: QueuedPostRow, code: string) => Promise<void>) | undefined;
}

export interface PostBody {
  readonly message: SlackMessage;
  readonly threadTs?: string | undefined;
  /** chat.update's target. */
  readonly ts?: string | undefined;
  readonly broadcast?: boolean | undefined;
  readonly lookup?: boolean | undefined;
}

export interface EnqueueRequest {
  readonly channel: string;
  readonly message: SlackMessage;
  readonly threadTs?: string | undefined;
  readonly options?: PostOptions | undefined;
  readonly incidentId?: string | undefined;
}
