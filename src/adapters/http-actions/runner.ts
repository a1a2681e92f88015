/**
 * Configured HTTP actions (HTTP_ACTIONS_FILE): what a containment action of
 * kind 'http' calls, after its confirmation. Runbooks only name an action;
 * the operator's file holds method, URL, headers (secrets from the
 * environment), body template, timeout and expected status. Every call is
 * summarised for the timeline without header values.
 */
import { parseDuration } from '../../core/duration.js';
import { GcIncidentError } from '../../core/errors.js';
import type { SchemaValidator } from '../../core/schema-validator.js';
import { loadYaml } from '../../core/yaml/load-yaml.js';
import { readCapped } from '../fs/yaml-files.js';
import { buildActionUrl, redactActionUrl } from './action-url.js';

export const HTTP_ACTIONS_SCHEMA_ID = 'https://gc-incident.dev/schemas/http-actions.schema.json';

interface ActionDefinition {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
  headers?: Record<string, string>;
  headersFromEnv?: Record<string, string>;
  body?: string;
  timeout?: string;
  expectStatus?: number[];
}

export interface ActionCall {
  readonly action: string;
  readonly method: string;
  /** The URL called (inputs substituted), with userinfo and secret query values redacted; header values are never recorded. */
  readonly url: string;
  readonly headers: string[];
  readonly status: number | null;
  readonly durationMs: number;
  readonly ok: boolean;
  readonly error?: string | undefined;
}

export function loadHttpActions(file: string, schemas: SchemaValidator): Map<string, ActionDefinition> {
  let bytes: Uint8Array;
  try {
    bytes = readCapped(file);
  } catch {
    throw new GcIncidentError('CONFIG_INVALID', `HTTP_ACTIONS_FILE ${file} cannot be read`, {
      variable: 'HTTP_ACTIONS_FILE',
    });
  }
  const loaded = loadYaml(file, bytes);
  const problems = loaded.ok
    ? schemas.validate(HTTP_ACTIONS_SCHEMA_ID, loaded.value.data, file, loaded.value.locate)
    : loaded.diagnostics;
  if (!loaded.ok || problems.length > 0) {
    throw new GcIncidentError(
      'CONFIG_INVALID',
      `HTTP_ACTIONS_FILE ${file} is invalid:\n${problems.map((d) => `${d.file}:${d.line}:${d.col}: ${d.message} [${d.rule}]`).join('\n')}`,
      { variable: 'HTTP_ACTIONS_FILE' },
    );
  }
  return new Map(
    Object.entries((loaded.value.data as { actions: Record<string, ActionDefinition> }).actions),
  );
}

export class HttpActionRunner {
  constructor(
    private readonly actions: ReadonlyMap<string, ActionDefinition>,
    private readonly env: Readonly<Record<string, string | undefined>>,
  ) {}

  async run(name: string, inputs: Readonly<Record<string, string>>): Promise<ActionCall> {
    const def = this.actions.get(name);
    if (!def) {
      throw new GcIncidentError(
        'ACTION_NOT_CONFIGURED',
        `HTTP action '${name}' is not configured (configured: ${[...this.actions.keys()].join(', ') || 'none'}); add it to HTTP_ACTIONS_FILE`,
        { action: name },
      );
    }
    const url = buildActionUrl(def.url, inputs);
    const headers: Record<string, string> = { ...(def.headers ?? {}) };
    for (const [header, variable] of Object.entries(def.headersFromEnv ?? {})) {
      const value = this.env[variable];
      if (!value)
        throw new GcIncidentError(
          'CONFIG_INVALID',
          `HTTP action '${name}': environment variable ${variable} is not set`,
          { variable },
        );
      headers[header] = value;
    }
    const body =
      def.body === undefined ? undefined : fill(def.body, inputs, (v) => JSON.stringify(v).slice(1, -1));
    const timeout = def.timeout ? parseDuration(def.timeout) : undefined;
    const timeoutMs = timeout?.ok ? timeout.ms : 10_000;
    const started = performance.now();
    const summary = {
      action: name,
      method: def.method,
      url: redactActionUrl(url),
      headers: Object.keys(headers),
    };
    try {
      // undici loads only when an action is called: `validate` reads this module's loader.
      const { request } = await import('undici');
      const response = await request(url, {
        method: def.method,
        headers,
        ...(body === undefined ? {} : { body }),
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      });
      await response.body.dump();
      const expected = def.expectStatus ?? [200, 201, 202, 204];
      const ok = expected.includes(response.statusCode);
      return {
        ...summary,
        status: response.statusCode,
        durationMs: Math.round(performance.now() - started),
        ok,
        ...(ok ? {} : { error: `HTTP ${response.statusCode}, expected ${expected.join(' or ')}` }),
      };
    } catch (error) {
      return {
        ...summary,
        status: null,
        durationMs: Math.round(performance.now() - started),
        ok: false,
        error: (error as { code?: string }).code ?? (error as Error).message,
      };
    }
  }
}

function fill(
  template: string,
  inputs: Readonly<Record<string, string>>,
  encode: (v: string) => string,
): string {
  return template.replace(/\{\{\s*([a-z_][a-z0-9_]*)\s*\}\}/g, (_whole, key: string) => {
    const value = inputs[key];
    if (value === undefined)
      throw new GcIncidentError('INPUT_INVALID', `the HTTP action needs input '${key}'`, { input: key });
    return encode(value);
  });
}
