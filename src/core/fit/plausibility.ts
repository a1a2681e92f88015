/**
 * What the fit accepts before it simulates anything. Metrics come from a
 * service's exporter and can be wrong by a unit (nanoseconds written as
 * seconds) or broken (NaN, negative rates, fractional thresholds); the fit's
 * arithmetic would turn such a value into a workload far beyond what the
 * simulator runs in bounded time and memory. An implausible observation is
 * reported, naming the value, instead of being fitted; a fitted workload
 * whose sizes pass the workload schema's caps is refused the same way.
 */
import { GcIncidentError } from '../errors.js';
import type { WorkloadDocument } from '../simulator/workload.js';
import type { GcObservations } from './observations.js';

/**
 * The workload schema's caps (schemas/workload.schema.json; a test keeps them in step): a fitted
 * workload is never validated against the schema file, so the fit checks them itself.
 */
export const WORKLOAD_CAPS = {
  threshold: 1_000_000_000,
  heap: 100_000_000,
  iterations: 10_000_000_000,
  count: 10_000_000,
  cycleSize: 100_000,
  cacheSize: 5_000_000,
  cacheInsert: 10_000,
} as const;

/**
 * A mean collection pause longer than this is not a collector pause: CPython's slowest full
 * collections (hundreds of millions of objects) take seconds, not minutes.
 */
export const MAX_PLAUSIBLE_PAUSE_SECONDS = 60;

const GENERATION = ['young (generation 0)', 'generation 1', 'full'] as const;

function implausible(message: string, details: Record<string, unknown>): GcIncidentError {
  return new GcIncidentError('FIT_IMPLAUSIBLE', message, details);
}

/** Shortest exact-enough text for a number a person reads back against their dashboard. */
function shown(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  return abs !== 0 && (abs >= 1e6 || abs < 1e-3) ? value.toExponential(0).replace('e+', 'e') : String(value);
}

function requireRate(values: readonly number[], series: string): void {
  values.forEach((value, g) => {
    if (!Number.isFinite(value) || value < 0)
      throw implausible(`${series} of generation ${g} is ${shown(value)}/s: a rate is a finite number ≥ 0`, {
        series,
        generation: g,
        value,
      });
  });
}

/** Refuses observations no collector produces, naming the value and what to check. */
export function refuseImplausible(obs: GcObservations): void {
  requireRate(obs.collections, 'python_gc_collections_total');
  requireRate(obs.collected, 'python_gc_objects_collected_total');
  obs.thresholds?.forEach((value, g) => {
    if (!Number.isInteger(value) || value < 0 || value > WORKLOAD_CAPS.threshold)
      throw implausible(
        `python_gc_threshold of generation ${g} is ${shown(value)}: gc.get_threshold() gives whole numbers from 0 to ${shown(WORKLOAD_CAPS.threshold)}; check the exporter (averaged over instances with different thresholds?)`,
        { series: 'python_gc_threshold', generation: g, value },
      );
  });
  obs.meanPause?.forEach((value, g) => {
    if (value === undefined) return;
    const what = `mean ${GENERATION[g]}-collection pause ${shown(value)} s`;
    if (!Number.isFinite(value) || value < 0)
      throw implausible(`${what}: a pause is a finite number of seconds ≥ 0`, { generation: g, value });
    if (value > MAX_PLAUSIBLE_PAUSE_SECONDS)
      throw implausible(
        `${what}: check the exporter's unit (python_gc_pause_seconds must be in seconds; no collection pauses over ${MAX_PLAUSIBLE_PAUSE_SECONDS} s)`,
        { generation: g, value },
      );
    const share = value * (obs.collections[g] ?? 0);
    if (share > 1)
      throw implausible(
        `${what} at ${shown(obs.collections[g] ?? 0)} collections/s is ${shown(share)} s of pause per second of time: check the exporter's unit`,
        { generation: g, value },
      );
  });
  if (
    obs.frozen !== undefined &&
    (!Number.isFinite(obs.frozen) || obs.frozen < 0 || obs.frozen > WORKLOAD_CAPS.heap)
  )
    throw implausible(
      `python_gc_frozen_objects is ${shown(obs.frozen)}: the simulator models 0 to ${shown(WORKLOAD_CAPS.heap)} frozen objects`,
      { series: 'python_gc_frozen_objects', value: obs.frozen },
    );
}

function requireWithin(
  value: number | undefined,
  max: number,
  min: number,
  field: string,
  integer = true,
): void {
  if (value === undefined) return;
  if (!Number.isFinite(value) || value < min || value > max || (integer && !Number.isInteger(value)))
    throw implausible(
      `the fitted workload's ${field} is ${shown(value)} (allowed: ${integer ? 'whole numbers ' : ''}${min} to ${shown(max)}): the observations describe more than the simulator models; check the exporter's units`,
      { field, value },
    );
}

/** Refuses a fitted workload beyond the workload schema's caps, naming the field and value. */
export function refuseBeyondCaps(doc: WorkloadDocument): void {
  const c = WORKLOAD_CAPS;
  for (const [g, t] of (doc.thresholds ?? []).entries()) requireWithin(t, c.threshold, 0, `thresholds[${g}]`);
  requireWithin(doc.setup?.heap, c.heap, 0, 'setup.heap');
  requireWithin(doc.iterations, c.iterations, 0, 'iterations');
  if (doc.rate !== undefined)
    requireWithin(doc.rate, Number.MAX_SAFE_INTEGER, Number.MIN_VALUE, 'rate', false);
  doc.each_iteration.forEach((op, i) => {
    const at = `each_iteration[${i}]`;
    requireWithin(op.keep, c.count, 0, `${at}.keep`);
    requireWithin(op.temp, c.count, 0, `${at}.temp`);
    requireWithin(op.bulk, c.count, 0, `${at}.bulk`);
    // Lifetimes are not sizes: the simulator holds a ring of any length as four counts.
    if (op.cycle) requireWithin(op.cycle.size, c.cycleSize, 1, `${at}.cycle.size`);
    if (op.cache) {
      requireWithin(op.cache.size, c.cacheSize, 1, `${at}.cache.size`);
      requireWithin(op.cache.insert, c.cacheInsert, 1, `${at}.cache.insert`);
    }
  });
}
