/**
 * Configured HTTP actions (HTTP_ACTIONS_FILE): what a containment action of
 * kind 'http' calls, after its confirmation. Runbooks only name an action;
 * the operator's file holds method, URL, headers (secrets from the
 * environment), body template, timeout and expected status. Every call is
 * summarised for the timeline without header values. A `readOnly` action (GET,
 * no body) is what diagnose steps call: `read()` returns its JSON answer too.
 */
import type { SecretLookup } from '../../config.js';
import { parseDuration } from '../../core/duration.js';
import { GcIncidentError } from '../../core/errors.js';
import type { SchemaValidator } from '../../core/schema-validator.js';
import { loadYaml } from '../../core/yaml/load-yaml.js';
import { readCapped } from '../fs/yaml-files.js';
import { buildActionUrl, redactActionUrl } from './action-url.js';
import { readJsonCapped } from './read-body.js';

export const HTTP_ACTIONS_SCHEMA_ID = 'https://gc-incident.dev/schemas/http-actions.schema.json';

export interface ActionDefinition {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  readOnly?: boolean;
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

/** A read-only call: the summary, and the JSON it answered (undefined when it failed). */
export interface ReadCall extends ActionCall {
  readonly body?: unknown;
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
    /** The secrets `headersFromEnv` names, looked up by variable when a request is made. */
    private readonly secret: SecretLookup,
  ) {}

  /** Whether `name` is configured as read-only (a diagnose step may call it). */
  isReadOnly(name: string): boolean {
    return this.actions.get(name)?.readOnly === true;
  }

  async run(name: string, inputs: Readonly<Record<string, string>>): Promise<ActionCall> {
    return this.call(name, this.definition(name), inputs, false);
  }

  /**
   * Calls a read-only action (GET, no body, no approval) and returns its JSON answer. Any other
   * action is refused before a request is made: diagnose steps must not change the service.
   */
  async read(name: string, inputs: Readonly<Record<string, string>>): Promise<ReadCall> {
    const def = this.definition(name);
    if (def.readOnly !== true || def.method !== 'GET' || def.body !== undefined)
      throw new GcIncidentError(
        'ACTION_NOT_READ_ONLY',
        `HTTP action '${name}' is not read-only (${def.method}${def.readOnly ? ' with a body' : ''}): a diagnose step may only call an action with 'readOnly: true' and method GET`,
        { action: name },
      );
    return this.call(name, def, inputs, true);
  }

  private definition(name: string): ActionDefinition {
    const def = this.actions.get(name);
    if (!def) {
      throw new GcIncidentError(
        'ACTION_NOT_CONFIGURED',
        `HTTP action '${name}' is not configured (configured: ${[...this.actions.keys()].join(', ') || 'none'}); add it to HTTP_ACTIONS_FILE`,
        { action: name },
      );
    }
    return def;
  }

  private async call(
    name: string,
    def: ActionDefinition,
    inputs: Readonly<Record<string, string>>,
    readBody: boolean,
  ): Promise<ReadCall> {
    const url = buildActionUrl(def.url, inputs);
    const headers: Record<string, string> = { ...(def.headers ?? {}) };
    for (const [header, variable] of Object.entries(def.headersFromEnv ?? {})) {
      const value = this.secret(variable);
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
    // One deadline for the whole call, answer included: undici's timeouts count per chunk, so a
    // server dripping a byte every 1.5 s kept a 2 s action running for 18 s.
    const deadline = AbortSignal.timeout(timeoutMs);
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
        signal: deadline,
      });
      const expected = def.expectStatus ?? [200, 201, 202, 204];
      const ok = expected.includes(response.statusCode);
      if (!readBody || !ok) await response.body.dump();
      const read = readBody && ok ? await readJsonCapped(response) : undefined;
      const error = !ok ? `HTTP ${response.statusCode}, expected ${expected.join(' or ')}` : read?.error;
      return {
        ...summary,
        status: response.statusCode,
        durationMs: Math.round(performance.now() - started),
        ok: error === undefined,
        ...(error === undefined ? {} : { error }),
        ...(read?.body === undefined ? {} : { body: read.body }),
      };
    } catch (error) {
      return {
        ...summary,
        status: null,
        durationMs: Math.round(performance.now() - started),
        ok: false,
        error: deadline.aborted
          ? `no complete answer within ${def.timeout ?? '10s'} (the action's timeout, answer included)`
          : ((error as { code?: string }).code ?? (error as Error).message),
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
