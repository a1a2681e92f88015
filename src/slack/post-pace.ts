/**
 * The rules of the Slack post queue (src/slack/post-queue.ts) that need no I/O: how an error
 * is handled, how long a channel waits for its pace, the SLACK_POST_PACE setting, its timers.
 */
import { GcIncidentError } from '../core/errors.js';
import { SlackApiError } from './gateway.js';

/** The queue's timers, injected (tests pass a fake clock's). */
export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realTimers: Timers = {
  setTimeout: (fn, ms) => {
    const handle = setTimeout(fn, ms);
    handle.unref?.();
    return handle;
  },
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** What the queue does after a failed send. */
export type SendFailure =
  | { readonly kind: 'rate-limited'; readonly waitMs: number }
  | { readonly kind: 'transient'; readonly code: string }
  | { readonly kind: 'permanent'; readonly code: string };

/** Errors a later attempt may not see: the network, Slack's own trouble. Everything else is for good. */
const TRANSIENT = new Set([
  'request_error',
  'http_error',
  'unknown_error',
  'internal_error',
  'fatal_error',
  'service_unavailable',
  'timeout',
  'request_timeout',
]);

export function classifySendError(error: unknown, fallbackWaitMs: number): SendFailure {
  const code = error instanceof SlackApiError ? error.error : 'unknown_error';
  if (code === 'ratelimited' || code === 'rate_limited') {
    const given = error instanceof SlackApiError ? error.retryAfterMs : undefined;
    return { kind: 'rate-limited', waitMs: given !== undefined && given >= 0 ? given : fallbackWaitMs };
  }
  return TRANSIENT.has(code) ? { kind: 'transient', code } : { kind: 'permanent', code };
}

/** Exponential backoff for transient errors: 1 s, 2 s, 4 s, … capped at 60 s. */
export function backoffMs(attempt: number): number {
  return Math.min(60_000, 1000 * 2 ** Math.max(0, attempt - 1));
}

export interface Pace {
  /** At least this long between two posts into one channel (Slack: about one per second). */
  readonly gapMs: number;
  /** At most this many posts into one channel in any minute (0: no cap); a storm stays readable. */
  readonly perMinute: number;
}

export const DEFAULT_PACE: Pace = { gapMs: 1000, perMinute: 20 };

/**
 * When the channel may take its next post: `sent` holds the times of its recent posts, oldest
 * first (those older than a minute may be dropped by the caller).
 */
export function nextPostAt(sent: readonly number[], pace: Pace): number {
  const last = sent.at(-1);
  let at = last === undefined ? Number.NEGATIVE_INFINITY : last + pace.gapMs;
  if (pace.perMinute > 0 && sent.length >= pace.perMinute) {
    const oldestInWindow = sent[sent.length - pace.perMinute] as number;
    at = Math.max(at, oldestInWindow + 60_000);
  }
  return at;
}

/**
 * SLACK_POST_PACE: `GAP` or `GAP,N/min` (default `1s,20/min`); `0` for no pace (tests).
 * GAP is a duration in ms or s (`1s`, `1500ms`).
 */
export function parsePace(text: string | undefined): Pace {
  const value = text?.trim();
  if (!value) return DEFAULT_PACE;
  if (value === '0' || value === 'off') return { gapMs: 0, perMinute: 0 };
  const m = /^(\d+(?:\.\d+)?)(ms|s)(?:\s*,\s*(\d+)\s*\/\s*min)?$/.exec(value);
  if (!m)
    throw new GcIncidentError(
      'CONFIG_INVALID',
      `SLACK_POST_PACE must be like 1s or 1s,20/min, or 0 for none (got '${value}')`,
      { variable: 'SLACK_POST_PACE' },
    );
  const gapMs = Number(m[1]) * (m[2] === 's' ? 1000 : 1);
  return { gapMs, perMinute: m[3] === undefined ? 0 : Number(m[3]) };
}
