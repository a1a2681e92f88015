/**
 * Configuration is read once, from the environment, validated and frozen.
 * Every variable here is listed in docs/configuration.md (a test keeps the two in step).
 */
import { createRequire } from 'node:module';
import { type ContentSource, resolveContentDirs } from './content-dirs.js';
import { runbookUrlTemplate } from './core/alerts/runbook-url.js';
import { parseDuration } from './core/duration.js';
import { GcIncidentError } from './core/errors.js';

/** node-cron is only needed by `serve`: required on first use, so other commands start faster. */
function validateCron(expression: string): boolean {
  const cron = createRequire(import.meta.url)('node-cron') as typeof import('node-cron');
  return cron.validate(expression);
}

export interface Config {
  /** Folder the runbooks are loaded from: RUNBOOKS_DIR, else ./runbooks, else the package's own. */
  readonly runbooksDir: string;
  /** Where runbooksDir came from ('shipped': the package's runbooks, said once by the CLI). */
  readonly runbooksSource: ContentSource;
  /** YAML file mapping datasource names to endpoints (see schemas/datasources.schema.json). */
  readonly datasourcesFile: string | undefined;
  /** Base URL of the `default` datasource when no datasources file defines one. */
  readonly prometheusUrl: string | undefined;
  /** Absolute `runbook_url` template of generated alert rules (`{id}`), from RUNBOOK_BASE_URL. */
  readonly runbookUrl: string | undefined;
  /** Where runbook sources are read by people (the card links the runbook's file under it). */
  readonly runbookBaseUrl: string | undefined;
  /** A dashboard link for the card: {service}, {job}, {incident}, {from}, {to} are filled in. */
  readonly dashboardUrlTemplate: string | undefined;
  /** Where incidents are stored (sqlite:PATH or postgres://…); unset: the default SQLite file. */
  readonly databaseUrl: string | undefined;
  /** YAML file of named HTTP actions containment steps may call. */
  readonly httpActionsFile: string | undefined;
  /** Measured collector timings for the simulator (gc-incident calibrate). */
  readonly calibrationFile: string | undefined;
  /**
   * Root file systems holding more CPython interpreters (PYTHON_ROOTS, colon-separated absolute
   * paths; a Debian root made by .ci/python-roots.sh): their /usr/bin/python3.X run under chroot.
   */
  readonly pythonRoots: readonly string[];
  /** The team's IANA time zone (DIGEST_TIMEZONE, default UTC): the digest's day, postmortem times and chart axes. */
  readonly digestTimeZone: string;
}

export const ENVIRONMENT_VARIABLES = [
  'RUNBOOKS_DIR',
  'DATASOURCES_FILE',
  'PROMETHEUS_URL',
  'CALIBRATION_FILE',
  'HTTP_ACTIONS_FILE',
  'DATABASE_URL',
  'SLACK_BOT_TOKEN',
  'SLACK_SIGNING_SECRET',
  'SLACK_APP_TOKEN',
  'SLACK_API_URL',
  'SLACK_POST_PACE',
  'SLACK_APPROVERS',
  'PORT',
  'HOST',
  'LOG_LEVEL',
  'WORKLOADS_DIR',
  'REMINDER_CRON',
  'DIGEST_CRON',
  'DIGEST_TIMEZONE',
  'ALERTMANAGER_TOKEN',
  'ALERTMANAGER_CHANNEL',
  'ALERT_RELAPSE_WINDOW',
  'ALERT_FLEET',
  'RUNBOOK_BASE_URL',
  'DASHBOARD_URL_TEMPLATE',
  'PYTHON_ROOTS',
  'MCP_HTTP',
  'MCP_TOKEN',
  'SLACK_NATIVE_CHARTS',
  'INCIDENT_CHANNEL_SEVERITIES',
  'INCIDENT_CHANNEL_NAME',
  'INCIDENT_CHANNEL_ARCHIVE_AFTER',
] as const;

/**
 * The environment this process was started with: the one place it is read. The CLI's io and
 * the lab's child processes (which inherit it) get it from here.
 */
export function processEnv(): Readonly<Record<string, string | undefined>> {
  return process.env;
}

