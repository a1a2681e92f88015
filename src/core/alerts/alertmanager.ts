/**
 * Alertmanager's webhook (payload version 4) → what to do per alert group:
 * which runbook each firing alert maps to (its `runbook_id` label, else its
 * alert name in a runbook's metadata), the runbook inputs filled from labels,
 * and the key that makes a repeated notification change nothing. Pure.
 */
import type { Runbook } from '../runbook/types.js';
import { causeOf } from './cause.js';

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
  /** What the alerts stand for (src/core/alerts/cause.ts): the incident's identity. */
  readonly cause: string;
  /** The notification's part for this cause (group, runbook, inputs, earliest start): its notices' key. */
  readonly key: string;
  readonly alerts: readonly AlertmanagerAlert[];
  readonly inputs: Record<string, string>;
  readonly service: string | undefined;
}

/** Firing alerts that cannot open an incident, and what a person needs to open it by hand. */
export interface BlockedAlerts {
  readonly alerts: readonly AlertmanagerAlert[];
  readonly alertname: string;
  readonly runbook: Runbook | undefined;
  /** What is missing or wrong, in a sentence. */
  readonly problem: string;
  /** The exact `/gc-incident start …` line; placeholders `<name>` for what the alert lacks. */
  readonly startLine: string;
  /** Once per alert group, runbook, service and episode: the Slack notice's key. */
  readonly key: string;
}

export interface GroupPlan {
  readonly plans: AlertGroupPlan[];
  readonly blocked: BlockedAlerts[];
  /** Alerts no runbook claims (also in `blocked` when firing). */
  readonly unknown: AlertmanagerAlert[];
}

function episode(alerts: readonly AlertmanagerAlert[]): string {
  const first = [...alerts].sort((a, b) => Date.parse(a.startsAt) - Date.parse(b.startsAt))[0];
  return first ? new Date(first.startsAt).toISOString() : 'unknown';
}

