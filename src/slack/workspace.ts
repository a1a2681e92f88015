/**
 * Slack Web API calls that manage the places an incident lives in, beside the messaging
 * gateway: its own channel (conversations.create, topic, invites, bookmarks, pins, archive)
 * and its postmortem canvas (canvases.create / canvases.edit, conversations.canvases.create).
 * Errors are classified as the gateway's are (SlackApiError with Slack's code), so the flow can
 * fall back on name_taken, missing_scope or restricted_action instead of losing the incident.
 */
import type { WebClient } from '@slack/web-api';
import type { Logger } from 'pino';
import type { AppMetrics } from '../adapters/observability/app-metrics.js';
import { errorCodeOf, explainSlackError, SlackApiError } from './gateway.js';

export interface SlackWorkspace {
  /** A public channel; its id. */
  createChannel(name: string): Promise<string>;
  /**
   * The unarchived channel named `name` that this app created itself (conversations.list):
   * what an attempt that died before recording it left behind. Undefined: none (or someone
   * else's, a real collision).
   */
  findOwnChannel(name: string): Promise<string | undefined>;
  /** The titles bookmarked in a channel (bookmarks.list), so an adopted channel gets none twice. */
  bookmarkTitles(channel: string): Promise<string[]>;
  /** Uploads a file into a thread; its permalink (what a canvas embeds as an image). */
  uploadFile(
    channel: string,
    threadTs: string,
    file: { filename: string; title: string; content: Buffer },
  ): Promise<string>;
  setTopic(channel: string, topic: string): Promise<void>;
  /** The topic as Slack has it (conversations.info); what a process that did not set it compares with. */
  topicOf(channel: string): Promise<string | undefined>;
  /** A message's text as Slack has it (conversations.history at its ts), entities unescaped. */
  messageText(channel: string, ts: string): Promise<string | undefined>;
  /** Invites people; those already in it (or the bot itself) are not an error. */
  invite(channel: string, users: readonly string[]): Promise<void>;
  addBookmark(channel: string, title: string, link: string): Promise<void>;
  pin(channel: string, ts: string): Promise<void>;
  archive(channel: string): Promise<void>;
  /** A canvas with `markdown`; in `channel` as its channel canvas when given. Its id. */
  createCanvas(title: string, markdown: string, channel?: string): Promise<string>;
  /** Replaces the whole canvas with `markdown`. */
  editCanvas(canvasId: string, markdown: string): Promise<void>;
}

/** Answers that mean "already so": not worth a warning. */
const ALREADY = new Set(['already_in_channel', 'cant_invite_self', 'already_pinned', 'already_archived']);

export class WebSlackWorkspace implements SlackWorkspace {
  constructor(
    private readonly client: WebClient,
    private readonly metrics: AppMetrics,
    private readonly logger: Logger,
  ) {}

  private async call<T>(method: string, fn: () => Promise<T>): Promise<T | undefined> {
    try {
      return await fn();
    } catch (error) {
      const code = errorCodeOf(error);
      if (ALREADY.has(code)) return undefined;
      this.metrics.slackApiErrors.inc({ method, error: code });
      this.logger.warn({ method, error: code }, `Slack ${method} failed: ${code}`);
      throw new SlackApiError(method, code, explainSlackError(code));
    }
  }

  async createChannel(name: string): Promise<string> {
    const result = await this.call('conversations.create', () =>
      this.client.conversations.create({ name, is_private: false }),
    );
    const id = result?.channel?.id;
    if (!id) throw new SlackApiError('conversations.create', 'no_channel', explainSlackError('no_channel'));
    return id;
  }

  async findOwnChannel(name: string): Promise<string | undefined> {
    const me = (await this.call('auth.test', () => this.client.auth.test()))?.user_id;
    let cursor: string | undefined;
    // A workspace of 20,000 channels is 100 pages; the bound keeps a runaway loop short.
    for (let page = 0; page < 100; page += 1) {
      const result = await this.call('conversations.list', () =>
        this.client.conversations.list({
          types: 'public_channel',
          exclude_archived: true,
          limit: 200,
          ...(cursor ? { cursor } : {}),
        }),
      );
      const found = result?.channels?.find((c) => c.name === name);
      if (found) return found.id && me && found.creator === me ? found.id : undefined;
      cursor = result?.response_metadata?.next_cursor || undefined;
      if (!cursor) return undefined;
    }
    return undefined;
  }

