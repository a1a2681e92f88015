/**
 * A Prometheus HTTP API client on undici: POST-form queries, every result
 * type, NaN/±Inf values, warnings, and one classification of failures for
 * Prometheus, VictoriaMetrics and the proxies in front of them. Retries only
 * where it is safe (transport errors, 429, 502, 504), never a query timeout,
 * within a bounded budget.
 */
import { Agent, type Dispatcher, request } from 'undici';
import { DEFAULT_MAX_SERIES } from '../../core/checks/evaluate.js';
import { type ErrorCode, GcIncidentError } from '../../core/errors.js';
import type { MetricsClient, Sample, Series } from '../../core/ports.js';
import { type Datasource, DEFAULT_MAX_RESPONSE_BYTES } from './datasources.js';

export type ResultType = 'vector' | 'matrix' | 'scalar' | 'string';

export interface QueryResult {
  readonly resultType: ResultType;
  readonly samples: Sample[];
  readonly series: Series[];
  /** For `string` results. */
  readonly text?: string | undefined;
  readonly warnings: string[];
  /** What was sent, for the timeline: datasource, path and form fields. */
  readonly sent: { datasource: string; path: string; params: Record<string, string> };
}

export interface ClientOptions {
  readonly dispatcher?: Dispatcher | undefined;
  /** Attempts for retryable failures, first one included. */
  readonly attempts?: number | undefined;
  readonly retryDelay?: ((attempt: number) => Promise<void>) | undefined;
}

const RETRYABLE_STATUS = new Set([429, 502, 504]);
const RETRYABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_CLOSED',
]);

export class PrometheusClient implements MetricsClient {
  private readonly dispatcher: Dispatcher;

  constructor(
    private readonly datasources: ReadonlyMap<string, Datasource>,
    private readonly options: ClientOptions = {},
  ) {
    this.dispatcher =
      options.dispatcher ?? new Agent({ connect: { timeout: 5_000 }, keepAliveTimeout: 10_000 });
  }

  maxSeries(datasource: string): number {
    return this.datasources.get(datasource)?.maxSeries ?? DEFAULT_MAX_SERIES;
  }

  names(): string[] {
    return [...this.datasources.keys()];
  }

  /** Where people open a datasource's graphs (its URL without credentials), for links in postmortems. */
  graphBaseUrl(datasource: string): string | undefined {
    const url = this.datasources.get(datasource)?.url;
    if (!url) return undefined;
    try {
      const parsed = new URL(url);
      parsed.username = '';
      parsed.password = '';
      parsed.search = '';
      return parsed.toString().replace(/\/+$/, '');
    } catch {
      return undefined;
    }
  }

  async instant(datasource: string, query: string, time: Date): Promise<Sample[]> {
    const result = await this.query(datasource, query, { time });
    if (result.resultType === 'string')
      throw fail('METRICS_QUERY_REJECTED', datasource, 'the query returns a string, not a number');
    return result.samples;
  }

  async range(
    datasource: string,
    query: string,
    start: Date,
    end: Date,
    stepSeconds: number,
  ): Promise<Series[]> {
    return (await this.queryRange(datasource, query, start, end, stepSeconds)).series;
  }

  async query(
    datasource: string,
    query: string,
    options: { time?: Date; timeout?: string } = {},
  ): Promise<QueryResult> {
    const params: Record<string, string> = { query };
    if (options.time) params.time = seconds(options.time);
    if (options.timeout) params.timeout = options.timeout;
    return this.call(datasource, '/api/v1/query', params);
  }

  async queryRange(
    datasource: string,
    query: string,
    start: Date,
    end: Date,
    stepSeconds: number,
    options: { timeout?: string } = {},
  ): Promise<QueryResult> {
    const params: Record<string, string> = {
      query,
      start: seconds(start),
      end: seconds(end),
      step: String(stepSeconds),
    };
    if (options.timeout) params.timeout = options.timeout;
    return this.call(datasource, '/api/v1/query_range', params);
  }