/** A `key=value` argument of the slash command, quoted when the value needs it. */
function argument(key: string, value: string): string {
  if (value !== '' && !/[\s"'“”‘’]/.test(value)) return `${key}=${value}`;
  return value.includes('"') ? `${key}='${value}'` : `${key}="${value}"`;
}

export function startLine(
  runbookId: string,
  inputs: Readonly<Record<string, string>>,
  missing: readonly string[],
  service: string | undefined,
): string {
  const args = [
    ...Object.entries(inputs).map(([k, v]) => argument(k, v)),
    ...missing.map((name) => `${name}=<${name}>`),
    ...(service !== undefined ? [argument('service', service)] : []),
  ];
  return ['/gc-incident start', runbookId, ...args].join(' ');
}

/** Inputs a runbook needs that neither the alert's labels nor a default give. */
export function missingInputs(runbook: Runbook, inputs: Readonly<Record<string, string>>): string[] {
  return (runbook.inputs ?? [])
    .filter((i) => i.required && i.default === undefined && inputs[i.name] === undefined)
    .map((i) => i.name);
}

function describeMissing(runbook: Runbook, missing: readonly string[]): string {
  return missing
    .map((name) => {
      const input = runbook.inputs?.find((i) => i.name === name);
      const label = input?.sources.includes('alert-label') ? (input.alertLabel ?? name) : undefined;
      return label
        ? `input \`${name}\` (${input?.description ?? ''}): the alert has no \`${label}\` label`
        : `input \`${name}\` (${input?.description ?? ''}) does not come from alert labels`;
    })
    .join('; ');
}

/**
 * Groups the payload's alerts by runbook and service (the inputs filled from labels), so two
 * services alerting in one group open two incidents. Firing alerts that cannot open one (no
 * runbook, an input missing or invalid) are returned as blocked, with the line that would.
 * `validate` checks inputs the way opening an incident will (types, patterns).
 */
export function planAlertGroup(
  payload: AlertmanagerPayload,
  runbooks: readonly Runbook[],
  validate: (runbook: Runbook, inputs: Readonly<Record<string, string>>) => string | undefined = () =>
    undefined,
): GroupPlan {
  const groups = new Map<
    string,
    { runbook: Runbook; inputs: Record<string, string>; alerts: AlertmanagerAlert[] }
  >();
  const unknownByName = new Map<string, AlertmanagerAlert[]>();
  const unknown: AlertmanagerAlert[] = [];
  for (const alert of payload.alerts) {
    const runbook = runbookForAlert(alert, runbooks);
    if (!runbook) {
      unknown.push(alert);
      const name = alert.labels.alertname ?? alert.fingerprint;
      unknownByName.set(name, [...(unknownByName.get(name) ?? []), alert]);
      continue;
    }
    const inputs = inputsFromLabels(runbook, alert.labels);
    // One plan per cause: alerts of several instances of one job are one incident's.
    const id =
      causeOf(runbook, inputs) ??
      `${runbook.metadata.id}\u0000${JSON.stringify(Object.entries(inputs).sort())}`;
    const entry = groups.get(id) ?? { runbook, inputs, alerts: [] };
    entry.alerts.push(alert);
    groups.set(id, entry);
  }
  const plans: AlertGroupPlan[] = [];
  const blocked: BlockedAlerts[] = [];
  for (const { runbook, inputs, alerts } of groups.values()) {
    const first = alerts[0] as AlertmanagerAlert;
    const service = first.labels.service ?? first.labels.job;
    const id = runbook.metadata.id;
    const who = Object.entries(inputs)
      .sort()
      .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
      .join(',');
    const key = `alertmanager:${payload.groupKey}:${id}:{${who}}:${episode(alerts)}`;
    const missing = missingInputs(runbook, inputs);
    const problem = missing.length > 0 ? describeMissing(runbook, missing) : validate(runbook, inputs);
    const cause = causeOf(runbook, inputs);
    if (problem === undefined && cause !== undefined) {
      plans.push({ runbook, cause, key, alerts, inputs, service });
      continue;
    }
    if (!alerts.some((a) => a.status === 'firing')) continue;
    blocked.push({
      alerts,
      alertname: first.labels.alertname ?? id,
      runbook,
      problem: problem ?? 'the alert names no value for the runbook’s incidentKey',
      startLine: startLine(
        id,
        missing.length > 0 ? inputs : {},
        missing.length > 0 ? missing : Object.keys(inputs),
        service,
      ),
      key: `${key}:blocked`,
    });
  }
  for (const [name, alerts] of unknownByName) {
    if (!alerts.some((a) => a.status === 'firing')) continue;
    const labels = alerts[0]?.labels ?? {};
    blocked.push({
      alerts,
      alertname: name,
      runbook: undefined,
      problem: `no runbook claims this alert: no runbook has id \`${labels.runbook_id ?? '(no runbook_id label)'}\`, and none lists \`${name}\` in metadata.alerts`,
      startLine: startLine('<runbook-id>', {}, [], labels.service ?? labels.job),
      key: `alertmanager:${payload.groupKey}:unknown:${name}:${episode(alerts)}:blocked`,
    });
  }
  return { plans, blocked, unknown };
}

/** A plan as the driver takes it: the cause, which alerts fire, which resolved. */
export function arrivalOf(plan: AlertGroupPlan): {
  runbookId: string;
  cause: string;
  service: string;
  inputs: Record<string, string>;
  firing: { fingerprint: string; name: string }[];
  resolved: string[];
  summary: string;
} {
  const name = (a: AlertmanagerAlert) => a.labels.alertname ?? plan.runbook.metadata.id;
  const firing = plan.alerts.filter((a) => a.status === 'firing');
  return {
    runbookId: plan.runbook.metadata.id,
    cause: plan.cause,
    service: plan.service ?? plan.inputs.job ?? plan.cause,
    inputs: plan.inputs,
    firing: firing.map((a) => ({ fingerprint: a.fingerprint, name: name(a) })),
    resolved: plan.alerts.filter((a) => a.status === 'resolved').map((a) => a.fingerprint),
    summary: `${[...new Set(firing.map(name))].join(', ') || 'the alert'} (${plan.cause})`,
  };
}
