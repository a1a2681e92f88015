/**
 * The catch-all for interactions no listener claims: a button from an old
 * card, a removed feature, or a forged `action_id`. Without it Bolt lets the
 * request time out (Slack shows its warning after 3 s, the app logs an error).
 * It runs as global middleware, before the listeners: a known action passes on
 * untouched; an unknown one is acked and the user told, once.
 */
import type { AnyMiddlewareArgs, Middleware } from '@slack/bolt';
import type { Logger } from 'pino';
import { FOLLOWUP_ACTION, INCIDENT_ACTION, METRICS_ACTION, STEP_ACTION } from './ids.js';

export const STALE_BUTTON_TEXT =
  'This button is no longer valid (the message is out of date); use `/gc-incident status` for the current card.';

export function isKnownAction(actionId: string, exact: readonly string[]): boolean {
  return (
    STEP_ACTION.test(actionId) ||
    INCIDENT_ACTION.test(actionId) ||
    FOLLOWUP_ACTION.test(actionId) ||
    METRICS_ACTION.test(actionId) ||
    exact.includes(actionId)
  );
}

export function staleActions(logger: Logger, exact: readonly string[]): Middleware<AnyMiddlewareArgs> {
  return async (args) => {
    const body = args.body as { type?: unknown; actions?: { action_id?: unknown }[] };
    if (body.type !== 'block_actions') return args.next();
    const ids = (body.actions ?? []).map((a) => String(a.action_id));
    if (ids.length > 0 && ids.every((id) => isKnownAction(id, exact))) return args.next();
    logger.info({ actionIds: ids.map((id) => id.slice(0, 60)) }, 'unknown or stale button acknowledged');
    const { ack, respond } = args as unknown as {
      ack?: () => Promise<void>;
      respond?: (message: Record<string, unknown>) => Promise<unknown>;
    };
    await ack?.();
    await respond?.({ response_type: 'ephemeral', replace_original: false, text: STALE_BUTTON_TEXT }).catch(
      (error: unknown) => logger.warn({ err: String(error) }, 'could not tell the user the button is stale'),
    );
  };
}
