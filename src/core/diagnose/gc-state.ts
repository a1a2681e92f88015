/**
 * The GC state a service's diagnostics endpoint reports (gc_incident_exporter.diagnostics(),
 * schema `gc-incident/diagnostics/v1`), checked and bounded before anything shows or records
 * it: the endpoint is the service's, not ours. Numbers must be finite and non-negative, lists
 * are capped, and every string is cut to a length and stripped of control characters (a type
 * name could carry a terminal escape sequence) and bidi controls.
 */
import { GcIncidentError } from '../errors.js';
import { neutraliseBidi } from '../text/bidi.js';

export const DIAGNOSTICS_SCHEMA = 'gc-incident/diagnostics/v1';
const MAX_TYPES = 20;
const MAX_ALLOCATIONS = 10;
const MAX_GENERATIONS = 4;

export interface GenerationStats {
  readonly generation: number;
  readonly collections: number;
  readonly collected: number;
  readonly uncollectable: number;
}

export interface GcState {
  readonly python: string | undefined;
  readonly pid: number | undefined;
  readonly enabled: boolean;
  readonly thresholds: readonly number[];
  readonly counts: readonly number[];
  readonly frozen: number;
  /** len(gc.garbage): uncollectable objects kept by the interpreter. */
  readonly garbage: number;
  readonly generations: readonly GenerationStats[];
  readonly objects: {
    readonly tracked: number;
    readonly top: readonly { readonly type: string; readonly count: number }[];
    readonly ageSeconds: number;
  };
  /** Present when tracemalloc was tracing in the service. */
  readonly tracemalloc?:
    | {
        readonly currentBytes: number;
        readonly peakBytes: number;
        readonly top: readonly {
          readonly where: string;
          readonly sizeBytes: number;
          readonly count: number;
        }[];
      }
    | undefined;
}

/** Text from the service, safe to show anywhere: no control characters, no bidi controls, bounded. */
export function cleanText(value: unknown, max = 200): string {
  const text = typeof value === 'string' ? value : String(value);
  // biome-ignore lint/suspicious/noControlCharactersInRegex: they are what is removed
  return neutraliseBidi(text.slice(0, max).replace(/[\u0000-\u001f\u007f-\u009f]/g, '?'));
}

function fail(field: string, what: string): never {
  throw new GcIncidentError(
    'DIAGNOSTICS_INVALID',
    `the diagnostics endpoint's '${field}' ${what}: point the action at gc_incident_exporter.serve_diagnostics() (schema ${DIAGNOSTICS_SCHEMA})`,
    { field },
  );
}

function count(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) fail(field, 'is not a count');
  return value;
}

function record(value: unknown, field: string): Record<string, unknown> {
  if (!value || typeof value !== 'object' || Array.isArray(value)) fail(field, 'is not an object');
  return value as Record<string, unknown>;
}

function list(value: unknown, field: string, max: number): unknown[] {
  if (!Array.isArray(value)) fail(field, 'is not a list');
  return value.slice(0, max);
}

export function parseGcState(body: unknown): GcState {
  const b = record(body, '(body)');
  if (b.schema !== DIAGNOSTICS_SCHEMA) fail('schema', `is not '${DIAGNOSTICS_SCHEMA}'`);
  if (typeof b.enabled !== 'boolean') fail('enabled', 'is not true or false');
  const python = b.python && typeof b.python === 'object' ? (b.python as Record<string, unknown>) : {};
  const objects = record(b.objects, 'objects');
  const traced =
    b.tracemalloc === null || b.tracemalloc === undefined ? undefined : record(b.tracemalloc, 'tracemalloc');
  return {
    python: typeof python.version === 'string' ? cleanText(python.version, 20) : undefined,
    pid: typeof b.pid === 'number' && Number.isInteger(b.pid) ? b.pid : undefined,
    enabled: b.enabled,
    thresholds: list(b.thresholds, 'thresholds', 3).map((v, i) => count(v, `thresholds/${i}`)),
    counts: list(b.counts, 'counts', 3).map((v, i) => count(v, `counts/${i}`)),
    frozen: count(b.frozen, 'frozen'),
    garbage: b.garbage === undefined ? 0 : count(b.garbage, 'garbage'),
    generations: list(b.stats, 'stats', MAX_GENERATIONS).map((raw, i) => {
      const g = record(raw, `stats/${i}`);
      return {
        generation: i,
        collections: count(g.collections, `stats/${i}/collections`),
        collected: count(g.collected, `stats/${i}/collected`),
        uncollectable: count(g.uncollectable, `stats/${i}/uncollectable`),
      };
    }),
    objects: {
      tracked: count(objects.tracked, 'objects/tracked'),
      top: list(objects.top, 'objects/top', MAX_TYPES).map((raw, i) => {
        const t = record(raw, `objects/top/${i}`);
        return { type: cleanText(t.type), count: count(t.count, `objects/top/${i}/count`) };
      }),
      ageSeconds: objects.age_seconds === undefined ? 0 : count(objects.age_seconds, 'objects/age_seconds'),
    },
    tracemalloc: traced && {
      currentBytes: count(traced.current_bytes, 'tracemalloc/current_bytes'),
      peakBytes: count(traced.peak_bytes, 'tracemalloc/peak_bytes'),
      top: list(traced.top, 'tracemalloc/top', MAX_ALLOCATIONS).map((raw, i) => {
        const t = record(raw, `tracemalloc/top/${i}`);
        return {
          where: cleanText(t.where, 300),
          sizeBytes: count(t.size_bytes, `tracemalloc/top/${i}/size_bytes`),
          count: count(t.count, `tracemalloc/top/${i}/count`),
        };
      }),
    },
  };
}