export function readConfig(env: Readonly<Record<string, string | undefined>> = processEnv()): Config {
  const prometheusUrl = nonEmpty(env.PROMETHEUS_URL);
  if (prometheusUrl !== undefined && !/^https?:\/\/[^\s]+$/.test(prometheusUrl)) {
    throw new GcIncidentError(
      'CONFIG_INVALID',
      `PROMETHEUS_URL must be an http:// or https:// URL such as http://127.0.0.1:9090 (got '${prometheusUrl}')`,
      { variable: 'PROMETHEUS_URL' },
    );
  }
  const content = resolveContentDirs(env);
  const httpUrl = (variable: 'RUNBOOK_BASE_URL' | 'DASHBOARD_URL_TEMPLATE', example: string) => {
    const value = nonEmpty(env[variable]);
    if (value !== undefined && !/^https?:\/\/[^\s<>|]+$/.test(value))
      throw new GcIncidentError(
        'CONFIG_INVALID',
        `${variable} must be an http:// or https:// URL such as ${example} (got '${value}')`,
        { variable },
      );
    return value;
  };
  // The team's zone: the digest's day, and the times and chart axes of postmortems (every surface).
  const digestTimeZone = nonEmpty(env.DIGEST_TIMEZONE) ?? 'UTC';
  try {
    new Intl.DateTimeFormat('en-CA', { timeZone: digestTimeZone });
  } catch {
    invalid(
      'DIGEST_TIMEZONE',
      `must be an IANA time zone such as Europe/Paris or UTC (got '${digestTimeZone}')`,
    );
  }
  return Object.freeze({
    runbooksDir: content.runbooksDir,
    digestTimeZone,
    runbooksSource: content.runbooksSource,
    datasourcesFile: nonEmpty(env.DATASOURCES_FILE),
    prometheusUrl,
    runbookUrl: optionalRunbookUrl(nonEmpty(env.RUNBOOK_BASE_URL)),
    runbookBaseUrl: httpUrl('RUNBOOK_BASE_URL', 'https://github.com/acme/runbooks/blob/main/runbooks'),
    dashboardUrlTemplate: httpUrl(
      'DASHBOARD_URL_TEMPLATE',
      'https://grafana.example/d/gc?var-job={job}&from={from}&to={to}',
    ),
    ...readFiles(env),
  });
}

function optionalRunbookUrl(value: string | undefined): string | undefined {
  return value === undefined ? undefined : runbookUrlTemplate(value, 'RUNBOOK_BASE_URL');
}

/** The settings that name files and databases, for commands that need nothing else checked. */
export function readFiles(
  env: Readonly<Record<string, string | undefined>>,
): Pick<Config, 'databaseUrl' | 'httpActionsFile' | 'calibrationFile' | 'pythonRoots'> {
  return {
    databaseUrl: nonEmpty(env.DATABASE_URL),
    httpActionsFile: nonEmpty(env.HTTP_ACTIONS_FILE),
    calibrationFile: nonEmpty(env.CALIBRATION_FILE),
    pythonRoots: readPythonRoots(env.PYTHON_ROOTS),
  };
}

