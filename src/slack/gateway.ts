/**
 * The Slack Web API calls gc-incident makes, behind one small interface, with
 * Slack's failures classified: rate limits are retried by the WebClient after
 * Retry-After; missing channels, missing membership and bad tokens become a
 * coded explanation for the user instead of a crash.
 */
import type { ModalView } from '@slack/types';
import type { ChatPostMessageArguments, ChatUpdateArguments, WebClient } from '@slack/web-api';
import type { Logger } from 'pino';
import type { AppMetrics } from '../adapters/observability/app-metrics.js';
import type { Clock } from '../core/ports.js';
import type { SlackMessage } from './blocks/common.js';
import { escapeFallbackText } from './escape-mrkdwn.js';
import { classifySendError } from './post-pace.js';

/**
 * A post that a process taking over may have to repeat. `chat.postMessage` has no idempotency
 * key, so the key travels in the message's metadata; with `lookup` (set after a takeover: the
 * process that died may have posted it and died before recording it) the channel or thread is
 * searched for it first, and a message found is returned instead of posting it again.
 */
export interface PostOptions {
  readonly key?: string | undefined;
  readonly lookup?: boolean | undefined;
  /** A thread reply also shown in the channel (reply_broadcast): state changes everyone should see. */
  readonly broadcast?: boolean | undefined;
  /** The incident the post belongs to: a post Slack refuses for good is recorded on it (post-queue.ts). */
  readonly incidentId?: string | undefined;
}

export type EditOptions = Pick<PostOptions, 'incidentId'>;

/** The metadata event type of gc-incident's keyed posts. */
export const POST_EVENT_TYPE = 'gc_incident_post';

export interface SlackGateway {
  post(
    channel: string,
    message: SlackMessage,
    threadTs?: string,
    options?: PostOptions,
  ): Promise<{ channel: string; ts: string }>;
  update(channel: string, ts: string, message: SlackMessage, options?: EditOptions): Promise<void>;
  ephemeral(channel: string, user: string, message: SlackMessage): Promise<void>;
  openView(triggerId: string, view: ModalView): Promise<void>;
  updateView(viewId: string, view: ModalView, hash?: string): Promise<void>;
  upload(
    channel: string,
    threadTs: string | undefined,
    file: { filename: string; title: string; content: Buffer },
  ): Promise<void>;
  groupMembers(groupId: string): Promise<string[]>;
  permalink(channel: string, ts: string): Promise<string | undefined>;
  /** A message and who reacted with what (reactions.get, full): what a 📌 pins. */
  reactedMessage(channel: string, ts: string): Promise<ReactedMessage | undefined>;
  /** A person's name and time zone (users.info, scope users:read); undefined when Slack cannot say. */
  userInfo(user: string): Promise<{ name: string; tz?: string | undefined } | undefined>;
  /**
   * The ids of the workspace members a runbook's `@handle` names: `@name@example.com` by e-mail
   * (users.lookupByEmail), else by username (users.list, bounded); more than one: ambiguous.
   */
  userIdsFor(handle: string): Promise<string[]>;
  /** A direct message to a user (conversations.open, then chat.postMessage). */
  dm(user: string, message: SlackMessage, options?: PostOptions): Promise<{ channel: string; ts: string }>;
}

export interface ReactedMessage {
  readonly ts: string;
  readonly threadTs?: string | undefined;
  /** The author's user id, or a bot's name. */
  readonly author: string;
  /** As Slack stores it (mrkdwn, entities); see slack-text.ts. */
  readonly text: string;
  /** Reaction name → the users who reacted with it. */
  readonly reactions: Readonly<Record<string, readonly string[]>>;
}

export class SlackApiError extends Error {
  constructor(
    readonly method: string,
    readonly error: string,
    readonly explanation: string,
    readonly retryAfterMs?: number | undefined, // a 429's Retry-After
  ) {
    super(`${method}: ${error}`);
    this.name = 'SlackApiError';
  }
}

