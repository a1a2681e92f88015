/**
 * The workload model (`schemas/workload.schema.json`) and the facts about each
 * modelled CPython version the simulator and the repro script share.
 */

import { GcIncidentError } from '../errors.js';
import type { CostCoefficients } from './cost-model.js';
import { type ModelledPython, resolvePython } from './versions.js';

export {
  isMeasuredVersion,
  MODELLED_PYTHONS,
  type ModelledPython,
  modelForVersion,
} from './versions.js';

export type ObjectKind = 'slotted' | 'plain' | 'list' | 'dict';

export type Operation =
  /** `slots`: the objects live in a ring buffer of that many slots, each dropped when its slot is reused. */
  | { op: 'keep'; count: number; kind: ObjectKind; slots?: number }
  | { op: 'temp'; count: number; kind: ObjectKind }
  | { op: 'bulk'; count: number; kind: ObjectKind }
  | {
      op: 'cycle';
      size: number;
      kind: ObjectKind;
      finalizer: boolean;
      resurrect: boolean;
      /** What-if "break-cycles": one reference is cleared before release, so reference counting frees the ring. */
      broken: boolean;
      /** The ring is held in a ring buffer of that many slots, and becomes garbage when its slot is reused. */
      slots?: number;
    };

export type PeriodicAction =
  | { period: number; action: 'collect'; generation: 0 | 1 | 2 }
  | { period: number; action: 'freeze' | 'disable' | 'enable' }
  | { period: number; action: 'set_threshold'; thresholds: number[] };

export interface Workload {
  readonly name: string;
  readonly python: ModelledPython;
  readonly thresholds: readonly [number, number, number];
  /** Whether the workload set its thresholds (they then survive a change of Python version). */
  readonly thresholdsExplicit: boolean;
  readonly saveall: boolean;
  /** The collector stays disabled during the run (gc.disable(); what-if "disable"). */
  readonly disabled: boolean;
  readonly setup: {
    readonly heap: number;
    readonly kind: ObjectKind;
    /** gc.freeze() right after the heap is built, before the harness's gc.collect(). */
    readonly freeze: boolean;
    /**
     * What-if "freeze": gc.collect() then gc.freeze() as the run starts, as a service applies it
     * at run time. CPython's long-lived total stays at the collected heap, so the next full
     * collection waits for a quarter of it to be promoted again.
     */
    readonly collectThenFreeze?: boolean;
    /** With collectThenFreeze: measured from the first full collection after the freeze (settle.ts). */
    readonly settleAfterFreeze?: boolean;
  };
  readonly iterations: number;
  /**
   * The heap (its peak, steady and final figures, and the timeline) is reported over the first
   * this many iterations only, the rates over the whole run: a what-if run longer than its
   * baseline to hold its rarer collections (what-if.ts, stretchScale) shows its memory over the
   * baseline's service time.
   */
  readonly heapOver?: number | undefined;
  readonly rate: number | undefined;
  /** Pause cost fitted to the service this workload was fitted to; the calibration profile's when absent. */
  readonly cost?: CostCoefficients | undefined;
  readonly ops: readonly Operation[];
  readonly every: readonly PeriodicAction[];
}

/** The raw YAML shape, after schema validation. */
export interface WorkloadDocument {
  name?: string;
  description?: string;
  /** A release (3.12, 3.14.2, 3.14t) or a model's name (3.14-incremental); see versions.ts. */
  python: string;
  thresholds?: number[];
  saveall?: boolean;
  setup?: { heap?: number; kind?: ObjectKind; freeze?: boolean };
  iterations: number;
  rate?: number;
  each_iteration: OperationDocument[];
  every?: Array<{ period: number; action: string; generation?: number; thresholds?: number[] }>;
}

/** Objects one operation may hold alive at once (its ring buffer's slots). */
export const MAX_SLOTS = 5_000_000;

/** A lifetime: iterations, or a duration ("30s", "2m") at the workload's `rate`. */
export type LifetimeDocument = number | string;

export interface OperationDocument {
  keep?: number;
  lifetime?: LifetimeDocument;
  temp?: number;
  bulk?: number;
  cycle?: { size: number; finalizer?: boolean; resurrect?: boolean; lifetime?: LifetimeDocument };
  cache?: { size: number; insert?: number; item?: { cycle?: { size: number } } };
  kind?: ObjectKind;
}

export function defaultThresholds(python: ModelledPython): [number, number, number] {
  switch (python) {
    case '3.8':
    case '3.9':
    case '3.10':
    case '3.11':
    case '3.12':
      return [700, 10, 10];
    case '3.14-incremental':
      return [2000, 10, 0];
    default:
      return [2000, 10, 10];
  }
}

