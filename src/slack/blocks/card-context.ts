/**
 * The links a card shows beyond the incident: the runbook's source (RUNBOOK_BASE_URL
 * plus the runbook's file name) and a dashboard (DASHBOARD_URL_TEMPLATE filled in for
 * the service and the incident window). Pure: the caller passes the clock's time.
 */
import type { Incident } from '../../core/incident/model.js';
import type { Runbook } from '../../core/runbook/types.js';
import type { CardContext } from './card.js';

export interface CardLinks {
  /** RUNBOOK_BASE_URL, such as https://github.com/acme/gc-runbooks/blob/main/runbooks */
  readonly runbookBaseUrl?: string | undefined;
  /**
   * DASHBOARD_URL_TEMPLATE with {service}, {job}, {from} and {to} (epoch milliseconds): the window
   * runs from 30 minutes before the incident opened to now.
   */
  readonly dashboardUrlTemplate?: string | undefined;
}

/** How far before the opening the incident window starts (charts and dashboards). */
export const WINDOW_LEAD_MS = 30 * 60_000;

export function runbookSourceUrl(base: string | undefined, file: string | undefined): string | undefined {
  if (!base || !file) return undefined;
  const name = file.split(/[\\/]/).pop() ?? file;
  return `${base.replace(/\/+$/, '')}/${encodeURIComponent(name)}`;
}

export function dashboardUrl(
  template: string | undefined,
  incident: Incident,
  now: Date,
): string | undefined {
  if (!template) return undefined;
  const values: Record<string, string> = {
    service: incident.service,
    job: incident.inputs.job ?? incident.service,
    incident: incident.id,
    from: String(Date.parse(incident.openedAt) - WINDOW_LEAD_MS),
    to: String(now.getTime()),
  };
  return template.replace(/\{(service|job|incident|from|to)\}/g, (_, key: string) =>
    encodeURIComponent(values[key] ?? ''),
  );
}

export function cardContext(
  incident: Incident,
  entry: { readonly runbook: Runbook; readonly file: string } | undefined,
  links: CardLinks,
  now: Date,
): CardContext {
  return {
    runbook: entry?.runbook,
    runbookUrl: runbookSourceUrl(links.runbookBaseUrl, entry?.file),
    dashboardUrl: dashboardUrl(links.dashboardUrlTemplate, incident, now),
    now,
  };
}