/** What to tell a person about a Slack error code. */
export function explainSlackError(error: string): string {
  switch (error) {
    case 'channel_not_found':
      return 'I cannot see that channel. For a private channel, invite me first with `/invite @gc-incident`.';
    case 'not_in_channel':
      return 'I am not a member of this channel. Invite me with `/invite @gc-incident` and try again.';
    case 'is_archived':
      return 'This channel is archived; start the incident in an active channel.';
    case 'invalid_auth':
    case 'not_authed':
    case 'account_inactive':
    case 'token_revoked':
    case 'token_expired':
      return 'The bot’s Slack token is not valid any more; an admin has to reinstall the app (see docs/slack-app.md, "Installing the Slack app").';
    case 'missing_scope':
      return 'The Slack app lacks a permission it needs; an admin has to reinstall it from manifest.yml.';
    case 'ratelimited':
    case 'rate_limited':
      return 'Slack is rate limiting me; the message will follow as soon as Slack allows.';
    case 'trigger_expired':
    case 'expired_trigger_id':
      return 'The form could not open in time (Slack allows 3 seconds); run the command again.';
    case 'msg_too_long':
    case 'invalid_blocks':
      return 'Slack refused a message as too large; the details are in the log.';
    default:
      return `Slack answered \`${error}\`; the details are in the log.`;
  }
}

/** Where the bot cannot join by itself (a private channel): who must invite it, and where. */
export function notInChannelExplanation(channel: string): string {
  const where = /^[CG][A-Z0-9]+$/.test(channel) ? `<#${channel}>` : channel;
  return `I am not a member of ${where} and cannot join it by myself (a private channel). Someone in it must type \`/invite @gc-incident\` there; then try again.`;
}

export function errorCodeOf(error: unknown): string {
  const e = error as { data?: { error?: string }; code?: string; message?: string };
  if (e?.data?.error) return e.data.error;
  if (e?.code === 'slack_webapi_rate_limited_error') return 'ratelimited';
  if (e?.code === 'slack_webapi_request_error') return 'request_error';
  if (e?.code === 'slack_webapi_http_error') return 'http_error';
  return 'unknown_error';
}

export class WebSlackGateway implements SlackGateway {
  private readonly groups = new Map<string, { at: number; members: string[] }>();

  constructor(
    private readonly client: WebClient,
    private readonly metrics: AppMetrics,
    private readonly logger: Logger,
    /** The group-member cache's time (injected: src/adapters/clock.ts is the only wall clock). */
    private readonly clock: Clock,
  ) {}

