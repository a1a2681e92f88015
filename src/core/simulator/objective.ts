/**
 * What an incident is about, and so what a mitigation is ranked on: the longest pause
 * (full collections stalling requests), the p99 pause, GC time (CPU), or memory. A runbook's
 * simulate step names it; the other measures are reported as side effects.
 */
import type { SimulationResult } from './simulate.js';

export const OBJECTIVES = ['longest-pause', 'p99-pause', 'gc-time', 'memory'] as const;
export type Objective = (typeof OBJECTIVES)[number];

/** Ranked on when a step names none: the cost every GC incident shares. */
export const DEFAULT_OBJECTIVE: Objective = 'gc-time';

export type Measure = 'maxMs' | 'p99Ms' | 'gcMs' | 'memory';

export const MEASURE_OF: Readonly<Record<Objective, Measure>> = {
  'longest-pause': 'maxMs',
  'p99-pause': 'p99Ms',
  'gc-time': 'gcMs',
  memory: 'memory',
};

/** "the longest pause", for sentences. */
export const OBJECTIVE_NAME: Readonly<Record<Objective, string>> = {
  'longest-pause': 'the longest pause',
  'p99-pause': 'the p99 pause',
  'gc-time': 'GC time',
  memory: 'peak memory',
};

/** Side-effect names, shorter: "GC time −23 %". */
export const MEASURE_NAME: Readonly<Record<Measure, string>> = {
  maxMs: 'longest pause',
  p99Ms: 'p99 pause',
  gcMs: 'GC time',
  memory: 'memory',
};

export function isObjective(value: unknown): value is Objective {
  return typeof value === 'string' && (OBJECTIVES as readonly string[]).includes(value);
}

/**
 * The longest pause the service would see: the longest simulated one, or, when the run held
 * no full collection though the collector runs, the full collection that will come (a window
 * too short to hold one, e.g. under raised thresholds, does not make it go away).
 */
export function longestPauseMs(r: SimulationResult): number {
  return Math.max(r.pauses.maxMs, r.pendingFullMs ?? 0);
}

/** GC time per second of service when the workload has a rate, else the run's total. */
export function gcTimeOf(r: SimulationResult): number {
  return r.perSecond ? r.perSecond.gcMs : r.pauses.totalMs;
}
