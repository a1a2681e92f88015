/**
 * Datasources by name: DATASOURCES_FILE maps names to endpoints, and
 * PROMETHEUS_URL alone configures `default`. Secrets come only from the
 * environment variables the file names; they are never logged or printed.
 */

import type { Config, SecretLookup } from '../../config.js';
import { DEFAULT_MAX_SERIES } from '../../core/checks/evaluate.js';
import { parseDuration } from '../../core/duration.js';
import { GcIncidentError } from '../../core/errors.js';
import type { SchemaValidator } from '../../core/schema-validator.js';
import { readDatasourcesFile } from '../fs/datasources-file.js';

export interface Datasource {
  readonly name: string;
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly params: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
  /** Series a check keeps from an answer, the worst ones (default DEFAULT_MAX_SERIES). */
  readonly maxSeries?: number | undefined;
  /** Bytes of an answer read at most; beyond, reading stops and the query fails (default 32 MiB). */
  readonly maxResponseBytes?: number | undefined;
}

const DEFAULT_TIMEOUT_MS = 30_000;
/** About 200k series of an instant vector with a few labels each. */
export const DEFAULT_MAX_RESPONSE_BYTES = 32 * 1024 * 1024;
const limits = (def: { maxSeries?: number; maxResponseBytes?: number }) => ({
  maxSeries: def.maxSeries ?? DEFAULT_MAX_SERIES,
  maxResponseBytes: def.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES,
});

export function resolveDatasources(
  config: Pick<Config, 'datasourcesFile' | 'prometheusUrl' | 'secret'>,
  schemas: SchemaValidator,
): Map<string, Datasource> {
  const out = new Map<string, Datasource>();
  if (config.datasourcesFile) {
    const result = readDatasourcesFile(config.datasourcesFile, schemas);
    if (!result.ok) {
      throw new GcIncidentError(
        'CONFIG_INVALID',
        `DATASOURCES_FILE ${config.datasourcesFile} is invalid:\n${result.diagnostics.map((d) => `${d.file}:${d.line}:${d.col}: ${d.message} [${d.rule}]`).join('\n')}`,
        { variable: 'DATASOURCES_FILE' },
      );
    }
    for (const [name, def] of Object.entries(result.datasources)) {
      const headers: Record<string, string> = { ...(def.headers ?? {}) };
      if (def.auth?.type === 'bearer') {
        headers.authorization = `Bearer ${secret(config.secret, def.auth.tokenEnv, name, 'tokenEnv')}`;
      } else if (def.auth?.type === 'basic') {
        const user = secret(config.secret, def.auth.usernameEnv, name, 'usernameEnv');
        const password = secret(config.secret, def.auth.passwordEnv, name, 'passwordEnv');
        headers.authorization = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
      }
      const timeout = def.timeout ? parseDuration(def.timeout) : undefined;
      out.set(name, {
        name,
        url: def.url.replace(/\/+$/, ''),
        headers,
        params: { ...(def.params ?? {}) },
        timeoutMs: timeout?.ok ? timeout.ms : DEFAULT_TIMEOUT_MS,
        ...limits(def),
      });
    }
  }
  if (config.prometheusUrl && !out.has('default')) {
    out.set('default', {
      name: 'default',
      url: config.prometheusUrl.replace(/\/+$/, ''),
      headers: {},
      params: {},
      timeoutMs: DEFAULT_TIMEOUT_MS,
      ...limits({}),
    });
  }
  return out;
}

function secret(lookup: SecretLookup, variable: string | undefined, ds: string, field: string): string {
  if (!variable) {
    throw new GcIncidentError(
      'CONFIG_INVALID',
      `datasource '${ds}' needs auth.${field} naming an environment variable`,
      {
        variable: 'DATASOURCES_FILE',
      },
    );
  }
  const value = lookup(variable);
  if (value === undefined || value === '') {
    throw new GcIncidentError(
      'CONFIG_INVALID',
      `datasource '${ds}': environment variable ${variable} (auth.${field}) is not set`,
      {
        variable,
      },
    );
  }
  return value;
}