  async bookmarkTitles(channel: string): Promise<string[]> {
    const result = await this.call('bookmarks.list', () =>
      this.client.bookmarks.list({ channel_id: channel }),
    );
    return (result?.bookmarks ?? []).flatMap((b) => (b.title ? [b.title] : []));
  }

  async uploadFile(
    channel: string,
    threadTs: string,
    file: { filename: string; title: string; content: Buffer },
  ): Promise<string> {
    const result = (await this.call('files.uploadV2', () =>
      this.client.files.uploadV2({
        channel_id: channel,
        thread_ts: threadTs,
        file: file.content,
        filename: file.filename,
        title: file.title,
      }),
    )) as { files?: { files?: { permalink?: string }[] }[] } | undefined;
    const permalink = result?.files?.[0]?.files?.[0]?.permalink;
    if (!permalink)
      throw new SlackApiError('files.uploadV2', 'no_permalink', explainSlackError('no_permalink'));
    return permalink;
  }

  async topicOf(channel: string): Promise<string | undefined> {
    const result = await this.call('conversations.info', () => this.client.conversations.info({ channel }));
    const value = result?.channel?.topic?.value;
    return value === undefined ? undefined : unescapeEntities(value);
  }

  async messageText(channel: string, ts: string): Promise<string | undefined> {
    const result = await this.call('conversations.history', () =>
      this.client.conversations.history({ channel, latest: ts, inclusive: true, limit: 1 }),
    );
    const message = result?.messages?.find((m) => m.ts === ts);
    return message?.text === undefined ? undefined : unescapeEntities(message.text);
  }

  async setTopic(channel: string, topic: string): Promise<void> {
    // Slack cuts topics at 250 characters; cut here so the cut is ours.
    const text = topic.length > 250 ? `${topic.slice(0, 249)}…` : topic;
    await this.call('conversations.setTopic', () =>
      this.client.conversations.setTopic({ channel, topic: text }),
    );
  }

  async invite(channel: string, users: readonly string[]): Promise<void> {
    const people = [...new Set(users)].filter((u) => /^[UW][A-Z0-9]+$/.test(u));
    if (people.length === 0) return;
    await this.call('conversations.invite', () =>
      this.client.conversations.invite({ channel, users: people.join(',') }),
    );
  }

  async addBookmark(channel: string, title: string, link: string): Promise<void> {
    await this.call('bookmarks.add', () =>
      this.client.bookmarks.add({ channel_id: channel, title, type: 'link', link }),
    );
  }

  async pin(channel: string, ts: string): Promise<void> {
    await this.call('pins.add', () => this.client.pins.add({ channel, timestamp: ts }));
  }

  async archive(channel: string): Promise<void> {
    await this.call('conversations.archive', () => this.client.conversations.archive({ channel }));
  }

  async createCanvas(title: string, markdown: string, channel?: string): Promise<string> {
    const document_content = { type: 'markdown' as const, markdown };
    const result = channel
      ? await this.call('conversations.canvases.create', () =>
          this.client.conversations.canvases.create({ channel_id: channel, title, document_content }),
        )
      : await this.call('canvases.create', () => this.client.canvases.create({ title, document_content }));
    const id = (result as { canvas_id?: string } | undefined)?.canvas_id;
    if (!id) throw new SlackApiError('canvases.create', 'no_canvas', explainSlackError('no_canvas'));
    return id;
  }

  async editCanvas(canvasId: string, markdown: string): Promise<void> {
    await this.call('canvases.edit', () =>
      this.client.canvases.edit({
        canvas_id: canvasId,
        changes: [{ operation: 'replace', document_content: { type: 'markdown', markdown } }],
      }),
    );
  }
}

/** Slack stores &, < and > of plain text as entities; what was sent had them plain. */
function unescapeEntities(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}
