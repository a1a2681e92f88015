/**
 * The value parsers of src/config.ts: each takes one variable's text (never the environment)
 * and returns the typed value or stops with CONFIG_INVALID naming the variable. Split from
 * config.ts only to keep both files short; config.ts is still the one reader of the environment.
 */
import { createRequire } from 'node:module';
import { parseDuration } from './core/duration.js';
import { GcIncidentError } from './core/errors.js';

export function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

export function invalid(variable: string, message: string): never {
  throw new GcIncidentError('CONFIG_INVALID', `${variable} ${message}`, { variable });
}

/** PYTHON_ROOTS: absolute directories, colon-separated (whether they exist is said when one is searched). */
export function parsePythonRoots(value: string | undefined): readonly string[] {
  const roots = (nonEmpty(value) ?? '').split(':').filter((r) => r.trim() !== '');
  for (const root of roots) {
    if (!root.startsWith('/'))
      invalid('PYTHON_ROOTS', `must list absolute directories separated by ':' (got '${root}')`);
  }
  return Object.freeze(roots.map((r) => r.trim()));
}

/** SLACK_APPROVERS: checked on every surface (a terminal user matches none of its Slack ids). */
export function parseApprovers(value: string | undefined): readonly string[] {
  return parseSlackIds('SLACK_APPROVERS', value);
}

/** A comma- or space-separated list of Slack user ids (U…, W…) and user-group ids (S…). */
export function parseSlackIds(name: string, value: string | undefined): readonly string[] {
  const ids = (nonEmpty(value) ?? '').split(/[\s,]+/).filter((a) => a !== '');
  for (const a of ids) {
    if (!/^[UWS][A-Z0-9]{2,}$/.test(a))
      invalid(
        name,
        `must list Slack user ids (U…) and user-group ids (S…), comma-separated; '${a}' is neither`,
      );
  }
  return Object.freeze(ids);
}

export interface IncidentChannelConfig {
  /** INCIDENT_CHANNEL_SEVERITIES (default sev1,sev2; 'none': every incident is a thread). */
  readonly severities: readonly ('sev1' | 'sev2' | 'sev3' | 'sev4')[];
  /** INCIDENT_CHANNEL_NAME: {year}, {number}, {service}, {id} filled in, then made a valid channel name. */
  readonly nameTemplate: string;
  /** INCIDENT_CHANNEL_ARCHIVE_AFTER: archived this long after close; undefined ('off'): never. */
  readonly archiveAfterMs: number | undefined;
}

export function parseIncidentChannels(
  severitiesText: string | undefined,
  nameText: string | undefined,
  archiveText: string | undefined,
): IncidentChannelConfig {
  const list = nonEmpty(severitiesText) ?? 'sev1,sev2';
  const severities = list === 'none' ? [] : list.split(/[\s,]+/).filter((s) => s !== '');
  for (const s of severities)
    if (!['sev1', 'sev2', 'sev3', 'sev4'].includes(s))
      invalid(
        'INCIDENT_CHANNEL_SEVERITIES',
        `must list severities such as 'sev1,sev2' (or 'none'); '${s}' is not one`,
      );
  const nameTemplate = nonEmpty(nameText) ?? 'inc-gc-{year}-{number}-{service}';
  if (!/\{(number|id)\}/.test(nameTemplate))
    invalid(
      'INCIDENT_CHANNEL_NAME',
      `must contain {number} or {id} so each incident's name differs (got '${nameTemplate}')`,
    );
  const archive = nonEmpty(archiveText) ?? '24h';
  let archiveAfterMs: number | undefined;
  if (archive !== 'off') {
    const parsed = parseDuration(archive);
    if (!parsed.ok)
      invalid(
        'INCIDENT_CHANNEL_ARCHIVE_AFTER',
        `must be a duration such as '24h' or 'off': ${parsed.reason}`,
      );
    archiveAfterMs = parsed.ms;
  }
  return { severities: severities as IncidentChannelConfig['severities'], nameTemplate, archiveAfterMs };
}

/** node-cron is only needed by `serve`: required on first use, so other commands start faster. */
function validateCron(expression: string): boolean {
  const cron = createRequire(import.meta.url)('node-cron') as typeof import('node-cron');
  return cron.validate(expression);
}

/** A node-cron expression, or undefined for 'off'. */
export function parseCron(variable: string, value: string | undefined, fallback: string): string | undefined {
  const text = nonEmpty(value) ?? fallback;
  if (text === 'off') return undefined;
  if (!validateCron(text))
    invalid(variable, `must be a cron expression such as '${fallback}' (or 'off'); got '${text}'`);
  return text;
}

/** ALERT_RELAPSE_WINDOW in milliseconds (0: never re-open). */
export function parseRelapseWindow(value: string | undefined): number {
  const text = nonEmpty(value) ?? '1h';
  const relapse = text === '0' ? { ok: true as const, ms: 0 } : parseDuration(text);
  if (!relapse.ok)
    invalid('ALERT_RELAPSE_WINDOW', `must be a duration such as 1h or 30m, or 0 (got '${text}')`);
  return relapse.ms;
}

/** ALERT_FLEET: KEYS/WINDOW[/SERVICES] (SERVICES: how many a fleet check queries), or undefined for 'off'. */
export function parseFleet(
  value: string | undefined,
): { keys: number; windowMs: number; checkServices?: number } | undefined {
  const text = nonEmpty(value) ?? '10/5m';
  if (text === 'off') return undefined;
  const match = /^([0-9]{1,5})\/([^/]+)(?:\/([0-9]{1,4}))?$/.exec(text);
  const window = match ? parseDuration(match[2] as string) : undefined;
  const services = match?.[3] === undefined ? undefined : Number(match[3]);
  if (
    !match ||
    !window?.ok ||
    Number(match[1]) < 1 ||
    (services !== undefined && (services < 1 || services > 1000))
  )
    invalid(
      'ALERT_FLEET',
      `must be KEYS/WINDOW such as 10/5m, optionally /SERVICES (1–1000) such as 10/5m/50, or 'off' (got '${text}')`,
    );
  return { keys: Number(match[1]), windowMs: window.ms, ...(services ? { checkServices: services } : {}) };
}

/** An on/off switch (default off). */
export function parseSwitch(variable: string, value: string | undefined): boolean {
  const text = nonEmpty(value) ?? 'off';
  if (text !== 'on' && text !== 'off') invalid(variable, `must be 'on' or 'off' (got '${text}')`);
  return text === 'on';
}