export function withThresholds(
  defaults: readonly number[],
  given: readonly number[] | undefined,
): [number, number, number] {
  return [0, 1, 2].map((i) => given?.[i] ?? defaults[i] ?? 0) as [number, number, number];
}

export function normalizeWorkload(doc: WorkloadDocument, overridePython?: ModelledPython): Workload {
  const python =
    overridePython ?? resolvePython(String(doc.python), `python: ${doc.python}`, 'WORKLOAD_INVALID');
  const ops: Operation[] = doc.each_iteration.map((item, index) => {
    const kind = item.kind ?? 'slotted';
    const where = `each_iteration[${index}]`;
    if (item.cache) return cacheOperation(item.cache);
    if (item.keep !== undefined && item.lifetime !== undefined) {
      const slots = item.keep * lifetimeIterations(item.lifetime, doc.rate, `${where}.lifetime`);
      if (slots > MAX_SLOTS) {
        throw new GcIncidentError(
          'WORKLOAD_INVALID',
          `${where}: keep × lifetime is ${slots} live objects; at most ${MAX_SLOTS} are modelled (the repro script holds each one): shorten the lifetime or scale the workload down`,
          { field: where },
        );
      }
      return { op: 'keep', count: item.keep, kind, slots: Math.max(1, slots) };
    }
    if (item.keep !== undefined) return { op: 'keep', count: item.keep, kind };
    if (item.temp !== undefined) return { op: 'temp', count: item.temp, kind };
    if (item.bulk !== undefined) return { op: 'bulk', count: item.bulk, kind };
    const cycle = item.cycle ?? { size: 1 };
    return {
      op: 'cycle',
      size: cycle.size,
      kind,
      finalizer: cycle.finalizer ?? false,
      resurrect: cycle.resurrect ?? false,
      broken: false,
      ...(item.cycle?.lifetime !== undefined
        ? { slots: lifetimeIterations(item.cycle.lifetime, doc.rate, `${where}.cycle.lifetime`) }
        : {}),
    };
  });
  const every: PeriodicAction[] = (doc.every ?? []).map((e) => {
    if (e.action === 'collect') {
      return { period: e.period, action: 'collect', generation: (e.generation ?? 2) as 0 | 1 | 2 };
    }
    if (e.action === 'set_threshold')
      return { period: e.period, action: 'set_threshold', thresholds: e.thresholds ?? [] };
    return { period: e.period, action: e.action as 'freeze' | 'disable' | 'enable' };
  });
  return {
    name: doc.name ?? 'workload',
    python,
    thresholds: withThresholds(defaultThresholds(python), doc.thresholds),
    thresholdsExplicit: doc.thresholds !== undefined,
    saveall: doc.saveall ?? false,
    disabled: false,
    setup: {
      heap: doc.setup?.heap ?? 0,
      kind: doc.setup?.kind ?? 'slotted',
      freeze: doc.setup?.freeze ?? false,
    },
    iterations: doc.iterations,
    rate: doc.rate,
    ops,
    every,
  };
}

/** Slots of the ring buffer as many iterations long as the lifetime (whole iterations, at least one). */
export function lifetimeIterations(
  lifetime: LifetimeDocument,
  rate: number | undefined,
  where: string,
): number {
  if (typeof lifetime === 'number') return lifetime;
  const match = /^([0-9]+(?:\.[0-9]+)?)(ms|s|m|h)$/.exec(lifetime);
  if (!match) {
    throw new GcIncidentError(
      'WORKLOAD_INVALID',
      `${where}: '${lifetime}' is not a lifetime; write iterations (50) or a duration (30s, 2m)`,
      { field: where },
    );
  }
  if (rate === undefined) {
    throw new GcIncidentError(
      'WORKLOAD_INVALID',
      `${where}: a lifetime in time ('${lifetime}') needs the workload's 'rate' (iterations per second)`,
      { field: where },
    );
  }
  const seconds = Number(match[1]) * { ms: 0.001, s: 1, m: 60, h: 3600 }[match[2] as 'ms' | 's' | 'm' | 'h'];
  return Math.max(1, Math.round(seconds * rate));
}

/** A bounded cache: `insert` new entries per iteration, the oldest dropped beyond `size`. */
function cacheOperation(cache: NonNullable<OperationDocument['cache']>): Operation {
  if (cache.item?.cycle) {
    return {
      op: 'cycle',
      size: cache.item.cycle.size,
      kind: 'slotted',
      finalizer: false,
      resurrect: false,
      broken: false,
      slots: cache.size,
    };
  }
  return { op: 'keep', count: cache.insert ?? 1, kind: 'slotted', slots: cache.size };
}
