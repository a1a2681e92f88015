/** What the incident flow is built from, and the requests it is given. */
import type { Logger } from 'pino';
import type { FitRequest } from '../../adapters/fit/fit-job.js';
import type { RunbookLibrary } from '../../adapters/fs/runbook-library.js';
import type { HttpActionRunner } from '../../adapters/http-actions/runner.js';
import type { WorkLeases } from '../../adapters/leases/work-leases.js';
import type { AppMetrics } from '../../adapters/observability/app-metrics.js';
import type { IncidentChannelConfig } from '../../config.js';
import type { AlertPolicy } from '../../core/incident/driver/alerts.js';
import type { Incident } from '../../core/incident/model.js';
import type { IncidentService } from '../../core/incident/service.js';
import type { Clock, MetricsClient, Store } from '../../core/ports.js';
import type { SimulationResult } from '../../core/simulator/simulate.js';
import type { Workload } from '../../core/simulator/workload.js';
import type { CardLinks } from '../blocks/card-context.js';
import type { SlackGateway } from '../gateway.js';
import type { SlackWorkspace } from '../workspace.js';

/** Who clicked or typed: payload.user.id only (never the username: not unique, deprecated). */
export interface SlackUser {
  readonly id: string;
}

export interface FlowDeps {
  readonly service: IncidentService;
  readonly store: Store;
  readonly runbooks: RunbookLibrary;
  readonly slack: SlackGateway;
  readonly metrics?: MetricsClient | undefined;
  readonly actions?: HttpActionRunner | undefined;
  /** Runs one workload off the main event loop (a worker thread), reporting progress. */
  readonly simulate: (
    workload: Workload,
    onProgress: (fraction: number) => void,
  ) => Promise<SimulationResult>;
  /** Runs one fit off the main event loop (the simulation pool); without it, fits run in this thread. */
  readonly fit?: FitRequest['fit'];
  /** Renders a Vega chart to PNG; without it, no charts are uploaded. */
  readonly chart?: ((spec: Record<string, unknown>) => Promise<Buffer>) | undefined;
  /** Renders a Vega chart to SVG, for postmortem pages (default: in-process). */
  readonly svg?: ((spec: Record<string, unknown>) => Promise<string>) | undefined;
  /** An SVG chart as PNG, for the postmortem canvas (Slack shows an uploaded PNG as an image); without it, none. */
  readonly svgPng?: ((svg: string) => Promise<Buffer>) | undefined;
  readonly clock: Clock;
  readonly sleep: (ms: number) => Promise<void>;
  readonly logger: Logger;
  readonly appMetrics: AppMetrics;
  /** SLACK_APPROVERS: users (U…) and user groups (S…) who may approve any high-risk action. */
  readonly approvers: readonly string[];
  /** Running steps are held under a lease, so a replica's death fails them instead of leaving them running. */
  readonly leases?: WorkLeases | undefined;
  /** RUNBOOK_BASE_URL and DASHBOARD_URL_TEMPLATE, for the card's links. */
  readonly cardLinks?: CardLinks | undefined;
  /** The team's time zone (DIGEST_TIMEZONE): postmortem times are shown in it. */
  readonly teamTimeZone?: string | undefined;
  /** SLACK_NATIVE_CHARTS: charts as data_visualization blocks, the PNG as the fallback. */
  readonly nativeCharts?: boolean | undefined;
  /** Channels, bookmarks, pins and canvases (without it: every incident is a thread, no canvas). */
  readonly workspace?: SlackWorkspace | undefined;
  /** Which severities get their own channel, its name, when it is archived. */
  readonly incidentChannels?: IncidentChannelConfig | undefined;
  /** ALERT_RELAPSE_WINDOW and ALERT_FLEET (docs/alerts-dedup.md); defaults: 1h, 10 causes in 5 min. */
  readonly alertPolicy?: AlertPolicy | undefined;
}

export interface StartRequest {
  readonly runbookId: string;
  readonly service?: string | undefined;
  readonly severity?: string | undefined;
  readonly summary?: string | undefined;
  readonly inputs: Readonly<Record<string, string>>;
  readonly channel: string;
  readonly user: SlackUser;
  readonly trigger?: string | undefined;
  readonly idempotencyKey: string;
  /** A title other than the runbook's, and a cause other than its inputs' (a fleet incident). */
  readonly title?: string | undefined;
  readonly cause?: string | undefined;
  /**
   * Post the card in the background (its lease held first, so a process that dies leaves it to
   * another): an Alertmanager webhook answers once the store has the incident, not once Slack's
   * per-channel pace lets its card through. `afterCard` runs once the card is posted.
   */
  readonly cardLater?: ((incident: Incident) => Promise<void>) | true | undefined;
}

/** The actor Alertmanager's notifications are recorded as. */
export const ALERTMANAGER = 'alertmanager';
