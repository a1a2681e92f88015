/**
 * Pause cost fitted to the service: the exporter's pause histogram (python_gc_pause_seconds,
 * per generation) gives each generation's mean pause; the fitted workload's simulation gives
 * the objects each of those collections traverses and frees. A fixed cost per collection and a
 * factor per generation on the profile's per-object costs then reproduce the service's own
 * pauses (its objects cost more to traverse than the profile's small slotted ones). Without
 * pause metrics the shipped profile is used, and the note says so.
 */
import { type CostCoefficients, coefficientsFor, DEFAULT_CALIBRATION } from '../simulator/cost-model.js';
import type { SimulationResult } from '../simulator/simulate.js';
import type { ModelledPython } from '../simulator/workload.js';
import type { GcObservations, PerGeneration } from './observations.js';

export interface PauseCostFit {
  readonly coefficients: CostCoefficients;
  readonly source: 'fitted' | 'profile';
  /**
   * Relative error of the fitted costs for a change that moves work between generations: the
   * spread of the per-generation factors around their common one, at least the profile's noise.
   */
  readonly residual: number | undefined;
  readonly note: string;
}

/** The calibration profile's own noise (the notes, §5.3): no fit is better than that. */
const NOISE = 0.1;
/** Collections of a generation within the window needed before its mean pause is used. */
const MIN_COLLECTIONS = 3;

/** Mean pause per generation observed (ns), where enough collections were seen. */
function observedMeans(obs: GcObservations): (number | undefined)[] {
  return [0, 1, 2].map((g) => {
    const mean = obs.meanPause?.[g];
    const seen = (obs.collections[g] ?? 0) * obs.windowSeconds;
    return mean !== undefined && mean > 0 && seen >= MIN_COLLECTIONS ? mean * 1e9 : undefined;
  });
}

/**
 * Per-object cost of the young generation against the profile's, from the mean gen-0 pause: a
 * gen-0 collection traverses about t0 + 1 objects and frees what gen 0 collects. The heap is
 * sized from the full-collection pause with it (a service whose objects cost twice the
 * profile's has half the heap the profile would say). 1 without a gen-0 pause.
 */
export function youngScale(obs: GcObservations, python: ModelledPython, t: PerGeneration): number {
  const mean = observedMeans(obs)[0];
  const c = coefficientsFor(DEFAULT_CALIBRATION, python);
  if (mean === undefined || obs.collections[0] <= 0) return 1;
  const freed = obs.collected[0] / obs.collections[0];
  const variable = c.scanNs * (t[0] + 1) + c.freeNs * freed;
  return Math.min(20, Math.max(0.25, (mean - c.fixedNs) / variable));
}

export function fitPauseCost(
  obs: GcObservations,
  simulated: SimulationResult,
  python: ModelledPython,
): PauseCostFit {
  const profile = coefficientsFor(DEFAULT_CALIBRATION, python);
  const observed = observedMeans(obs);
  // What each simulated collection's pause would be without the fixed cost, at the profile's costs.
  const variable = simulated.pauses.byGeneration.map((p) =>
    p.count > 0 ? Math.max(1, (p.totalMs * 1e6) / p.count - profile.fixedNs) : undefined,
  );
  const pairs = [0, 1, 2].flatMap((g) => {
    const o = observed[g];
    const v = variable[g];
    return o !== undefined && v !== undefined ? [{ g, o, v }] : [];
  });
  if (pairs.length === 0) {
    return {
      coefficients: profile,
      source: 'profile',
      residual: undefined,
      note:
        obs.meanPause === undefined
          ? 'no python_gc_pause_seconds: pause cost from the shipped profile (small slotted objects on another machine; absolute pauses ×/÷ 3)'
          : 'too few collections with pauses in the window: pause cost from the shipped profile (absolute pauses ×/÷ 3)',
    };
  }
  // o = F + k·v by least squares over the generations seen; F kept within [0, half the shortest pause].
  const n = pairs.length;
  const mo = pairs.reduce((s, p) => s + p.o, 0) / n;
  const mv = pairs.reduce((s, p) => s + p.v, 0) / n;
  const sxx = pairs.reduce((s, p) => s + (p.v - mv) ** 2, 0);
  const sxy = pairs.reduce((s, p) => s + (p.v - mv) * (p.o - mo), 0);
  const slope = n >= 2 && sxx > 0 ? sxy / sxx : undefined;
  const shortest = Math.min(...pairs.map((p) => p.o));
  const fixed = Math.min(
    0.5 * shortest,
    Math.max(0, slope !== undefined && slope > 0 ? mo - slope * mv : profile.fixedNs),
  );
  const scale = (o: number, v: number) => Math.max(0.05, (o - fixed) / v);
  const perGeneration = [0, 1, 2].map((g) => {
    const o = observed[g];
    const v = variable[g];
    return o !== undefined && v !== undefined ? scale(o, v) : undefined;
  });
  const seen = perGeneration.filter((k): k is number => k !== undefined);
  const common = Math.exp(seen.reduce((s, k) => s + Math.log(k), 0) / seen.length);
  const generationScale = perGeneration.map((k) => k ?? common) as [number, number, number];
  const spread = Math.sqrt(seen.reduce((s, k) => s + Math.log(k / common) ** 2, 0) / seen.length);
  const residual = Math.max(NOISE, Math.expm1(spread));
  const text = generationScale.map(
    (k, g) => `gen ${g} ×${k.toFixed(2)}${perGeneration[g] === undefined ? ' (not seen)' : ''}`,
  );
  return {
    coefficients: { ...profile, fixedNs: Math.round(fixed), generationScale },
    source: 'fitted',
    residual,
    note: `pause cost fitted to the service's pauses: per-object cost against the profile ${text.join(', ')}; fixed ${(fixed / 1000).toFixed(1)} µs per collection (±${Math.round(residual * 100)} %)`,
  };
}
