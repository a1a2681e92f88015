/**
 * The metrics of the incident window for the postmortem: each detection check's
 * query from 30 minutes before the opening to the incident's resolution (while open: the
 * current minute), drawn with
 * its threshold. SVG: inlined in the HTML page, a file beside the Markdown (a Prometheus
 * graph link under it when the datasource's URL is known).
 */
import { rangeChartSpec } from '../../core/checks/chart-spec.js';
import type { Incident } from '../../core/incident/model.js';
import { renderQuery } from '../../core/incident/render-query.js';
import type { MetricsClient } from '../../core/ports.js';
import type { MetricChart } from '../../core/postmortem/readable.js';
import { DEFAULT_DATASOURCE, type Runbook } from '../../core/runbook/types.js';

const LEAD_MS = 30 * 60_000;
const MAX_CHARTS = 3;

export interface MetricChartRequest {
  readonly incident: Incident;
  readonly runbook: Runbook;
  readonly metrics: MetricsClient;
  readonly now: Date;
  readonly renderSvg: (spec: Record<string, unknown>) => Promise<string>;
  /**
   * Prometheus' base URL (or one per datasource): the Markdown links the query under each
   * chart; the chart itself is always a file of its own (written beside the Markdown).
   */
  readonly graphBaseUrl?: string | ((datasource: string) => string | undefined) | undefined;
  /** The team's time zone, for the time axis (the postmortem's times are in it too). */
  readonly timeZone?: string | undefined;
}

/**
 * Where the incident window ends: when it was resolved (a close without resolution: when it
 * closed), else now to the minute. Never its last change: a notes change would move the window,
 * and with it every chart's content, and the canvas would upload every chart again
 * (src/slack/flow/canvas-charts.ts keeps an upload while its content is the same).
 */
function windowEnd(incident: Incident, now: Date): Date {
  if (incident.status === 'resolved' || incident.status === 'closed')
    return new Date(incident.resolvedAt ?? incident.updatedAt);
  return new Date(Math.floor(now.getTime() / 60_000) * 60_000);
}

export function graphUrl(base: string, query: string, start: Date, end: Date): string {
  const minutes = Math.max(1, Math.ceil((end.getTime() - start.getTime()) / 60_000));
  const params = new URLSearchParams({
    'g0.expr': query,
    'g0.tab': '0',
    'g0.range_input': `${minutes}m`,
    'g0.end_input': end.toISOString().slice(0, 19).replace('T', ' '),
  });
  return `${base.replace(/\/+$/, '')}/graph?${params.toString()}`;
}

/** Charts that could not be drawn (no data, datasource down) are left out: the page must still build. */
export async function incidentMetricCharts(request: MetricChartRequest): Promise<MetricChart[]> {
  const { incident, runbook } = request;
  const start = new Date(Date.parse(incident.openedAt) - LEAD_MS);
  const end = windowEnd(incident, request.now);
  const stepSeconds = Math.max(15, Math.ceil((end.getTime() - start.getTime()) / 1000 / 240));
  const out: MetricChart[] = [];
  for (const check of runbook.detection.checks.slice(0, MAX_CHARTS)) {
    const query = renderQuery(check.query, incident.inputs);
    const datasource = check.datasource ?? runbook.datasource ?? DEFAULT_DATASOURCE;
    const base =
      typeof request.graphBaseUrl === 'function' ? request.graphBaseUrl(datasource) : request.graphBaseUrl;
    try {
      const series = await request.metrics.range(datasource, query, start, end, stepSeconds);
      if (series.length === 0) continue;
      const title = `${check.title} (incident window)`;
      const svg = await request.renderSvg(
        rangeChartSpec(series, {
          title,
          threshold: check.threshold,
          operator: check.operator,
          stepSeconds,
          unit: check.unit,
          marker: { at: Date.parse(incident.openedAt), label: 'opened' },
          timeZone: request.timeZone,
        }),
      );
      out.push({
        title,
        file: `${incident.id}-${check.id}.svg`,
        svg,
        ...(base ? { link: graphUrl(base, query, start, end) } : {}),
      });
    } catch {
      // The datasource is down or the query failed: the postmortem goes out without this chart.
    }
  }
  return out;
}
