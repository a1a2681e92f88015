/**
 * Configuration is read here, and only here, from the environment: parsed once into typed,
 * frozen values (defaults, validation, error messages), which the composition root
 * (src/composition/) and the commands receive. No other module sees the environment: a test's
 * architecture check keeps it so. Every variable is listed in docs/configuration.md.
 *
 * Three views, each a superset of the one before: LocalConfig (files, folders, this machine:
 * every command), Config (adds the checked URLs, zone and approvers) and ServeConfig (the Slack
 * app). A command parses only the view it needs, so `incidents` is not stopped by a bad token.
 */
import { join } from 'node:path';
import {
  type IncidentChannelConfig,
  invalid,
  nonEmpty,
  parseApprovers,
  parseCron,
  parseFleet,
  parseIncidentChannels,
  parsePythonRoots,
  parseRelapseWindow,
  parseSlackIds,
  parseSwitch,
} from './config-values.js';
import { type ContentSource, resolveContentDirs } from './content-dirs.js';
import { runbookUrlTemplate } from './core/alerts/runbook-url.js';
import { type Pace, parsePace } from './slack/post-pace.js';

export type { IncidentChannelConfig };

/** The environment as this module reads it (a test passes a plain object). */
type Environment = Readonly<Record<string, string | undefined>>;

/**
 * Credentials named by configuration files (a datasource's auth.tokenEnv, an HTTP action's
 * headersFromEnv), looked up by variable name when a request needs them: never stored elsewhere.
 */
export type SecretLookup = (variable: string) => string | undefined;

/** What every command may read without anything else being checked: files, folders, this machine. */
export interface LocalConfig {
  /** Folder the runbooks are loaded from: RUNBOOKS_DIR, else ./runbooks, else the package's own. */
  readonly runbooksDir: string;
  /** Where runbooksDir came from ('shipped': the package's runbooks, said once by the CLI). */
  readonly runbooksSource: ContentSource;
  /** WORKLOADS_DIR, else ./workloads when it exists, else the package's workloads. */
  readonly workloadsDir: string;
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
  /** PATH: where executables (prometheus, promtool, python3.X) are looked up. */
  readonly searchPath: string | undefined;
  /** PYENV_ROOT, else ~/.pyenv: pyenv's interpreters are looked up under its versions/. */
  readonly pyenvRoot: string;
  /** USER: the terminal's person (`cli:<user>` in incidents). */
  readonly user: string | undefined;
  /** GC_SERVICE_PYTHON: the interpreter the drill's service runs under (else python3). */
  readonly servicePython: string | undefined;
  /** GC_UPGRADE_PYTHON: the upgrade drill's newer interpreter (else the newest found). */
  readonly upgradePython: string | undefined;
  readonly secret: SecretLookup;
}

export interface Config extends LocalConfig {
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
  /** The team's IANA time zone (DIGEST_TIMEZONE, default UTC): the digest's day, postmortem times and chart axes. */
  readonly digestTimeZone: string;
  /** SLACK_APPROVERS: who may approve any high-risk action, on every surface. */
  readonly approvers: readonly string[];
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
  'SLACK_INCIDENT_MEMBERS',
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
  'GC_SERVICE_PYTHON',
  'GC_UPGRADE_PYTHON',
  'NO_COLOR',
  'USER',
  'PYENV_ROOT',
] as const;

/** The settings that name files, folders and this machine, for commands that need nothing else checked. */
export function readLocalConfig(env: Environment): LocalConfig {
  const content = resolveContentDirs({ runbooksDir: env.RUNBOOKS_DIR, workloadsDir: env.WORKLOADS_DIR });
  return Object.freeze({
    ...content,
    databaseUrl: nonEmpty(env.DATABASE_URL),
    httpActionsFile: nonEmpty(env.HTTP_ACTIONS_FILE),
    calibrationFile: nonEmpty(env.CALIBRATION_FILE),
    pythonRoots: parsePythonRoots(env.PYTHON_ROOTS),
    searchPath: env.PATH,
    pyenvRoot: env.PYENV_ROOT ?? join(env.HOME ?? '/root', '.pyenv'),
    user: nonEmpty(env.USER),
    servicePython: nonEmpty(env.GC_SERVICE_PYTHON),
    upgradePython: nonEmpty(env.GC_UPGRADE_PYTHON),
    secret: (variable: string) => env[variable],
  });
}

