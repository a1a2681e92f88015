/**
 * Names the failure mode the observations and the fitted workload show, with
 * the evidence in one sentence, and the shipped runbook that handles it.
 */
import type { GcObservations } from './observations.js';
import { total } from './observations.js';

export type FailureMode =
  | 'collector-disabled'
  | 'frozen-heap'
  | 'old-generation-growth'
  | 'cycle-garbage'
  | 'allocation-churn'
  | 'healthy';

export interface Diagnosis {
  readonly mode: FailureMode;
  readonly title: string;
  readonly evidence: string;
  /** The shipped runbook for this mode; undefined when healthy. */
  readonly runbook: string | undefined;
}

/** What the fit derived, as far as the diagnosis needs it. */
export interface FittedShape {
  /** Long-lived tracked objects in generation 2 (excluding frozen ones). */
  readonly heap: number;
  /** Objects promoted into generation 2 per second. */
  readonly promotedPerSecond: number;
  readonly thresholds: readonly [number, number, number];
}

/** Young collections per second beyond which the collector is thrashing (the thrash runbook's detection). */
export const CHURN_GEN0_PER_SECOND = 50;
/** Full collections per second beyond which they dominate (one every 5 s). */
export const OLD_GEN_FULL_PER_SECOND = 0.2;
/**
 * Frozen objects, against the fitted long-lived heap, from which a frozen (pre-fork) heap is named
 * first: a quarter. The fitted heap comes from the mean full-collection pause, which a loaded
 * machine inflates many times over (the process is descheduled mid-collection), so frozen objects
 * are not required to outnumber it.
 */
export const FROZEN_HEAP_RATIO = 0.25;
/** Fewer frozen objects than this are an import-time freeze, not a pre-fork heap. */
export const FROZEN_MIN_OBJECTS = 10_000;
/** Share of the collected garbage found only by generation-1/2 collections. */
export const OLD_GARBAGE_SHARE = 0.25;

const fmt = (n: number, digits = 0) =>
  n >= 1e6 ? `${(n / 1e6).toFixed(1)}M` : n >= 1e4 ? `${Math.round(n / 1e3)}k` : n.toFixed(digits);

export function diagnose(obs: GcObservations, shape: FittedShape): Diagnosis {
  const [c0, c1, c2] = obs.collections;
  const [k0, k1, k2] = obs.collected;
  const collections = total(obs.collections);
  const garbage = total(obs.collected);
  if (obs.enabled === 0 || (collections === 0 && obs.windowSeconds > 0)) {
    return {
      mode: 'collector-disabled',
      title: 'collector disabled',
      evidence: `no collection in ${fmt(obs.windowSeconds)} s${obs.enabled === 0 ? ' and python_gc_enabled is 0' : ''}: cyclic garbage is never freed`,
      runbook: 'gc-disabled-or-starved',
    };
  }
  const frozen = obs.frozen ?? 0;
  if (frozen >= FROZEN_MIN_OBJECTS && frozen >= FROZEN_HEAP_RATIO * shape.heap) {
    return {
      mode: 'frozen-heap',
      title: 'large frozen or pre-fork heap',
      evidence: `${fmt(frozen)} objects frozen by gc.freeze() beside ${fmt(shape.heap)} in generation 2: a pre-fork heap whose pages the workers share`,
      runbook: 'gc-prefork-copy-on-write',
    };
  }
  // A service allocating fast also collects generation 2 often (the long-lived heuristic lets one
  // through every few seconds): that is churn, unless the full collections are where the
  // collector spends its traversal work (objects scanned per second, young against full).
  const youngWork = c0 * (shape.thresholds[0] + 1);
  const fullWork = c2 * shape.heap;
  const churnExplains = c0 >= CHURN_GEN0_PER_SECOND && youngWork > fullWork;
  if (c2 >= OLD_GEN_FULL_PER_SECOND && !churnExplains) {
    return {
      mode: 'old-generation-growth',
      title: 'old-generation growth',
      evidence: `a full collection every ${(1 / c2).toFixed(1)} s over about ${fmt(shape.heap)} long-lived objects, as ${fmt(shape.promotedPerSecond)} survivors/s are promoted into generation 2`,
      runbook: 'gc-full-collection-latency',
    };
  }
  if (garbage > 0 && (k1 + k2) / garbage >= OLD_GARBAGE_SHARE) {
    return {
      mode: 'cycle-garbage',
      title: 'cycle garbage',
      evidence: `${Math.round(((k1 + k2) / garbage) * 100)} % of the cyclic garbage (${fmt(k1 + k2)} objects/s) outlives the young collections and waits for generation 1/2, where full collections come every ${c2 > 0 ? `${(1 / c2).toFixed(0)} s` : 'more than the window'}`,
      runbook: 'gc-cyclic-garbage-growth',
    };
  }
  if (c0 >= CHURN_GEN0_PER_SECOND) {
    const net = (shape.thresholds[0] + 1) * collections;
    return {
      mode: 'allocation-churn',
      title: 'allocation churn',
      evidence: `gen-0 collections ${fmt(c0)}/s from ${fmt(net)} net container allocations/s; ${garbage > 0 ? Math.round((k0 / garbage) * 100) : 0} % of the garbage dies young`,
      runbook: 'gc-thrash-allocation-churn',
    };
  }
  return {
    mode: 'healthy',
    title: 'healthy',
    evidence: `gen-0 ${c0.toFixed(1)}/s, gen-1 ${c1.toFixed(2)}/s, gen-2 ${c2.toFixed(3)}/s: within what the shipped runbooks treat as normal`,
    runbook: undefined,
  };
}