  async close(): Promise<void> {
    if (!this.options.dispatcher) await this.dispatcher.close();
  }

  private resolve(name: string): Datasource {
    const ds = this.datasources.get(name);
    if (!ds) {
      throw new GcIncidentError(
        'METRICS_UNAVAILABLE',
        `datasource '${name}' is not configured (configured: ${this.names().join(', ') || 'none'}); set PROMETHEUS_URL or add it to DATASOURCES_FILE`,
        { datasource: name },
      );
    }
    return ds;
  }

  private async call(name: string, path: string, params: Record<string, string>): Promise<QueryResult> {
    const ds = this.resolve(name);
    const form = new URLSearchParams({ ...ds.params, ...params });
    const attempts = this.options.attempts ?? 3;
    let last: GcIncidentError | undefined;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      try {
        return await this.once(ds, path, form, params);
      } catch (error) {
        if (!(error instanceof Retryable)) throw error;
        last = error.error;
        if (attempt < attempts) await (this.options.retryDelay ?? defaultDelay)(attempt);
      }
    }
    throw last ?? fail('METRICS_UNREACHABLE', name, 'no attempt was made');
  }

  private async once(
    ds: Datasource,
    path: string,
    form: URLSearchParams,
    params: Record<string, string>,
  ): Promise<QueryResult> {
    let response: Dispatcher.ResponseData;
    try {
      response = await request(`${ds.url}${path}`, {
        method: 'POST',
        dispatcher: this.dispatcher,
        headers: {
          ...ds.headers,
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
        },
        body: form.toString(),
        headersTimeout: ds.timeoutMs,
        bodyTimeout: ds.timeoutMs,
      });
    } catch (error) {
      const code = (error as { code?: string }).code ?? '';
      if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') {
        throw fail(
          'METRICS_QUERY_TIMEOUT',
          ds.name,
          `no answer within the datasource timeout of ${ds.timeoutMs / 1000}s; use a shorter range or a coarser step`,
        );
      }
      const reason = `${ds.url} cannot be reached (${code || (error as Error).message})`;
      if (RETRYABLE_CODES.has(code) || code === '')
        throw new Retryable(fail('METRICS_UNREACHABLE', ds.name, reason));
      throw fail('METRICS_UNREACHABLE', ds.name, reason);
    }
    const status = response.statusCode;
    const type = String(response.headers['content-type'] ?? '');
    const text = await readCapped(response.body, ds);
    if (RETRYABLE_STATUS.has(status)) {
      throw new Retryable(
        fail(
          'METRICS_UNREACHABLE',
          ds.name,
          `${ds.url} answered HTTP ${status}${status === 429 ? ' (rate limited)' : ' from a proxy'}`,
        ),
      );
    }
    if (status === 401 || status === 403) {
      throw fail(
        'METRICS_UNAUTHORIZED',
        ds.name,
        `${ds.url} refused the credentials (HTTP ${status}); check the datasource's auth settings`,
      );
    }
    let body: PromEnvelope | undefined;
    if (/json/i.test(type) || text.trimStart().startsWith('{')) {
      try {
        body = JSON.parse(text) as PromEnvelope;
      } catch {
        body = undefined;
      }
    }
    if (!body || (body.status !== 'success' && body.status !== 'error')) {
      const snippet = text.replace(/\s+/g, ' ').trim().slice(0, 80);
      throw fail(
        'METRICS_NOT_PROMETHEUS',
        ds.name,
        `${ds.url}${path} answered HTTP ${status} ${type.split(';')[0] || 'without a content type'} ("${snippet}"), not the Prometheus API; check the URL (Mimir and Grafana Cloud need the /prometheus prefix)`,
      );
    }
    if (body.status === 'error' || status >= 400) throw classifyError(ds.name, status, body);
    return parseResult(ds.name, body, { datasource: ds.name, path, params });
  }
}

