/**
 * The workload model (`schemas/workload.schema.json`) and the facts about each
 * modelled CPython version the simulator and the repro script share.
 */
export type ModelledPython =
  | '3.8'
  | '3.9'
  | '3.10'
  | '3.11'
  | '3.12'
  | '3.13'
  | '3.13t'
  | '3.14'
  | '3.14-incremental'
  | '3.14t';

export const MODELLED_PYTHONS: readonly ModelledPython[] = [
  '3.8',
  '3.9',
  '3.10',
  '3.11',
  '3.12',
  '3.13',
  '3.13t',
  '3.14',
  '3.14-incremental',
  '3.14t',
];

export type ObjectKind = 'slotted' | 'plain' | 'list' | 'dict';

export type Operation =
  | { op: 'keep'; count: number; kind: ObjectKind }
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
  readonly setup: { readonly heap: number; readonly kind: ObjectKind; readonly freeze: boolean };
  readonly iterations: number;
  readonly rate: number | undefined;
  readonly ops: readonly Operation[];
  readonly every: readonly PeriodicAction[];
}

/** The raw YAML shape, after schema validation. */
export interface WorkloadDocument {
  name?: string;
  description?: string;
  python: ModelledPython;
  thresholds?: number[];
  saveall?: boolean;
  setup?: { heap?: number; kind?: ObjectKind; freeze?: boolean };
  iterations: number;
  rate?: number;
  each_iteration: Array<{
    keep?: number;
    temp?: number;
    bulk?: number;
    cycle?: { size: number; finalizer?: boolean; resurrect?: boolean };
    kind?: ObjectKind;
  }>;
  every?: Array<{ period: number; action: string; generation?: number; thresholds?: number[] }>;
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

/**
 * The model for a CPython version such as 3.12.1: 3.14.0-3.14.4 shipped the
 * incremental collector, 3.14.5+ the generational one; free-threaded builds
 * exist from 3.13. Undefined for versions that are not modelled.
 */
export function modelForVersion(version: string, freeThreaded = false): ModelledPython | undefined {
  const [major, minor, patch] = version.split('.').map(Number);
  if (major !== 3 || minor === undefined || minor < 8) return undefined;
  if (freeThreaded) return minor === 13 ? '3.13t' : minor >= 14 ? '3.14t' : undefined;
  if (minor >= 14) return (patch ?? 0) <= 4 ? '3.14-incremental' : '3.14';
  return `3.${minor}` as ModelledPython;
}

/** Versions whose numbers are checked against real interpreters; the others are modelled from source. */
export function isMeasuredVersion(python: ModelledPython): boolean {
  return ['3.8', '3.9', '3.10', '3.11', '3.12', '3.13'].includes(python);
}

export function withThresholds(
  defaults: readonly number[],
  given: readonly number[] | undefined,
): [number, number, number] {
  return [0, 1, 2].map((i) => given?.[i] ?? defaults[i] ?? 0) as [number, number, number];
}

export function normalizeWorkload(doc: WorkloadDocument, overridePython?: ModelledPython): Workload {
  const python = overridePython ?? doc.python;
  const ops: Operation[] = doc.each_iteration.map((item) => {
    const kind = item.kind ?? 'slotted';
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
