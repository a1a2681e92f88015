/**
 * Alertmanager's webhook (payload version 4) → what to do per alert group:
 * which runbook each firing alert maps to (its `runbook_id` label, else its
 * alert name in a runbook's metadata), the runbook inputs filled from labels,
 * and the key that makes a repeated notification change nothing. Pure.
 */
import type { Runbook } from '../runbook/types.js';

export interface AlertmanagerAlert {
  readonly status: 'firing' | 'resolved';
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  readonly startsAt: string;
  readonly endsAt: string;
  readonly generatorURL?: string | undefined;
  readonly fingerprint: string;
}

export interface AlertmanagerPayload {
  readonly version: '4';
  readonly groupKey: string;
  readonly status: 'firing' | 'resolved';
  readonly receiver: string;
  readonly truncatedAlerts: number;
  readonly externalURL: string;
  readonly alerts: readonly AlertmanagerAlert[];
}

export type ParsedPayload = { ok: true; payload: AlertmanagerPayload } | { ok: false; problem: string };

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const isStringMap = (v: unknown): v is Record<string, string> =>
  isRecord(v) && Object.values(v).every((x) => typeof x === 'string');

export function parseAlertmanagerPayload(body: unknown): ParsedPayload {
  if (!isRecord(body))
    return { ok: false, problem: 'the body must be a JSON object (Alertmanager webhook payload)' };
  if (body.version !== '4')
    return {
      ok: false,
      problem: `payload version ${JSON.stringify(body.version)} is not supported; Alertmanager sends version "4"`,
    };
  if (typeof body.groupKey !== 'string' || body.groupKey === '')
    return { ok: false, problem: 'groupKey is missing' };
  if (body.status !== 'firing' && body.status !== 'resolved')
    return { ok: false, problem: 'status must be "firing" or "resolved"' };
  if (!Array.isArray(body.alerts)) return { ok: false, problem: 'alerts must be an array' };
  const alerts: AlertmanagerAlert[] = [];
  for (const [i, a] of body.alerts.entries()) {
    if (!isRecord(a)) return { ok: false, problem: `alerts[${i}] must be an object` };
    if (a.status !== 'firing' && a.status !== 'resolved')
      return { ok: false, problem: `alerts[${i}].status must be "firing" or "resolved"` };
    if (!isStringMap(a.labels))
      return { ok: false, problem: `alerts[${i}].labels must map names to strings` };
    if (a.annotations !== undefined && !isStringMap(a.annotations))
      return { ok: false, problem: `alerts[${i}].annotations must map names to strings` };
    if (typeof a.startsAt !== 'string' || Number.isNaN(Date.parse(a.startsAt)))
      return { ok: false, problem: `alerts[${i}].startsAt must be a time` };
    if (typeof a.fingerprint !== 'string')
      return { ok: false, problem: `alerts[${i}].fingerprint is missing` };
    alerts.push({
      status: a.status,
      labels: a.labels,
      annotations: (a.annotations as Record<string, string> | undefined) ?? {},
      startsAt: a.startsAt,
      endsAt: typeof a.endsAt === 'string' ? a.endsAt : '0001-01-01T00:00:00Z',
      generatorURL: typeof a.generatorURL === 'string' ? a.generatorURL : undefined,
      fingerprint: a.fingerprint,
    });
  }
  return {
    ok: true,
    payload: {
      version: '4',
      groupKey: body.groupKey,
      status: body.status,
      receiver: typeof body.receiver === 'string' ? body.receiver : '',
      truncatedAlerts: typeof body.truncatedAlerts === 'number' ? body.truncatedAlerts : 0,
      externalURL: typeof body.externalURL === 'string' ? body.externalURL : '',
      alerts,
    },
  };
}

export function runbookForAlert(alert: AlertmanagerAlert, runbooks: readonly Runbook[]): Runbook | undefined {
  const id = alert.labels.runbook_id;
  if (id) {
    const byId = runbooks.find((r) => r.metadata.id === id);
    if (byId) return byId;
  }
  const name = alert.labels.alertname;
  return name ? runbooks.find((r) => r.metadata.alerts.includes(name)) : undefined;
}

/** Inputs the runbook declares as coming from alert labels, read from the alert's labels. */
export function inputsFromLabels(
  runbook: Runbook,
  labels: Readonly<Record<string, string>>,
): Record<string, string> {
  const inputs: Record<string, string> = {};
  for (const input of runbook.inputs ?? []) {
    if (!input.sources.includes('alert-label')) continue;
    const value = labels[input.alertLabel ?? input.name];
    if (value !== undefined) inputs[input.name] = value;
  }
  return inputs;
}

export interface AlertGroupPlan {
  readonly runbook: Runbook;
  /** One incident per alert group, runbook and firing episode (the earliest start). */
  readonly key: string;
  readonly alerts: readonly AlertmanagerAlert[];
  readonly inputs: Record<string, string>;
  readonly service: string | undefined;
}

/** Groups the payload's alerts by runbook; alerts no runbook claims are returned apart. */
export function planAlertGroup(
  payload: AlertmanagerPayload,
  runbooks: readonly Runbook[],
): { plans: AlertGroupPlan[]; unknown: AlertmanagerAlert[] } {
  const byRunbook = new Map<string, { runbook: Runbook; alerts: AlertmanagerAlert[] }>();
  const unknown: AlertmanagerAlert[] = [];
  for (const alert of payload.alerts) {
    const runbook = runbookForAlert(alert, runbooks);
    if (!runbook) {
      unknown.push(alert);
      continue;
    }
    const entry = byRunbook.get(runbook.metadata.id) ?? { runbook, alerts: [] };
    entry.alerts.push(alert);
    byRunbook.set(runbook.metadata.id, entry);
  }
  const plans = [...byRunbook.values()].map(({ runbook, alerts }) => {
    const first = [...alerts].sort(
      (a, b) => Date.parse(a.startsAt) - Date.parse(b.startsAt),
    )[0] as AlertmanagerAlert;
    return {
      runbook,
      key: `alertmanager:${payload.groupKey}:${runbook.metadata.id}:${new Date(first.startsAt).toISOString()}`,
      alerts,
      inputs: inputsFromLabels(runbook, first.labels),
      service: first.labels.service ?? first.labels.job,
    };
  });
  return { plans, unknown };
}
