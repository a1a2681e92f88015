/**
 * Posting blocks Slack draws natively (table, data_visualization) with a fallback: a workspace
 * that refuses them answers `invalid_blocks`; that answer is remembered for this process (the
 * next chart goes straight to the PNG, no refused call first) and the fallback is posted
 * instead: the code-block table, the PNG upload. data_visualization is sent only when the
 * configuration enables it (SLACK_NATIVE_CHARTS); a chart that cannot be drawn either way is
 * logged, never an error to a person.
 */
import type { Logger } from 'pino';
import type { Blocks, SlackMessage } from './blocks/common.js';
import type { DataVisualizationBlock, NativeBlock, NativeBlockType } from './blocks/native-types.js';
import { NATIVE_LIMITS, nativeTypesIn } from './blocks/native-types.js';
import { SlackApiError, type SlackGateway } from './gateway.js';
import { uploadChart } from './thread.js';

export interface NativeBlocksDeps {
  readonly slack: SlackGateway;
  readonly logger: Logger;
  readonly chart?: ((spec: Record<string, unknown>) => Promise<Buffer>) | undefined;
  /** SLACK_NATIVE_CHARTS: send charts as data_visualization blocks (else PNG uploads). */
  readonly charts: boolean;
}

/** A message whose blocks may include ones @slack/types does not describe (the gateway passes blocks through). */
export function nativeMessage(text: string, blocks: readonly NativeBlock[]): SlackMessage {
  return { text, blocks: blocks as unknown as Blocks };
}

export class NativeBlocks {
  /** Block types this workspace refused with invalid_blocks, since the process started. */
  private readonly refused = new Set<NativeBlockType>();

  constructor(private readonly d: NativeBlocksDeps) {}

  /** Whether `type` is worth sending: enabled, and not refused before. */
  usable(type: NativeBlockType): boolean {
    if (type === 'data_visualization' && !this.d.charts) return false;
    return !this.refused.has(type);
  }

  /**
   * Posts `messages` in the thread; if Slack refuses one as invalid_blocks, its native block
   * types are remembered and the `fallback` messages (from that position on) are posted instead.
   */
  async postAll(
    channel: string,
    threadTs: string | undefined,
    messages: readonly SlackMessage[],
    fallback: readonly SlackMessage[],
  ): Promise<'native' | 'fallback'> {
    const types = nativeTypesIn(messages.flatMap((m) => m.blocks as readonly { type: string }[]));
    if (!types.every((t) => this.usable(t))) {
      for (const m of fallback) await this.d.slack.post(channel, m, threadTs);
      return 'fallback';
    }
    for (const [i, message] of messages.entries()) {
      try {
        await this.d.slack.post(channel, message, threadTs);
      } catch (error) {
        if (!(error instanceof SlackApiError) || error.error !== 'invalid_blocks') throw error;
        this.refuse(nativeTypesIn(message.blocks as readonly { type: string }[]));
        for (const m of fallback.slice(Math.min(i, fallback.length - 1)))
          await this.d.slack.post(channel, m, threadTs);
        return 'fallback';
      }
    }
    return 'native';
  }

  /**
   * A chart in the thread: the data_visualization blocks when usable (at most two per message,
   * as Slack allows), else, or when Slack refuses them, the PNG rendered from `png.spec`.
   */
  async chart(
    at: { channel: string; ts: string },
    blocks: readonly DataVisualizationBlock[],
    png: { filename: string; title: string; spec: Record<string, unknown> },
  ): Promise<'native' | 'png'> {
    if (blocks.length > 0 && this.usable('data_visualization')) {
      try {
        for (let i = 0; i < blocks.length; i += NATIVE_LIMITS.chartsPerMessage)
          await this.d.slack.post(
            at.channel,
            nativeMessage(png.title, blocks.slice(i, i + NATIVE_LIMITS.chartsPerMessage)),
            at.ts,
          );
        return 'native';
      } catch (error) {
        if (error instanceof SlackApiError && error.error === 'invalid_blocks')
          this.refuse(['data_visualization']);
        else
          this.d.logger.warn(
            { chart: png.filename, err: String(error) },
            'native chart failed; uploading the PNG',
          );
      }
    }
    await uploadChart(this.d, at, png.filename, png.title, png.spec);
    return 'png';
  }

  private refuse(types: readonly NativeBlockType[]): void {
    for (const t of types) {
      if (this.refused.has(t)) continue;
      this.refused.add(t);
      this.d.logger.warn(
        { block: t },
        `Slack refused ${t} blocks (invalid_blocks); sending the fallback from now on in this process`,
      );
    }
  }
}