  private async call<T>(method: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      const code = errorCodeOf(error);
      this.metrics.slackApiErrors.inc({ method, error: code });
      this.logger.warn({ method, error: code }, `Slack ${method} failed: ${code}`);
      const after = (error as { retryAfter?: unknown }).retryAfter; // seconds, on a 429
      throw new SlackApiError(method, code, explainSlackError(code), Number(after) * 1000 || undefined);
    }
  }

  /**
   * Runs a call that needs the bot in `channel`. On `not_in_channel` the bot joins (a public
   * channel: channels:join) and tries once more; where it cannot join (a private channel) the
   * error says who must invite it where, for the person or DM that reports it.
   */
  private async inChannel<T>(channel: string, method: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await this.call(method, fn);
    } catch (error) {
      if (!(error instanceof SlackApiError) || error.error !== 'not_in_channel') throw error;
    }
    try {
      await this.call('conversations.join', () => this.client.conversations.join({ channel }));
    } catch (error) {
      const code = error instanceof SlackApiError ? error.error : 'unknown_error';
      this.logger.warn(
        { channel, error: code },
        'cannot join the channel by itself; someone must invite the bot',
      );
      throw new SlackApiError(method, 'not_in_channel', notInChannelExplanation(channel));
    }
    return this.call(method, fn);
  }

  async post(channel: string, message: SlackMessage, threadTs?: string, options: PostOptions = {}) {
    if (options.key && options.lookup) {
      const found = await this.findPosted(channel, options.key, threadTs);
      if (found) return found;
    }
    const send = () =>
      this.client.chat.postMessage({
        channel,
        text: escapeFallbackText(message.text),
        blocks: message.blocks,
        ...(message.attachments ? { attachments: [...message.attachments] } : {}),
        ...(threadTs ? { thread_ts: threadTs } : {}),
        ...(threadTs && options.broadcast ? { reply_broadcast: true } : {}),
        ...(options.key
          ? { metadata: { event_type: POST_EVENT_TYPE, event_payload: { key: options.key } } }
          : {}),
        unfurl_links: false,
      } as ChatPostMessageArguments);
    const result = await this.inChannel(channel, 'chat.postMessage', send);
    return { channel: result.channel ?? channel, ts: String(result.ts) };
  }

  /**
   * A message this app posted with `key` in its metadata, among the latest of the channel (or
   * thread); undefined when there is none or Slack refuses the search (a missing *:history scope:
   * the caller posts, and it is logged). A rate limit or passing failure is thrown: the post waits.
   */
  private async findPosted(
    channel: string,
    key: string,
    threadTs: string | undefined,
  ): Promise<{ channel: string; ts: string } | undefined> {
    try {
      const result = threadTs
        ? await this.inChannel(channel, 'conversations.replies', () =>
            this.client.conversations.replies({
              channel,
              ts: threadTs,
              include_all_metadata: true,
              limit: 200,
            }),
          )
        : await this.inChannel(channel, 'conversations.history', () =>
            this.client.conversations.history({ channel, include_all_metadata: true, limit: 100 }),
          );
      const found = result.messages?.find(
        (m) =>
          m.metadata?.event_type === POST_EVENT_TYPE &&
          (m.metadata.event_payload as Record<string, unknown> | undefined)?.key === key,
      );
      if (found?.ts) {
        this.logger.info(
          { channel, key },
          'found the message a previous process posted; not posting it again',
        );
        return { channel, ts: found.ts };
      }
      return undefined;
    } catch (error) {
      if (classifySendError(error, 0).kind !== 'permanent') throw error;
      this.logger.warn({ channel, key }, 'could not search for an earlier post; posting (it may show twice)');
      return undefined;
    }
  }

  async update(channel: string, ts: string, message: SlackMessage): Promise<void> {
    await this.inChannel(channel, 'chat.update', () =>
      this.client.chat.update({
        channel,
        ts,
        text: escapeFallbackText(message.text),
        blocks: message.blocks,
        ...(message.attachments ? { attachments: [...message.attachments] } : {}),
      } as ChatUpdateArguments),
    );
  }

  async ephemeral(channel: string, user: string, message: SlackMessage): Promise<void> {
    await this.inChannel(channel, 'chat.postEphemeral', () =>
      this.client.chat.postEphemeral({
        channel,
        user,
        text: escapeFallbackText(message.text),
        blocks: message.blocks,
      }),
    );
  }

  async openView(triggerId: string, view: ModalView): Promise<void> {
    await this.call('views.open', () => this.client.views.open({ trigger_id: triggerId, view }));
  }

  async updateView(viewId: string, view: ModalView, hash?: string): Promise<void> {
    await this.call('views.update', () =>
      this.client.views.update({ view_id: viewId, view, ...(hash ? { hash } : {}) }),
    );
  }

  async upload(
    channel: string,
    threadTs: string | undefined,
    file: { filename: string; title: string; content: Buffer },
  ) {
    const common = { file: file.content, filename: file.filename, title: file.title };
    await this.inChannel(channel, 'files.uploadV2', () =>
      threadTs
        ? this.client.files.uploadV2({ channel_id: channel, thread_ts: threadTs, ...common })
        : this.client.files.uploadV2({ channel_id: channel, ...common }),
    );
  }

  /** User group members (by id S… or @handle), cached for a minute: approvals should not cost calls each. */
  async groupMembers(group: string): Promise<string[]> {
    const cached = this.groups.get(group);
    if (cached && this.clock.now().getTime() - cached.at < 60_000) return cached.members;
    let id = group;
    if (group.startsWith('@')) {
      const list = await this.call('usergroups.list', () => this.client.usergroups.list({}));
      id = list.usergroups?.find((g) => g.handle === group.slice(1))?.id ?? '';
      if (!id) return [];
    }
    const result = await this.call('usergroups.users.list', () =>
      this.client.usergroups.users.list({ usergroup: id }),
    );
    const members = result.users ?? [];
    this.groups.set(group, { at: this.clock.now().getTime(), members });
    return members;
  }

  async dm(
    user: string,
    message: SlackMessage,
    options: PostOptions = {},
  ): Promise<{ channel: string; ts: string }> {
    const opened = await this.call('conversations.open', () =>
      this.client.conversations.open({ users: user }),
    );
    const channel = opened.channel?.id;
    if (!channel)
      throw new SlackApiError(
        'conversations.open',
        'channel_not_found',
        explainSlackError('channel_not_found'),
      );
    return this.post(channel, message, undefined, options);
  }

  async userInfo(user: string): Promise<{ name: string; tz?: string | undefined } | undefined> {
    try {
      const result = await this.call('users.info', () => this.client.users.info({ user }));
      const u = result.user;
      const name = u?.profile?.real_name || u?.real_name || u?.profile?.display_name || u?.name;
      return name ? { name, tz: u?.tz } : undefined;
    } catch {
      return undefined;
    }
  }

  async userIdsFor(handle: string): Promise<string[]> {
    const name = handle.replace(/^@/, '');
    if (name.includes('@')) {
      const found = await this.call('users.lookupByEmail', () =>
        this.client.users.lookupByEmail({ email: name }),
      ).catch(() => undefined);
      return found?.user?.id ? [found.user.id] : [];
    }
    const ids: string[] = [];
    let cursor: string | undefined;
    // 50 pages of 200: a workspace of 10,000 members; beyond, write the user id in the runbook.
    for (let page = 0; page < 50; page++) {
      const result = await this.call('users.list', () =>
        this.client.users.list({ limit: 200, ...(cursor ? { cursor } : {}) }),
      );
      for (const m of result.members ?? []) if (!m.deleted && m.name === name && m.id) ids.push(m.id);
      cursor = result.response_metadata?.next_cursor || undefined;
      if (!cursor) break;
    }
    return ids;
  }

  async permalink(channel: string, ts: string): Promise<string | undefined> {
    try {
      const result = await this.call('chat.getPermalink', () =>
        this.client.chat.getPermalink({ channel, message_ts: ts }),
      );
      return result.permalink;
    } catch {
      return undefined;
    }
  }

  async reactedMessage(channel: string, ts: string): Promise<ReactedMessage | undefined> {
    const result = await this.inChannel(channel, 'reactions.get', () =>
      this.client.reactions.get({ channel, timestamp: ts, full: true }),
    );
    const m = result.message as
      | {
          ts?: string;
          thread_ts?: string;
          user?: string;
          username?: string;
          bot_id?: string;
          text?: string;
          reactions?: { name?: string; users?: string[] }[];
        }
      | undefined;
    if (!m?.ts) return undefined;
    const reactions: Record<string, string[]> = {};
    for (const r of m.reactions ?? []) if (r.name) reactions[r.name] = r.users ?? [];
    return {
      ts: m.ts,
      threadTs: m.thread_ts,
      author: m.user ?? m.username ?? m.bot_id ?? 'unknown',
      text: m.text ?? '',
      reactions,
    };
  }
}
