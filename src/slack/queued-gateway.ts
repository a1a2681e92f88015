/**
 * The SlackGateway the app uses: posts and message edits go through the channel's durable queue
 * (post-queue.ts), paced and retried there; everything else goes straight to the Web API.
 *
 * `post` and `update` resolve once the message is in Slack, as the Web API calls did (callers
 * need a post's ts: a card, a thread), so a caller that must answer fast (an ack) does not await
 * them. Edits wait for no pace and go before the channel's posts; a newer edit of the same
 * message replaces one still waiting, and both callers resolve when the newest is shown.
 */
import type { ModalView } from '@slack/types';
import type { SlackMessage } from './blocks/common.js';
import type { PostOptions, ReactedMessage, SlackGateway } from './gateway.js';
import type { PostQueue } from './post-queue.js';

/** The incident a keyed post names (`card:GC-2026-0001`), when its caller did not say. */
export function incidentOfKey(key: string | undefined): string | undefined {
  const m = /^card:(.+)$/.exec(key ?? '');
  return m?.[1];
}

export class QueuedSlackGateway implements SlackGateway {
  constructor(
    private readonly direct: SlackGateway,
    private readonly queue: PostQueue,
  ) {}

  async post(channel: string, message: SlackMessage, threadTs?: string, options: PostOptions = {}) {
    return (await this.enqueue(channel, message, threadTs, options)).delivered;
  }

  /**
   * Queues a post and resolves once it is stored (durable: a restart or another replica sends
   * it); `delivered` settles when it is in Slack, which may be minutes at a busy channel's pace.
   */
  async enqueue(channel: string, message: SlackMessage, threadTs?: string, options: PostOptions = {}) {
    const row = await this.queue.post({
      channel,
      message,
      threadTs,
      options,
      incidentId: options.incidentId ?? incidentOfKey(options.key),
    });
    return { delivered: this.queue.delivered(row.key) };
  }

  async update(
    channel: string,
    ts: string,
    message: SlackMessage,
    options?: { readonly incidentId?: string | undefined },
  ): Promise<void> {
    const key = await this.queue.update(channel, ts, message, options?.incidentId);
    await this.queue.delivered(key);
  }

  ephemeral(channel: string, user: string, message: SlackMessage): Promise<void> {
    return this.direct.ephemeral(channel, user, message);
  }
  openView(triggerId: string, view: ModalView): Promise<void> {
    return this.direct.openView(triggerId, view);
  }
  updateView(viewId: string, view: ModalView, hash?: string): Promise<void> {
    return this.direct.updateView(viewId, view, hash);
  }
  upload(
    channel: string,
    threadTs: string | undefined,
    file: { filename: string; title: string; content: Buffer },
  ): Promise<void> {
    return this.direct.upload(channel, threadTs, file);
  }
  groupMembers(groupId: string): Promise<string[]> {
    return this.direct.groupMembers(groupId);
  }
  permalink(channel: string, ts: string): Promise<string | undefined> {
    return this.direct.permalink(channel, ts);
  }
  reactedMessage(channel: string, ts: string): Promise<ReactedMessage | undefined> {
    return this.direct.reactedMessage(channel, ts);
  }
  userInfo(user: string): Promise<{ name: string; tz?: string | undefined } | undefined> {
    return this.direct.userInfo(user);
  }
  userIdsFor(handle: string): Promise<string[]> {
    return this.direct.userIdsFor(handle);
  }
  /** Direct messages: one person's own channel, a few a day; they go straight out. */
  dm(user: string, message: SlackMessage, options?: PostOptions): Promise<{ channel: string; ts: string }> {
    return this.direct.dm(user, message, options);
  }
}
