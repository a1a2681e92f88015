/**
 * Requests as Slack sends them: form-encoded bodies (a slash command's fields,
 * or `payload=` JSON for interactions), signed with the signing secret
 * (v0=HMAC-SHA256 of "v0:timestamp:body").
 */
import { createHmac } from 'node:crypto';
import { request } from 'undici';

export const SIGNING_SECRET = '8f742231b10e8888abcd99yyyzzz85a5';

export function sign(secret: string, timestamp: number, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

export interface SendOptions {
  readonly secret?: string;
  readonly timestamp?: number;
  readonly signature?: string;
  readonly retryNum?: number;
  readonly contentType?: string;
}

export async function sendSigned(port: number, body: string, options: SendOptions = {}) {
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  const headers: Record<string, string> = {
    'content-type': options.contentType ?? 'application/x-www-form-urlencoded',
    'x-slack-request-timestamp': String(timestamp),
    'x-slack-signature': options.signature ?? sign(options.secret ?? SIGNING_SECRET, timestamp, body),
  };
  if (options.retryNum) {
    headers['x-slack-retry-num'] = String(options.retryNum);
    headers['x-slack-retry-reason'] = 'http_timeout';
  }
  const started = performance.now();
  const response = await request(`http://127.0.0.1:${port}/slack/events`, { method: 'POST', headers, body });
  const text = await response.body.text();
  return { status: response.statusCode, text, ms: performance.now() - started };
}

export const TEAM = { id: 'T00000001', domain: 'example' };

export function slashBody(fields: {
  text: string;
  userId: string;
  channelId: string;
  triggerId: string;
  responseUrl: string;
  userName?: string;
}): string {
  return new URLSearchParams({
    token: 'legacy-verification-token',
    team_id: TEAM.id,
    team_domain: TEAM.domain,
    channel_id: fields.channelId,
    channel_name: 'incidents',
    user_id: fields.userId,
    user_name: fields.userName ?? fields.userId.toLowerCase(),
    command: '/gc-incident',
    text: fields.text,
    api_app_id: 'A00000001',
    is_enterprise_install: 'false',
    response_url: fields.responseUrl,
    trigger_id: fields.triggerId,
  }).toString();
}

export function payloadBody(payload: Record<string, unknown>): string {
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

export function blockActionPayload(fields: {
  actionId: string;
  value: string;
  blockId?: string;
  userId: string;
  channelId: string;
  messageTs: string;
  /** The thread the clicked message is in (Slack sends message.thread_ts for replies and parents). */
  threadTs?: string | undefined;
  triggerId: string;
  responseUrl: string;
}): Record<string, unknown> {
  return {
    type: 'block_actions',
    team: TEAM,
    user: {
      id: fields.userId,
      username: fields.userId.toLowerCase(),
      name: fields.userId.toLowerCase(),
      team_id: TEAM.id,
    },
    api_app_id: 'A00000001',
    token: 'legacy-verification-token',
    container: {
      type: 'message',
      message_ts: fields.messageTs,
      channel_id: fields.channelId,
      is_ephemeral: false,
    },
    trigger_id: fields.triggerId,
    channel: { id: fields.channelId, name: 'incidents' },
    message: {
      type: 'message',
      ts: fields.messageTs,
      text: 'card',
      ...(fields.threadTs ? { thread_ts: fields.threadTs } : {}),
    },
    response_url: fields.responseUrl,
    actions: [
      {
        type: 'button',
        action_id: fields.actionId,
        block_id: fields.blockId ?? 'block',
        value: fields.value,
        text: { type: 'plain_text', text: 'button' },
        action_ts: String(Date.now() / 1000),
      },
    ],
  };
}

export function viewSubmissionPayload(fields: {
  userId: string;
  view: Record<string, unknown>;
  values: Record<string, Record<string, unknown>>;
  viewId: string;
  triggerId: string;
}): Record<string, unknown> {
  return {
    type: 'view_submission',
    team: TEAM,
    user: {
      id: fields.userId,
      username: fields.userId.toLowerCase(),
      name: fields.userId.toLowerCase(),
      team_id: TEAM.id,
    },
    api_app_id: 'A00000001',
    token: 'legacy-verification-token',
    trigger_id: fields.triggerId,
    view: {
      ...fields.view,
      id: fields.viewId,
      team_id: TEAM.id,
      hash: 'h1',
      state: { values: fields.values },
    },
    response_urls: [],
  };
}

export function messageActionPayload(fields: {
  userId: string;
  channelId: string;
  messageTs: string;
  triggerId: string;
  responseUrl: string;
}): Record<string, unknown> {
  return {
    type: 'message_action',
    callback_id: 'gc_incident_from_message',
    team: TEAM,
    user: { id: fields.userId, name: fields.userId.toLowerCase() },
    channel: { id: fields.channelId, name: 'incidents' },
    message: {
      type: 'message',
      ts: fields.messageTs,
      text: 'p99 latency is through the roof',
      user: 'U0OTHER01',
    },
    message_ts: fields.messageTs,
    trigger_id: fields.triggerId,
    response_url: fields.responseUrl,
    action_ts: String(Date.now() / 1000),
    token: 'legacy-verification-token',
  };
}

/** An Events API delivery (JSON), as Slack posts it to the request URL. */
export function eventBody(
  event: Record<string, unknown>,
  eventId = `Ev${Date.now()}${Math.random().toString(36).slice(2, 8)}`,
): string {
  return JSON.stringify({
    token: 'legacy-verification-token',
    team_id: TEAM.id,
    api_app_id: 'A00000001',
    event,
    type: 'event_callback',
    event_id: eventId,
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [{ team_id: TEAM.id, user_id: 'UBOT00001', is_bot: true }],
  });
}

/** reaction_added / reaction_removed on a message, as Slack sends them. */
export function reactionEvent(
  type: 'reaction_added' | 'reaction_removed',
  fields: { user: string; reaction: string; channel: string; ts: string; itemUser?: string },
): Record<string, unknown> {
  return {
    type,
    user: fields.user,
    reaction: fields.reaction,
    item: { type: 'message', channel: fields.channel, ts: fields.ts },
    ...(fields.itemUser ? { item_user: fields.itemUser } : {}),
    event_ts: `${Math.floor(Date.now() / 1000)}.000100`,
  };
}
