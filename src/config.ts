/**
 * Configuration is read once, from the environment, validated and frozen.
 * Every variable here is listed in the README's configuration table.
 */
import { GcIncidentError } from './core/errors.js';

export interface Config {
  /** Folder the runbooks are loaded from. */
  readonly runbooksDir: string;
  /** YAML file mapping datasource names to endpoints (see schemas/datasources.schema.json). */
  readonly datasourcesFile: string | undefined;
  /** Base URL of the `default` datasource when no datasources file defines one. */
  readonly prometheusUrl: string | undefined;
}

export const ENVIRONMENT_VARIABLES = [
  'RUNBOOKS_DIR',
  'DATASOURCES_FILE',
  'PROMETHEUS_URL',
  'CALIBRATION_FILE',
  'HTTP_ACTIONS_FILE',
] as const;

export function readConfig(env: Readonly<Record<string, string | undefined>> = process.env): Config {
  const prometheusUrl = nonEmpty(env.PROMETHEUS_URL);
  if (prometheusUrl !== undefined && !/^https?:\/\/[^\s]+$/.test(prometheusUrl)) {
    throw new GcIncidentError(
      'CONFIG_INVALID',
      `PROMETHEUS_URL must be an http:// or https:// URL such as http://127.0.0.1:9090 (got '${prometheusUrl}')`,
      { variable: 'PROMETHEUS_URL' },
    );
  }
  return Object.freeze({
    runbooksDir: nonEmpty(env.RUNBOOKS_DIR) ?? './runbooks',
    datasourcesFile: nonEmpty(env.DATASOURCES_FILE),
    prometheusUrl,
  });
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}
