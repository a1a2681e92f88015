/**
 * What a service's metrics say about its collector over a window, per
 * process: rates per generation from prometheus_client's GC collector, and
 * the exporter's gauges when they are there. Produced by an adapter
 * (src/adapters/prometheus/gc-observations.ts); everything here is pure.
 */
export type PerGeneration = readonly [number, number, number];

export interface PauseBucket {
  readonly le: number;
  readonly count: number;
}

export interface GcObservations {
  readonly job: string;
  readonly datasource: string;
  /** The window's length in seconds (cut to where the series begin), and its end. */
  readonly windowSeconds: number;
  /** The window asked for, when the series covered less of it than that. */
  readonly requestedWindowSeconds?: number | undefined;
  readonly end: Date;
  /** python_info's version label, e.g. "3.12.1"; undefined when the series is missing. */
  readonly pythonVersion: string | undefined;
  readonly implementation: string | undefined;
  /** Processes (instances) averaged over. */
  readonly instances: number;
  /** Collections per second, per generation (python_gc_collections_total). */
  readonly collections: PerGeneration;
  /** Objects collected per second, per generation (python_gc_objects_collected_total). */
  readonly collected: PerGeneration;
  /** python_gc_threshold, when exported. */
  readonly thresholds: PerGeneration | undefined;
  /** Mean pause per generation in seconds (python_gc_pause_seconds), when exported and non-empty. */
  readonly meanPause: readonly (number | undefined)[] | undefined;
  /**
   * python_gc_pause_seconds_bucket over the window, per generation: cumulative pauses at each
   * bucket's upper edge (seconds, ascending, +Inf last), when exported.
   */
  readonly pauseBuckets?: readonly (readonly PauseBucket[])[] | undefined;
  /** python_gc_frozen_objects, when exported. */
  readonly frozen: number | undefined;
  /** python_gc_pending_objects (gc.get_count()), when exported. */
  readonly pending: PerGeneration | undefined;
  /** python_gc_enabled, when exported (1 enabled, 0 disabled). */
  readonly enabled: number | undefined;
  /** The series the observations were read from, for the provenance comments. */
  readonly sources: readonly string[];
}

export function total(values: PerGeneration): number {
  return values[0] + values[1] + values[2];
}
