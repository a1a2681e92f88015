/**
 * What differs between the modelled CPython versions, as data. Each flag is a
 * fact from the CPython sources or a measurement (see docs/simulator.md,
 * "How it works"); the engine reads only these.
 */
import { collectorOf, isMeasuredVersion, type ModelledPython } from './versions.js';

export type Collector = 'generational' | 'incremental' | 'free-threaded';

export interface VersionProfile {
  readonly python: ModelledPython;
  readonly collector: Collector;
  /** 3.12+: an allocation only schedules the collection; it runs at the next eval-breaker check. */
  readonly deferredTrigger: boolean;
  /** 3.8: calling range() builds a 1-tuple of arguments (no vectorcall). */
  readonly rangeArgsTuple: boolean;
  /** Up to 3.10 a plain instance's attributes live in a separate dict object. */
  readonly instanceDict: boolean;
  /** 3.8: one resurrected object keeps the whole unreachable set alive for that collection. */
  readonly resurrectionKeepsAll: boolean;
  /** 3.14+: every dict is tracked from creation (no lazy dict tracking, no untrack_dicts). */
  readonly dictsTrackedAtCreation: boolean;
  /** Free-lists: list and dict hold 80; tuples of each small size hold 2000. */
  readonly listFreelist: number;
  readonly dictFreelist: number;
  readonly tupleFreelist: number;
  /** Whether this version's numbers are checked against a real interpreter in the tests. */
  readonly measured: boolean;
}

export function versionProfile(python: ModelledPython): VersionProfile {
  const minor = Number(python.split('.')[1]?.replace(/[^0-9].*$/, '') ?? '0');
  const collector: Collector = collectorOf(python);
  return {
    python,
    collector,
    deferredTrigger: minor >= 12,
    rangeArgsTuple: minor === 8,
    instanceDict: minor <= 10,
    resurrectionKeepsAll: minor === 8,
    dictsTrackedAtCreation: minor >= 14,
    listFreelist: 80,
    dictFreelist: 80,
    tupleFreelist: 2000,
    measured: isMeasuredVersion(python),
  };
}
