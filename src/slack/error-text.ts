/**
 * An error as mrkdwn for a Slack reply. Messages quote what was rejected (an
 * input, a what-if, a workload name), so they are escaped like any user text
 * and can no longer carry a clickable fake link or a ping. An error built by
 * our own code that must mention someone (who may approve) carries the facts in
 * `details.refusal`, rendered here with only its own mentions left live (refusal-text.ts);
 * an error the Slack adapter builds may carry its text already escaped in `details.mrkdwn`.
 */
import { isGcIncidentError } from '../core/errors.js';
import { refusalOf } from '../core/incident/refusals.js';
import { escapeMrkdwn } from './escape-mrkdwn.js';
import { refusalMrkdwn } from './refusal-text.js';

/** What a user reads when the store cannot be reached: the driver's words go to the log only. */
export const STORE_UNAVAILABLE_TEXT = 'the incident store is unavailable; try again in a minute';

/** A user-facing replacement for errors whose own message is for operators, or undefined. */
export function operatorOnly(error: unknown): string | undefined {
  if (isGcIncidentError(error) && error.code === 'STORE_UNAVAILABLE') return STORE_UNAVAILABLE_TEXT;
  return undefined;
}

export function errorMrkdwn(error: unknown, plain: string): string {
  const refusal = refusalOf(error);
  if (refusal) return refusalMrkdwn(refusal);
  // A Slack adapter's own error may carry its mrkdwn (a channel link, src/slack/interactions/slash/scope.ts).
  if (isGcIncidentError(error) && typeof error.details.mrkdwn === 'string') return error.details.mrkdwn;
  return escapeMrkdwn(plain);
}

/** A sentence for a person: coded errors and Slack errors carry one; anything else is "unexpected". */
export function userMessage(error: unknown): string {
  const replaced = operatorOnly(error);
  if (replaced) return replaced;
  if (isGcIncidentError(error)) return error.message;
  if (error && typeof error === 'object' && 'explanation' in error)
    return String((error as { explanation: string }).explanation);
  return 'something unexpected went wrong; the details are in the app’s log';
}

/** An error for the log: its code and message. */
export function describeError(error: unknown): string {
  if (isGcIncidentError(error)) return `${error.code}: ${error.message}`;
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
