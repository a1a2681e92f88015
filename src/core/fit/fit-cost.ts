/**
 * Pause cost fitted to the service: the exporter's pause histogram (python_gc_pause_seconds,
 * per generation) gives each generation's mean pause; the fitted workload's simulation gives
 * the objects each of those collections traverses and frees. A fixed cost per collection and a
 * factor per generation on the profile's per-object costs (a young collection's growing with its
 * size, YOUNG_SIZE_CURVE) then reproduce the service's own pauses (its objects cost more to
 * traverse than the profile's small slotted ones). Without pause metrics the shipped profile is
 * used, with no size curve, and the note says so.
 */
import {
  type CostCoefficients,
  coefficientsFor,
  DEFAULT_CALIBRATION,
  sizeFactor,
  YOUNG_SIZE_CURVE,
} from '../simulator/cost-model.js';
import type { PauseTail } from '../simulator/pause-tail.js';
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
  /** The service's pause tail relative to its mean pauses (fit-tail.ts), when its histogram was exported. */
  readonly tail?: PauseTail | undefined;
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

/**
 * Young generations' collection sizes must differ by this factor before the intercept of their
 * pause against their size says anything: in a churning service a gen-1 collection holds little
 * more than a gen-0 one, and two nearly equal sizes make the intercept noise.
 */
export const YOUNG_SPREAD = 1.5;
/**
 * The fixed cost per collection may exceed the profile's by this factor at most. Physical sense:
 * an empty young collection timed through gc.callbacks costs 0.29 µs (3.11.2), 0.47 µs (3.13.0),
 * 0.54 µs (3.8.18) on the bench machine (median of 200), under the profile's 2–2.5 µs. The
 * fitted workload reproduces collection counts, not the size of each young generation (a
 * churning service's gen-1 collections came out three times its gen-0 ones in the fit, alike
 * in the service), so an intercept above the profile's is taken for that mismatch, not for cost.
 */
export const FIXED_CEILING = 1;

/**
 * The fixed cost per collection (ns): the intercept of the young generations' mean pause against
 * their size (what each traverses and frees at the profile's costs), when their sizes differ
 * enough to tell (YOUNG_SPREAD); else the profile's. Kept within [0, FIXED_CEILING × the
 * profile's] and under half the shortest young pause: the fixed cost is what a change of
 * threshold does not scale, and an intercept that ate most of each pause would promise that
 * fewer, larger collections cost less in all, which they do not (bench:fit churn, 2026-12-07:
 * 154 → 86 ms/s predicted for threshold 0 × 10, 150 observed, from a fixed cost of 20 µs).
 */
/** Where the fixed cost came from, which bound set it, or why the profile's was kept. */
export type FixedCostSource =
  | 'intercept'
  | 'intercept below zero'
  | 'profile ceiling'
  | 'half the shortest pause'
  | 'profile: one young generation seen'
  | 'profile: young collections alike in size'
  | 'profile: the larger young collection paused less';

const FIXED_COST_WORDS: Record<FixedCostSource, string> = {
  intercept: 'intercept of the young collections',
  'intercept below zero': 'the young collections’ intercept fell below zero: none',
  'profile ceiling': 'the young collections’ intercept, held to the profile’s',
  'half the shortest pause': 'held to half the shortest young pause',
  'profile: one young generation seen': 'the profile’s: one young generation seen, no intercept to fit',
  'profile: young collections alike in size': 'the profile’s: young collections too alike in size to fit it',
  'profile: the larger young collection paused less':
    'the profile’s: the larger young collection paused less, no intercept to fit',
};

export function fixedCost(
  pairs: readonly { g: number; o: number; v: number }[],
  profileNs: number,
): { readonly ns: number; readonly from: FixedCostSource } {
  const young = pairs.filter((p) => p.g < 2);
  const [a, b] = [...young].sort((x, y) => x.v - y.v);
  const shortest = Math.min(...(young.length > 0 ? young : pairs).map((p) => p.o));
  const ceiling = FIXED_CEILING * profileNs;
  const half = 0.5 * shortest;
  const why: FixedCostSource | undefined =
    a === undefined || b === undefined
      ? 'profile: one young generation seen'
      : b.v < YOUNG_SPREAD * a.v
        ? 'profile: young collections alike in size'
        : b.o <= a.o
          ? 'profile: the larger young collection paused less'
          : undefined;
  const intercept = why === undefined && a && b ? a.o - ((b.o - a.o) / (b.v - a.v)) * a.v : profileNs;
  const ns = Math.max(0, Math.min(intercept, ceiling, half));
  // The bound that set the value, so the fit's note says what it rests on.
  const from: FixedCostSource =
    ns === half && half < Math.min(intercept, ceiling)
      ? 'half the shortest pause'
      : why !== undefined
        ? why
        : intercept < 0
          ? 'intercept below zero'
          : ns === ceiling && ceiling < intercept
            ? 'profile ceiling'
            : 'intercept';
  return { ns, from };
}

/**
 * The costs the fit's own simulation runs with and its factors are taken against: the profile's,
 * with young collections costing more per object as they grow (YOUNG_SIZE_CURVE). A factor fitted
 * at the service's young sizes then carries to a what-if whose young collections are ten times
 * larger (bench:fit, 2026-12-08: a young collection ten times larger cost up to 45 % more than the
 * flat factor gave it, a generation-1 collection 1.6-3x).
 */
export function fitBaseCost(python: ModelledPython): CostCoefficients {
  return { ...coefficientsFor(DEFAULT_CALIBRATION, python), sizeCurve: YOUNG_SIZE_CURVE };
}

export function fitPauseCost(
  obs: GcObservations,
  simulated: SimulationResult,
  python: ModelledPython,
): PauseCostFit {
  const profile = fitBaseCost(python);
  const observed = observedMeans(obs);
  // What each simulated collection's pause would be without the fixed cost, at the profile's costs
  // and its size curve.
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
      coefficients: coefficientsFor(DEFAULT_CALIBRATION, python),
      source: 'profile',
      residual: undefined,
      note:
        obs.meanPause === undefined
          ? 'no python_gc_pause_seconds: pause cost from the shipped profile (small slotted objects on another machine; absolute pauses ×/÷ 3)'
          : 'too few collections with pauses in the window: pause cost from the shipped profile (absolute pauses ×/÷ 3)',
    };
  }
  const { ns: fixed, from } = fixedCost(pairs, profile.fixedNs);
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
    note: `pause cost fitted to the service's pauses: per-object cost against the profile ${text.join(', ')}; fixed ${(fixed / 1000).toFixed(1)} µs per collection (${FIXED_COST_WORDS[from]}; ±${Math.round(residual * 100)} %); a young collection costs more per object as it grows (×${sizeFactor(YOUNG_SIZE_CURVE, 70_000)} at 70,000 objects)`,
  };
}
