/**
 * Postmortem export for the terminal and Slack: loads the incident and its
 * timeline, adds what only I/O can give (the runbook, the repro scripts of its
 * simulations, their charts), and renders JSON, Markdown or HTML.
 */

import { GcIncidentError } from '../../core/errors.js';
import type { Clock, IncidentStore, MetricsClient } from '../../core/ports.js';
import { buildPostmortem } from '../../core/postmortem/build.js';
import type { Readers } from '../../core/postmortem/readable.js';
import { renderHtml } from '../../core/postmortem/render-html.js';
import { renderMarkdown } from '../../core/postmortem/render-markdown.js';
import type { Runbook } from '../../core/runbook/types.js';
import { simulationChartSpec } from '../../core/simulator/chart-spec.js';
import { reproScript } from '../../core/simulator/repro.js';
import { type SimulationResult, simulate } from '../../core/simulator/simulate.js';
import type { Workload } from '../../core/simulator/workload.js';
import { renderSvg } from '../charts/render.js';
import { stepWorkloads } from '../simulator/runbook-step.js';
import { incidentMetricCharts } from './metric-charts.js';

export type ExportFormat = 'md' | 'json' | 'html';

export interface ExportRequest {
  readonly store: IncidentStore;
  readonly clock: Clock;
  readonly incidentId: string;
  readonly format: ExportFormat;
  /** The runbook the incident follows and its file, when still available. */
  readonly runbook?: { readonly runbook: Runbook; readonly file: string } | undefined;
  /**
   * Charts in the HTML: the simulator is deterministic, so each simulate step is run again to
   * draw its chart (off by default in benchmarks and wherever time matters more).
   */
  readonly charts?: boolean | undefined;
  /** How to simulate and draw: in-process by default; the Slack app passes worker-thread versions. */
  readonly simulate?: ((workload: Workload) => Promise<SimulationResult>) | undefined;
  readonly renderSvg?: ((spec: Record<string, unknown>) => Promise<string>) | undefined;
  /** Names, the team's time zone and people's zones (users.info): see core/postmortem/readable.ts. */
  readonly readers?: Readers | undefined;
  /** With it (and the runbook), the detection checks' metrics over the incident window are charted. */
  readonly metrics?: MetricsClient | undefined;
  /**
   * Prometheus' URL, so the Markdown links each metric chart's query; by default the metrics
   * client's own datasource URL when it can tell (the Prometheus client can).
   */
  readonly graphBaseUrl?: string | ((datasource: string) => string | undefined) | undefined;
}

export interface ExportedFile {
  readonly filename: string;
  readonly mime: string;
  readonly content: string;
  /** Files the Markdown links by relative name (its charts, SVG): written beside it. */
  readonly attachments?: readonly { readonly filename: string; readonly content: string }[] | undefined;
}

export async function exportPostmortem(request: ExportRequest): Promise<ExportedFile> {
  const incident = await request.store.load(request.incidentId);
  if (!incident) {
    throw new GcIncidentError(
      'INCIDENT_NOT_FOUND',
      `no incident ${request.incidentId} (list them with 'gc-incident incidents')`,
      {
        incidentId: request.incidentId,
      },
    );
  }
  const timeline = await request.store.timeline(incident.id);
  const reproScripts: Record<string, string> = {};
  const charts: Record<string, string> = {};
  const runbook = request.runbook;
  if (runbook) {
    for (const step of runbook.runbook.triage.steps) {
      if (step.kind !== 'simulate') continue;
      const state = incident.steps.find((s) => s.id === step.id);
      if (state?.status !== 'done') continue;
      try {
        const variants = stepWorkloads(
          step,
          runbook.file,
          (state.result as { python?: string } | undefined)?.python as never,
        );
        const baseline = variants[0];
        if (baseline) reproScripts[step.id] = reproScript(baseline.workload);
        if (request.charts && request.format !== 'json') {
          const run = request.simulate ?? (async (w: Workload) => simulate(w));
          const results: { label: string; result: SimulationResult }[] = [];
          for (const { label, workload } of variants) results.push({ label, result: await run(workload) });
          charts[step.id] = await (request.renderSvg ?? renderSvg)(
            simulationChartSpec(results, step.title, { objective: step.objective }),
          );
        }
      } catch {
        // The workload file moved or changed shape: the table from the timeline still stands.
      }
    }
  }
  const pm = buildPostmortem(incident, timeline, {
    generatedAt: request.clock.now().toISOString(),
    runbook: runbook?.runbook,
    reproScripts,
  });
  const metricCharts =
    request.metrics && runbook && request.format !== 'json'
      ? await incidentMetricCharts({
          incident,
          runbook: runbook.runbook,
          metrics: request.metrics,
          now: request.clock.now(),
          renderSvg: request.renderSvg ?? renderSvg,
          graphBaseUrl: request.graphBaseUrl ?? graphLinksOf(request.metrics),
          timeZone: request.readers?.timeZone,
        })
      : [];
  const readers: Readers = { ...request.readers, metricCharts };
  const base = `${incident.id}-postmortem`;
  switch (request.format) {
    case 'json':
      return {
        filename: `${base}.json`,
        mime: 'application/json',
        content: `${JSON.stringify(pm, null, 2)}\n`,
      };
    case 'md': {
      // Charts are files beside the Markdown, linked by relative name: any viewer shows them.
      const simulationFiles = Object.keys(charts).map((step) => ({
        step,
        filename: `${incident.id}-${step}.svg`,
        content: charts[step] as string,
      }));
      const attachments = [
        ...metricCharts.flatMap((c) => (c.svg ? [{ filename: c.file, content: c.svg }] : [])),
        ...simulationFiles.map(({ filename, content }) => ({ filename, content })),
      ];
      const content = renderMarkdown(pm, {
        ...readers,
        metricCharts: metricCharts.filter((c) => c.svg),
        simulationCharts: Object.fromEntries(simulationFiles.map((f) => [f.step, f.filename])),
      });
      return { filename: `${base}.md`, mime: 'text/markdown', content, attachments };
    }
    case 'html':
      return { filename: `${base}.html`, mime: 'text/html', content: renderHtml(pm, charts, readers) };
  }
}

/** A metrics client that knows where its datasources' graphs are (PrometheusClient). */
function graphLinksOf(metrics: MetricsClient): ((datasource: string) => string | undefined) | undefined {
  const links = metrics as MetricsClient & { graphBaseUrl?: unknown };
  return typeof links.graphBaseUrl === 'function'
    ? (datasource) => (links.graphBaseUrl as (d: string) => string | undefined).call(metrics, datasource)
    : undefined;
}