/** PYTHON_ROOTS: absolute directories, colon-separated (whether they exist is said when one is searched). */
function readPythonRoots(value: string | undefined): readonly string[] {
  const roots = (nonEmpty(value) ?? '').split(':').filter((r) => r.trim() !== '');
  for (const root of roots) {
    if (!root.startsWith('/'))
      invalid('PYTHON_ROOTS', `must list absolute directories separated by ':' (got '${root}')`);
  }
  return Object.freeze(roots.map((r) => r.trim()));
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

/** What `gc-incident serve` needs beyond the shared configuration. */
export interface ServeConfig extends Config {
  readonly botToken: string;
  /** Required in HTTP mode; Socket Mode connections are authenticated by the app token instead. */
  readonly signingSecret: string | undefined;
  /** Set: Socket Mode. */
  readonly appToken: string | undefined;
  /** Web API base URL, ending in a slash (default Slack's own). */
  readonly slackApiUrl: string | undefined;
  readonly approvers: readonly string[];
  readonly port: number;
  readonly host: string;
  readonly logLevel: string;
  readonly workloadsDir: string;
  /** node-cron expression of the reminder tick, or undefined for none ('off'). */
  readonly reminderCron: string | undefined;
  readonly digestCron: string | undefined;
  /** Bearer token Alertmanager sends to POST /alertmanager; unset: the intake answers 503. */
  readonly alertmanagerToken: string | undefined;
  /** Channel for alert-opened incidents whose runbook names none. */
  readonly alertmanagerChannel: string | undefined;
  /** A cause firing again this soon after its incident was resolved re-opens it (0: never). */
  readonly alertRelapseWindowMs: number;
  /** More than `keys` causes of one runbook within `windowMs` become one fleet incident; undefined: off. */
  readonly alertFleet: { readonly keys: number; readonly windowMs: number } | undefined;
  /** Bearer token of the MCP server at /mcp (MCP_HTTP=on); undefined: /mcp is not served. */
  readonly mcpToken: string | undefined;
  /** SLACK_NATIVE_CHARTS=on: charts as Slack's data_visualization blocks (PNG upload the fallback). */
  readonly nativeCharts: boolean;
  /** Where incidents live in Slack: their own channel for these severities, else a thread. */
  readonly incidentChannels: IncidentChannelConfig;
}

export interface IncidentChannelConfig {
  /** INCIDENT_CHANNEL_SEVERITIES (default sev1,sev2; 'none': every incident is a thread). */
  readonly severities: readonly ('sev1' | 'sev2' | 'sev3' | 'sev4')[];
  /** INCIDENT_CHANNEL_NAME: {year}, {number}, {service}, {id} filled in, then made a valid channel name. */
  readonly nameTemplate: string;
  /** INCIDENT_CHANNEL_ARCHIVE_AFTER: archived this long after close; undefined ('off'): never. */
  readonly archiveAfterMs: number | undefined;
}

function readIncidentChannels(env: Readonly<Record<string, string | undefined>>): IncidentChannelConfig {
  const list = nonEmpty(env.INCIDENT_CHANNEL_SEVERITIES) ?? 'sev1,sev2';
  const severities = list === 'none' ? [] : list.split(/[\s,]+/).filter((s) => s !== '');
  for (const s of severities)
    if (!['sev1', 'sev2', 'sev3', 'sev4'].includes(s))
      invalid(
        'INCIDENT_CHANNEL_SEVERITIES',
        `must list severities such as 'sev1,sev2' (or 'none'); '${s}' is not one`,
      );
  const nameTemplate = nonEmpty(env.INCIDENT_CHANNEL_NAME) ?? 'inc-gc-{year}-{number}-{service}';
  if (!/\{(number|id)\}/.test(nameTemplate))
    invalid(
      'INCIDENT_CHANNEL_NAME',
      `must contain {number} or {id} so each incident's name differs (got '${nameTemplate}')`,
    );
  const archive = nonEmpty(env.INCIDENT_CHANNEL_ARCHIVE_AFTER) ?? '24h';
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

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

function invalid(variable: string, message: string): never {
  throw new GcIncidentError('CONFIG_INVALID', `${variable} ${message}`, { variable });
}

/** Reads and checks the app's settings once; the first problem stops the start with one sentence. */
export function readServeConfig(env: Readonly<Record<string, string | undefined>>): ServeConfig {
  const base = readConfig(env);
  const botToken = nonEmpty(env.SLACK_BOT_TOKEN);
  if (!botToken)
    invalid(
      'SLACK_BOT_TOKEN',
      "is not set: copy the Bot User OAuth Token (xoxb-…) from the Slack app's OAuth & Permissions page",
    );
  if (!/^xoxb-[A-Za-z0-9-]+$/.test(botToken))
    invalid('SLACK_BOT_TOKEN', 'must be a bot token starting with xoxb-');
  const appToken = nonEmpty(env.SLACK_APP_TOKEN);
  if (appToken !== undefined && !/^xapp-[A-Za-z0-9-]+$/.test(appToken))
    invalid(
      'SLACK_APP_TOKEN',
      'must be an app-level token starting with xapp- (Basic Information → App-Level Tokens, scope connections:write)',
    );
  const signingSecret = nonEmpty(env.SLACK_SIGNING_SECRET);
  if (!appToken && !signingSecret)
    invalid(
      'SLACK_SIGNING_SECRET',
      "is not set: copy the Signing Secret from the Slack app's Basic Information page (or set SLACK_APP_TOKEN for Socket Mode)",
    );
  if (signingSecret !== undefined && !/^[A-Za-z0-9]{16,}$/.test(signingSecret))
    invalid(
      'SLACK_SIGNING_SECRET',
      'must be the hexadecimal signing secret shown on the Basic Information page',
    );
  let slackApiUrl = nonEmpty(env.SLACK_API_URL);
  if (slackApiUrl !== undefined) {
    if (!/^https?:\/\/[^\s]+$/.test(slackApiUrl))
      invalid(
        'SLACK_API_URL',
        `must be an http:// or https:// URL such as https://slack.com/api/ (got '${slackApiUrl}')`,
      );
    if (!slackApiUrl.endsWith('/')) slackApiUrl += '/';
  }
  const portText = nonEmpty(env.PORT) ?? '3000';
  const port = Number(portText);
  if (!/^[0-9]+$/.test(portText) || port > 65535)
    invalid('PORT', `must be a TCP port number from 0 to 65535 (got '${portText}')`);
  const approvers = (nonEmpty(env.SLACK_APPROVERS) ?? '').split(/[\s,]+/).filter((a) => a !== '');
  for (const a of approvers) {
    if (!/^[UWS][A-Z0-9]{2,}$/.test(a))
      invalid(
        'SLACK_APPROVERS',
        `must list Slack user ids (U…) and user-group ids (S…), comma-separated; '${a}' is neither`,
      );
  }
  const logLevel = nonEmpty(env.LOG_LEVEL) ?? 'info';
  if (!LOG_LEVELS.includes(logLevel))
    invalid('LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')} (got '${logLevel}')`);
  const cronOf = (variable: 'REMINDER_CRON' | 'DIGEST_CRON', fallback: string) => {
    const value = nonEmpty(env[variable]) ?? fallback;
    if (value === 'off') return undefined;
    if (!validateCron(value))
      invalid(variable, `must be a cron expression such as '${fallback}' (or 'off'); got '${value}'`);
    return value;
  };
  const reminderCron = cronOf('REMINDER_CRON', '* * * * *');
  const digestCron = cronOf('DIGEST_CRON', '0 9 * * 1-5');
  const alertmanagerToken = nonEmpty(env.ALERTMANAGER_TOKEN);
  if (alertmanagerToken !== undefined && alertmanagerToken.length < 16)
    invalid(
      'ALERTMANAGER_TOKEN',
      'must be at least 16 characters (a random secret shared with Alertmanager)',
    );
  const relapseText = nonEmpty(env.ALERT_RELAPSE_WINDOW) ?? '1h';
  const relapse = relapseText === '0' ? { ok: true as const, ms: 0 } : parseDuration(relapseText);
  if (!relapse.ok)
    invalid('ALERT_RELAPSE_WINDOW', `must be a duration such as 1h or 30m, or 0 (got '${relapseText}')`);
  const fleetText = nonEmpty(env.ALERT_FLEET) ?? '10/5m';
  const fleetMatch = /^([0-9]{1,5})\/(.+)$/.exec(fleetText);
  const fleetWindow = fleetMatch ? parseDuration(fleetMatch[2] as string) : undefined;
  if (fleetText !== 'off' && (!fleetMatch || !fleetWindow?.ok || Number(fleetMatch[1]) < 1))
    invalid('ALERT_FLEET', `must be KEYS/WINDOW such as 10/5m, or 'off' (got '${fleetText}')`);
  const alertFleet =
    fleetText === 'off' || !fleetWindow?.ok
      ? undefined
      : { keys: Number(fleetMatch?.[1]), windowMs: fleetWindow.ms };
  // The MCP endpoint is off unless asked for, and never served without a token.
  const mcpHttp = nonEmpty(env.MCP_HTTP) ?? 'off';
  if (mcpHttp !== 'on' && mcpHttp !== 'off') invalid('MCP_HTTP', `must be on or off (got '${mcpHttp}')`);
  const mcpToken = nonEmpty(env.MCP_TOKEN);
  if (mcpHttp === 'on' && mcpToken === undefined)
    invalid(
      'MCP_TOKEN',
      'is not set: MCP_HTTP=on serves /mcp only behind a bearer token (16+ random characters)',
    );
  if (mcpHttp === 'on' && mcpToken !== undefined && mcpToken.length < 16)
    invalid('MCP_TOKEN', 'must be at least 16 characters (a random secret given to the assistant)');
  const nativeCharts = nonEmpty(env.SLACK_NATIVE_CHARTS) ?? 'off';
  if (nativeCharts !== 'on' && nativeCharts !== 'off')
    invalid('SLACK_NATIVE_CHARTS', `must be 'on' or 'off' (got '${nativeCharts}')`);
  return Object.freeze({
    ...base,
    mcpToken: mcpHttp === 'on' ? mcpToken : undefined,
    nativeCharts: nativeCharts === 'on',
    incidentChannels: readIncidentChannels(env),
    alertmanagerToken,
    alertmanagerChannel: nonEmpty(env.ALERTMANAGER_CHANNEL),
    alertRelapseWindowMs: relapse.ms,
    alertFleet,
    reminderCron,
    digestCron,
    botToken,
    signingSecret,
    appToken,
    slackApiUrl,
    approvers,
    port,
    host: nonEmpty(env.HOST) ?? '0.0.0.0',
    logLevel,
    workloadsDir: resolveContentDirs(env).workloadsDir,
  });
}
