/**
 * The postmortem canvas's charts: each SVG the Markdown export links by file name is drawn as
 * a PNG (Slack shows a PNG as an image, not an SVG), uploaded to the incident's thread, and
 * embedded in the canvas by its permalink (`![](permalink)`, how a canvas shows a file), under
 * its title.
 * A chart that cannot be drawn or uploaded becomes a line saying why; the canvas is written
 * anyway. A chart uploaded before with the same content is not uploaded again (per process,
 * at most MAX_REMEMBERED): a notes change rewrites the canvas without filling the thread.
 */
import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import type { Incident } from '../../core/incident/model.js';
import { SlackApiError } from '../gateway.js';
import { truncate } from '../limits.js';
import type { SlackWorkspace } from '../workspace.js';

/** A chart file's permalink once uploaded, or why it is not in the canvas. */
export type ChartLink = { readonly permalink: string } | { readonly reason: string };

const MAX_REMEMBERED = 500;

export class CanvasCharts {
  private readonly uploaded = new Map<string, string>();

  constructor(
    private readonly d: {
      readonly workspace: SlackWorkspace | undefined;
      readonly svgPng: ((svg: string) => Promise<Buffer>) | undefined;
      readonly logger: Logger;
    },
  ) {}

  /** Every chart file, by file name: its permalink, or the reason it is not available. */
  async upload(
    incident: Incident,
    charts: readonly { readonly filename: string; readonly content: string }[],
  ): Promise<Map<string, ChartLink>> {
    const out = new Map<string, ChartLink>();
    for (const chart of charts) out.set(chart.filename, await this.one(incident, chart));
    return out;
  }

  private async one(incident: Incident, chart: { filename: string; content: string }): Promise<ChartLink> {
    const { workspace, svgPng } = this.d;
    const card = incident.card;
    if (!workspace) return { reason: 'this app manages no Slack workspace places' };
    if (!card) return { reason: 'the incident has no card whose thread could hold it' };
    if (!svgPng) return { reason: 'no PNG renderer in this process' };
    const key = createHash('sha256')
      .update(`${card.channel}/${card.ts}/`)
      .update(chart.content)
      .digest('hex');
    const known = this.uploaded.get(key);
    if (known) return { permalink: known };
    try {
      const png = await svgPng(chart.content);
      const filename = chart.filename.replace(/\.svg$/i, '.png');
      const permalink = await workspace.uploadFile(card.channel, card.ts, {
        filename,
        title: filename,
        content: png,
      });
      this.remember(key, permalink);
      return { permalink };
    } catch (error) {
      const reason =
        error instanceof SlackApiError ? error.error : error instanceof Error ? error.message : String(error);
      this.d.logger.warn(
        { incident: incident.id, chart: chart.filename, err: reason },
        'canvas chart not uploaded',
      );
      return { reason: truncate(reason, 200) };
    }
  }

  private remember(key: string, permalink: string): void {
    this.uploaded.set(key, permalink);
    // The oldest first out: a long-running process keeps a bounded map.
    for (const oldest of this.uploaded.keys()) {
      if (this.uploaded.size <= MAX_REMEMBERED) break;
      this.uploaded.delete(oldest);
    }
  }
}

/**
 * The Markdown export's image lines, for a canvas: a chart uploaded is embedded by its
 * permalink; one that is not says "chart not available" and why.
 */
export function canvasMarkdown(markdown: string, charts: ReadonlyMap<string, ChartLink>): string {
  return markdown.replace(/^!\[((?:\\.|[^\]\\])*)\]\(([^)\s]+)\)$/gm, (_, title: string, file: string) => {
    const link = charts.get(file);
    // A canvas embeds a file as an image by `![](permalink)` (Slack's file unfurl): the title goes above.
    if (link && 'permalink' in link) return `**${title}**\n![](${link.permalink})`;
    const reason = link ? link.reason : 'it was not drawn';
    // Slack's codes (missing_scope) in code spans: their underscores are not emphasis.
    const said = /^[a-z_]+$/.test(reason) ? `\`${reason}\`` : reason.replace(/[\\`*_[\]<>]/g, '\\$&');
    return `${title}: chart not available: ${said}.`;
  });
}