export function readConfig(env: Environment): Config {
  const prometheusUrl = nonEmpty(env.PROMETHEUS_URL);
  if (prometheusUrl !== undefined && !/^https?:\/\/[^\s]+$/.test(prometheusUrl))
    invalid(
      'PROMETHEUS_URL',
      `must be an http:// or https:// URL such as http://127.0.0.1:9090 (got '${prometheusUrl}')`,
    );
  const httpUrl = (variable: 'RUNBOOK_BASE_URL' | 'DASHBOARD_URL_TEMPLATE', example: string) => {
    const value = nonEmpty(env[variable]);
    if (value !== undefined && !/^https?:\/\/[^\s<>|]+$/.test(value))
      invalid(variable, `must be an http:// or https:// URL such as ${example} (got '${value}')`);
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
  const runbookBase = nonEmpty(env.RUNBOOK_BASE_URL);
  return Object.freeze({
    ...readLocalConfig(env),
    digestTimeZone,
    datasourcesFile: nonEmpty(env.DATASOURCES_FILE),
    prometheusUrl,
    runbookUrl: runbookBase === undefined ? undefined : runbookUrlTemplate(runbookBase, 'RUNBOOK_BASE_URL'),
    runbookBaseUrl: httpUrl('RUNBOOK_BASE_URL', 'https://github.com/acme/runbooks/blob/main/runbooks'),
    dashboardUrlTemplate: httpUrl(
      'DASHBOARD_URL_TEMPLATE',
      'https://grafana.example/d/gc?var-job={job}&from={from}&to={to}',
    ),
    approvers: parseApprovers(env.SLACK_APPROVERS),
  });
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
  /**
   * SLACK_INCIDENT_MEMBERS: users (U…/W…) and user groups (S…) who may change incidents from
   * Slack; empty (the default): every member of the workspace, as before.
   */
  readonly incidentMembers: readonly string[];
  /** SLACK_POST_PACE: the gap between posts in one channel, and the most per minute (post-pace.ts). */
  readonly postPace: Pace;
  readonly port: number;
  readonly host: string;
  readonly logLevel: string;
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
  readonly alertFleet:
    | { readonly keys: number; readonly windowMs: number; readonly checkServices?: number | undefined }
    | undefined;
  /** Bearer token of the MCP server at /mcp (MCP_HTTP=on); undefined: /mcp is not served. */
  readonly mcpToken: string | undefined;
  /** SLACK_NATIVE_CHARTS=on: charts as Slack's data_visualization blocks (PNG upload the fallback). */
  readonly nativeCharts: boolean;
  /** Where incidents live in Slack: their own channel for these severities, else a thread. */
  readonly incidentChannels: IncidentChannelConfig;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** Reads and checks the app's settings once; the first problem stops the start with one sentence. */
export function readServeConfig(env: Environment): ServeConfig {
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
  const logLevel = nonEmpty(env.LOG_LEVEL) ?? 'info';
  if (!LOG_LEVELS.includes(logLevel))
    invalid('LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')} (got '${logLevel}')`);
  const reminderCron = parseCron('REMINDER_CRON', env.REMINDER_CRON, '* * * * *');
  const digestCron = parseCron('DIGEST_CRON', env.DIGEST_CRON, '0 9 * * 1-5');
  const alertmanagerToken = nonEmpty(env.ALERTMANAGER_TOKEN);
  if (alertmanagerToken !== undefined && alertmanagerToken.length < 16)
    invalid(
      'ALERTMANAGER_TOKEN',
      'must be at least 16 characters (a random secret shared with Alertmanager)',
    );
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
  return Object.freeze({
    ...base,
    mcpToken: mcpHttp === 'on' ? mcpToken : undefined,
    nativeCharts: parseSwitch('SLACK_NATIVE_CHARTS', env.SLACK_NATIVE_CHARTS),
    incidentChannels: parseIncidentChannels(
      env.INCIDENT_CHANNEL_SEVERITIES,
      env.INCIDENT_CHANNEL_NAME,
      env.INCIDENT_CHANNEL_ARCHIVE_AFTER,
    ),
    alertmanagerToken,
    alertmanagerChannel: nonEmpty(env.ALERTMANAGER_CHANNEL),
    alertRelapseWindowMs: parseRelapseWindow(env.ALERT_RELAPSE_WINDOW),
    alertFleet: parseFleet(env.ALERT_FLEET),
    reminderCron,
    digestCron,
    botToken,
    signingSecret,
    appToken,
    slackApiUrl,
    incidentMembers: parseSlackIds('SLACK_INCIDENT_MEMBERS', env.SLACK_INCIDENT_MEMBERS),
    postPace: parsePace(env.SLACK_POST_PACE),
    port,
    host: nonEmpty(env.HOST) ?? '0.0.0.0',
    logLevel,
  });
}

/**
 * The configuration of one process (or of one in-process CLI run in a test): each view parsed
 * once, on first use, so a command pays only for, and is stopped only by, what it reads.
 */
export interface Settings {
  /** NO_COLOR is set: read without checking anything else, as the CLI's io is built first. */
  readonly noColor: boolean;
  local(): LocalConfig;
  config(): Config;
  serve(): ServeConfig;
}

export function settingsFrom(env: Environment): Settings {
  let local: LocalConfig | undefined;
  let config: Config | undefined;
  let serve: ServeConfig | undefined;
  return {
    noColor: nonEmpty(env.NO_COLOR) !== undefined,
    local: () => (local ??= readLocalConfig(env)),
    config: () => (config ??= readConfig(env)),
    serve: () => (serve ??= readServeConfig(env)),
  };
}

/** This process's settings: the one place process.env is read. */
export function processSettings(): Settings {
  return settingsFrom(process.env);
}

/**
 * The environment a child process starts with: this one's, plus `extra` (PYTHONPATH for a lent
 * package). Built here so that the lab passes it on without reading it.
 */
export function childEnvironment(
  extra: Readonly<Record<string, string>> = {},
): Record<string, string | undefined> {
  return { ...process.env, ...extra };
}