interface PromEnvelope {
  status: 'success' | 'error';
  data?: { resultType?: ResultType; result?: unknown };
  errorType?: string;
  error?: string;
  warnings?: string[];
}

/**
 * The answer's text, read chunk by chunk up to the datasource's maxResponseBytes: a query
 * answering 100k series is not held whole in memory to be refused afterwards.
 */
async function readCapped(body: Dispatcher.ResponseData['body'], ds: Datasource): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += (chunk as Buffer).length;
    const max = ds.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
    if (size > max) {
      body.destroy();
      throw fail(
        'METRICS_QUERY_REJECTED',
        ds.name,
        `the answer is larger than ${Math.round(max / 1024 / 1024)} MiB (maxResponseBytes) and was not read further: aggregate the query (max by (instance) (…), topk) to fewer series`,
      );
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

class Retryable extends Error {
  constructor(readonly error: GcIncidentError) {
    super(error.message);
  }
}

function defaultDelay(attempt: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 200 * 2 ** (attempt - 1)));
}

function fail(code: ErrorCode, datasource: string, message: string): GcIncidentError {
  return new GcIncidentError(code, `datasource '${datasource}': ${message}`, { datasource });
}

function classifyError(datasource: string, status: number, body: PromEnvelope): GcIncidentError {
  const message = body.error ?? `HTTP ${status}`;
  const type = body.errorType ?? '';
  if (type === 'timeout' || status === 503) {
    return fail(
      'METRICS_QUERY_TIMEOUT',
      datasource,
      `the query timed out (${message}); use a shorter range or a coarser step`,
    );
  }
  // Prometheus says bad_data (400); VictoriaMetrics answers 422 for everything, parse errors included.
  if (
    type === 'bad_data' ||
    /parse error|unexpected token|cannot parse|syntax error|missing `query`/i.test(message)
  ) {
    return fail('METRICS_BAD_QUERY', datasource, `the query is not valid PromQL: ${message}`);
  }
  return fail('METRICS_QUERY_REJECTED', datasource, `the backend refused to run the query: ${message}`);
}

export function parseValue(value: unknown): number {
  if (value === 'NaN') return Number.NaN;
  if (value === '+Inf' || value === 'Inf') return Number.POSITIVE_INFINITY;
  if (value === '-Inf') return Number.NEGATIVE_INFINITY;
  return Number(value);
}

function parseResult(datasource: string, body: PromEnvelope, sent: QueryResult['sent']): QueryResult {
  const resultType = body.data?.resultType;
  const result = body.data?.result;
  const warnings = Array.isArray(body.warnings) ? body.warnings.map(String) : [];
  const base = {
    resultType: resultType ?? 'vector',
    samples: [] as Sample[],
    series: [] as Series[],
    warnings,
    sent,
  };
  switch (resultType) {
    case 'vector':
      return {
        ...base,
        samples: (result as { metric: Record<string, string>; value: [number, string] }[]).map((r) => ({
          labels: r.metric ?? {},
          value: parseValue(r.value?.[1]),
        })),
      };
    case 'matrix':
      return {
        ...base,
        series: (result as { metric: Record<string, string>; values: [number, string][] }[]).map((r) => ({
          labels: r.metric ?? {},
          points: (r.values ?? []).map(([t, v]) => [Number(t), parseValue(v)] as const),
        })),
      };
    case 'scalar': {
      const [, v] = result as [number, string];
      return { ...base, samples: [{ labels: {}, value: parseValue(v) }] };
    }
    case 'string': {
      const [, v] = result as [number, string];
      return { ...base, text: String(v) };
    }
    default:
      throw fail('METRICS_NOT_PROMETHEUS', datasource, `unknown resultType '${String(resultType)}'`);
  }
}

function seconds(date: Date): string {
  return (date.getTime() / 1000).toFixed(3);
}
