/**
 * Fits a workload to what a service's collector did over a window: cyclic
 * garbage dying young, in generation 1 and in generation 2 (rings with
 * lifetimes), long-lived survivors promoted into generation 2 (a bounded
 * cache whose entries are replaced), the long-lived heap that paces full
 * collections, frozen objects, thresholds and the Python version. A first
 * guess comes from the collector's arithmetic; a few simulations then scale
 * each part until the simulated rates match the observed ones.
 */
import { GcIncidentError } from '../errors.js';
import { coefficientsFor, DEFAULT_CALIBRATION } from '../simulator/cost-model.js';
import { type SimulationResult, simulate } from '../simulator/simulate.js';
import { collectorCaveat, MEASURED_RANGE, pythonSpecProblem, resolvePython } from '../simulator/versions.js';
import {
  defaultThresholds,
  isMeasuredVersion,
  type ModelledPython,
  modelForVersion,
  normalizeWorkload,
  type OperationDocument,
  type WorkloadDocument,
} from '../simulator/workload.js';
import { type Diagnosis, diagnose } from './diagnose.js';
import { fitBaseCost, fitPauseCost, type PauseCostFit, youngScale } from './fit-cost.js';
import { fitPauseTail } from './fit-tail.js';
import { type GcObservations, type PerGeneration, total } from './observations.js';
import { refuseBeyondCaps, refuseImplausible } from './plausibility.js';

export interface RateFit {
  readonly series: 'collections' | 'collected';
  readonly generation: 0 | 1 | 2;
  readonly observed: number;
  readonly fitted: number;
  /** (fitted - observed) / observed in %, or undefined when nothing was observed. */
  readonly errorPercent: number | undefined;
  /**
   * `fitted` is the full-collection rate the collector's rule projects (full-rate.ts), not one
   * the simulated stretch held: the rounds matched it to the observed one, so it says little.
   */
  readonly projected?: true | undefined;
}

export interface FitResult {
  readonly doc: WorkloadDocument;
  readonly python: ModelledPython;
  readonly thresholds: PerGeneration;
  readonly quality: RateFit[];
  /** The largest |error| over the collection rates (the figure the what-if table is judged by). */
  readonly worstCollectionsErrorPercent: number;
  readonly diagnosis: Diagnosis;
  readonly notes: string[];
  /** Pause cost fitted to the service's own pauses, or the shipped profile (fit-cost.ts). */
  readonly cost: PauseCostFit;
}

/** Simulated service time per fit round: long enough for several full collections, bounded in cost. */
const MIN_SECONDS = 2;
/** Iterations per round at most (objects with lifetimes are simulated iteration by iteration). */
const MAX_ITERATIONS = 50_000;
const MAX_SECONDS = 240;
/** Young collections simulated per round at most: the cost of a round is about proportional to them. */
const MAX_COLLECTIONS = 2_500;
/**
 * Objects per young ring: small, so few rings straddle a collection (a ring
 * that does is half promoted and found only by a generation-1 collection),
 * as request-scoped cycles are; larger only to bound the iterations.
 */
const YOUNG_RING = 8;
const MAX_RATE = 50_000;
const ROUNDS = 3;
/** Collection rates within this share of the observed ones need no further round. */
const CONVERGED = 0.03;
const DEFAULT_PROMOTION_PER_SECOND = 1000;

interface Parameters {
  rate: number;
  young: number;
  mid: number;
  old: number;
  midLifetime: number;
  oldLifetime: number;
  cacheInsert: number;
  cacheSize: number;
  heap: number;
  growth: number;
}

export function modelledPythonFor(obs: GcObservations, override?: string): ModelledPython {
  if (override) {
    // 3.14 without a patch level is the current 3.14 (3.14.5+), as everywhere a version is written.
    const model =
      pythonSpecProblem(override) === undefined ? resolvePython(override, `--python ${override}`) : undefined;
    if (!model || !isMeasuredVersion(model)) {
      throw new GcIncidentError(
        'FIT_PYTHON_UNSUPPORTED',
        `--python ${override}: the fit models CPython ${MEASURED_RANGE} (the versions checked against real interpreters)${model && collectorCaveat(model) ? `; ${collectorCaveat(model)}` : ''}`,
        { python: override },
      );
    }
    return model;
  }
  if (obs.implementation && obs.implementation.toLowerCase() !== 'cpython') {
    throw new GcIncidentError(
      'FIT_PYTHON_UNSUPPORTED',
      `job '${obs.job}' runs ${obs.implementation}; the simulator models CPython's collector only`,
      { implementation: obs.implementation },
    );
  }
  if (!obs.pythonVersion) {
    throw new GcIncidentError(
      'FIT_PYTHON_UNSUPPORTED',
      `job '${obs.job}' exports no python_info: give the interpreter with --python X.Y`,
      { job: obs.job },
    );
  }
  const model = modelForVersion(obs.pythonVersion);
  if (!model || !isMeasuredVersion(model)) {
    throw new GcIncidentError(
      'FIT_PYTHON_UNSUPPORTED',
      `job '${obs.job}' runs CPython ${obs.pythonVersion}; the fit models CPython ${MEASURED_RANGE} (the versions checked against real interpreters)${model && collectorCaveat(model) ? `; ${collectorCaveat(model)}` : ''}`,
      { python: obs.pythonVersion },
    );
  }
  return model;
}

export function fitWorkload(obs: GcObservations, pythonOverride?: string): FitResult {
  refuseImplausible(obs);
  const python = modelledPythonFor(obs, pythonOverride);
  const thresholds = (obs.thresholds ?? defaultThresholds(python)) as PerGeneration;
  const notes: string[] = [];
  if (!obs.thresholds)
    notes.push(
      `thresholds assumed to be ${python}'s defaults (${thresholds.join('/')}): python_gc_threshold is not exported`,
    );
  const disabled = obs.enabled === 0 || total(obs.collections) === 0;
  let p = firstGuess(obs, python, thresholds, notes);
  let result = simulateFit(p, obs, python, thresholds, disabled);
  // Rounds stop early once every collection rate is within CONVERGED (most services: after one).
  for (let round = 1; round < ROUNDS && !disabled && !converged(obs, result); round++) {
    p = corrected(p, obs, result);
    result = simulateFit(p, obs, python, thresholds, disabled);
  }
  // Per-second figures are per-iteration figures times the rate: the last step scales the rate so
  // that the collections per second match in total (their split is the collector's own).
  const simulatedTotal = result.stats.reduce((n, st) => n + st.collections, 0);
  if (!disabled && simulatedTotal > 0) {
    p = {
      ...p,
      rate: Math.round(((total(obs.collections) * result.iterations) / simulatedTotal) * 1000) / 1000,
    };
  }
  const quality = compare(obs, result, p.rate);
  const worst = Math.max(
    0,
    ...quality
      .filter((q) => q.series === 'collections' && q.errorPercent !== undefined)
      .map((q) => Math.abs(q.errorPercent ?? 0)),
  );
  const promoted = p.old * p.rate + p.cacheInsert * p.rate + p.growth * p.rate;
  const diagnosis = diagnose(obs, { heap: p.heap + p.cacheSize, promotedPerSecond: promoted, thresholds });
  const doc = toDocument(p, obs, python, thresholds, disabled, result.iterations);
  refuseBeyondCaps(doc);
  const fitted = fitPauseCost(obs, result, python);
  const tail = fitPauseTail(obs);
  notes.push(fitted.note, tail.note);
  const cost = tail.tail ? { ...fitted, tail: tail.tail } : fitted;
  return {
    cost,
    doc,
    python,
    thresholds,
    quality,
    worstCollectionsErrorPercent: worst,
    diagnosis,
    notes,
  };
}

function firstGuess(
  obs: GcObservations,
  python: ModelledPython,
  t: PerGeneration,
  notes: string[],
): Parameters {
  const [c0, c1, c2] = obs.collections;
  const [k0, k1, k2] = obs.collected;
  const collections = c0 + c1 + c2;
  const garbage = k0 + k1 + k2;
  // Each automatic collection follows t0 + 1 net allocations of tracked containers.
  const netAllocations = (t[0] + 1) * collections;
  // Iterations per second: young rings of about YOUNG_RING objects, but slow enough that the
  // rarer parts (garbage dying old) still come whole each iteration, with rings of at most 64.
  const busiest = Math.max(garbage, netAllocations);
  const rarest = Math.min(...[k1, k2].filter((k) => k >= 1), Number.POSITIVE_INFINITY);
  const rate = Math.max(
    1,
    Math.min(
      MAX_RATE,
      Math.ceil(busiest / YOUNG_RING),
      Math.max(Math.ceil(busiest / 64), Math.floor(rarest)),
    ),
  );
  const perIteration = (perSecond: number) => perSecond / rate;
  const youngInterval = collections > 0 ? 1 / collections : 1;
  const oldInterval = c1 + c2 > 0 ? 1 / (c1 + c2) : 10;
  const growth = Math.max(0, netAllocations - garbage);
  if (growth > 0.1 * netAllocations)
    notes.push(
      `${Math.round(growth)} net allocations/s beyond the cyclic garbage are modelled as objects kept for good`,
    );
  // Long-lived heap: from the mean full-collection pause when exported, else from the promotion rate.
  const pause2 = obs.meanPause?.[2];
  const coefficients = coefficientsFor(DEFAULT_CALIBRATION, python);
  let heap: number;
  let promoted = k2;
  if (pause2 !== undefined && pause2 > 0) {
    // At the service's own per-object cost, as its young collections show it (fit-cost.ts).
    const perObject = coefficients.scanNs * youngScale(obs, python, t);
    heap = Math.max(0, (pause2 * 1e9 - coefficients.fixedNs) / perObject);
    if (c2 > 0) promoted = Math.max(k2, (heap * c2) / 4);
  } else {
    if (promoted === 0 && c2 > 0) {
      promoted = DEFAULT_PROMOTION_PER_SECOND;
      notes.push(
        'no python_gc_pause_seconds: the long-lived heap is sized from an assumed promotion rate (1000 objects/s)',
      );
    }
    heap = c2 > 0 ? (4 * promoted) / c2 : 100_000;
  }
  const cachePerSecond = Math.max(0, promoted - k2);
  const cacheInsert = Math.max(0, Math.round(perIteration(cachePerSecond)));
  const cacheSize = cacheInsert > 0 ? Math.min(Math.round(heap / 2), 5_000_000) : 0;
  return {
    rate,
    young: perIteration(k0),
    mid: perIteration(k1),
    old: perIteration(k2),
    midLifetime: Math.max(1, Math.round(1.5 * youngInterval * rate)),
    oldLifetime: Math.max(1, Math.round(2 * oldInterval * rate)),
    cacheInsert,
    cacheSize: Math.max(cacheSize, cacheInsert),
    heap: Math.max(0, Math.round(heap - cacheSize)),
    growth: perIteration(growth),
  };
}

function converged(obs: GcObservations, r: SimulationResult): boolean {
  const sec = r.perSecond?.seconds ?? 1;
  // At the scale the last step gives the rate (the same total of collections per second).
  const simulatedTotal = r.stats.reduce((n, st) => n + st.collections, 0) / sec;
  const f = simulatedTotal > 0 ? total(obs.collections) / simulatedTotal : 1;
  const rates = fittedRates(r, obs);
  return obs.collections.every((observed, g) => {
    const fitted = (rates[g] ?? 0) * f;
    // A projected rate is matched as closely as the projection goes.
    if (g === 2 && projected(r) && observed > 0) return Math.abs(fitted - observed) <= 0.1 * observed;
    // Rarer than once in the simulated stretch: nothing to match more closely.
    if (observed * sec < 1) return fitted * sec < 1;
    return Math.abs(fitted - observed) <= CONVERGED * observed;
  });
}

const projected = (r: SimulationResult) =>
  (r.stats[2]?.collections ?? 0) === 0 && r.perSecond?.fullProjected !== undefined;

/**
 * ratesOf, but a projected full-collection rate only where the window saw full collections: one
 * that saw none does not say how large the heap is that keeps them away (none is fitted).
 */
function fittedRates(r: SimulationResult, obs: GcObservations): number[] {
  const rates = ratesOf(r);
  if (projected(r) && obs.collections[2] === 0) rates[2] = 0;
  return rates;
}

/**
 * A round's collections per second; full collections too rare for its stretch at the pace the
 * long-lived rule gives them (full-rate.ts), so the heap that paces them is fitted all the same.
 */
export function ratesOf(r: SimulationResult): number[] {
  // The run's own rates: a stretched what-if's totals stand for less than it ran (shown-span.ts).
  const rates = r.perSecond?.collections ?? r.stats.map((s) => s.collections);
  return r.stats.map((s, g) =>
    g === 2 && s.collections === 0 ? (r.perSecond?.fullProjected ?? 0) : (rates[g] ?? 0),
  );
}

function scale(value: number, observed: number, fitted: number): number {
  if (observed <= 0) return 0;
  if (fitted <= 0) return value > 0 ? value * 2 : 1;
  return value * Math.min(4, Math.max(0.25, observed / fitted));
}

function corrected(p: Parameters, obs: GcObservations, r: SimulationResult): Parameters {
  const sec = r.perSecond?.seconds ?? 1;
  // The rate is scaled last to match the collections per second in total: full collections are
  // compared at that scale, by their share (the ratio of full to young collections paces the heap).
  const simulatedTotal = r.stats.reduce((n, st) => n + st.collections, 0) / sec;
  const f = simulatedTotal > 0 ? total(obs.collections) / simulatedTotal : 1;
  const fittedC = fittedRates(r, obs).map((c) => c * f);
  // Garbage is matched per second at this round's rate: scaled to the final one, a part that
  // adds net allocations would look smaller the bigger it grew, and its rings would run away.
  const fittedK = r.stats.map((s) => s.collected / sec);
  // More promotion per full collection than observed: a bigger heap paces them out.
  // None observed but some simulated: the heap is bigger than guessed (as big as the round allows).
  // A projected rate (full-rate.ts) is inversely proportional to the heap: matched in one step.
  const step = projected(r) ? 64 : 4;
  const heapScale =
    (fittedC[2] ?? 0) > 0
      ? obs.collections[2] > 0
        ? Math.min(step, Math.max(1 / step, (fittedC[2] ?? 0) / obs.collections[2]))
        : 4
      : 1;
  // The long-lived heap is the static part and the cache together: both pace full collections.
  return {
    ...p,
    young: scale(p.young, obs.collected[0], fittedK[0] ?? 0),
    mid: scale(p.mid, obs.collected[1], fittedK[1] ?? 0),
    old: scale(p.old, obs.collected[2], fittedK[2] ?? 0),
    heap: Math.round(p.heap * heapScale),
    cacheSize: Math.max(p.cacheInsert, Math.round(p.cacheSize * heapScale)),
  };
}

function simulatedSeconds(obs: GcObservations): number {
  const [c0, c1, c2] = obs.collections;
  // Long enough to see each generation collect several times, within a bounded cost.
  const wanted = Math.max(...[c0, c1, c2].map((c) => (c > 0 ? 8 / c : 0)), MIN_SECONDS);
  const all = c0 + c1 + c2;
  const affordable = all > 0 ? MAX_COLLECTIONS / all : MAX_SECONDS;
  return Math.max(MIN_SECONDS, Math.min(MAX_SECONDS, wanted, Math.max(affordable, 8 / Math.max(c1, 1e-9))));
}

function simulateFit(
  p: Parameters,
  obs: GcObservations,
  python: ModelledPython,
  t: PerGeneration,
  disabled: boolean,
): SimulationResult {
  const iterations = Math.min(MAX_ITERATIONS, Math.round(simulatedSeconds(obs) * p.rate));
  const doc = toDocument(p, obs, python, t, disabled, Math.max(1, iterations));
  refuseBeyondCaps(doc);
  return simulate({ ...normalizeWorkload(doc), cost: fitBaseCost(python) }, { timelinePoints: 50 });
}

const ringSize = (perIteration: number) => Math.round(perIteration);

export function toDocument(
  p: Parameters,
  obs: GcObservations,
  python: ModelledPython,
  t: PerGeneration,
  disabled: boolean,
  iterations: number,
): WorkloadDocument {
  const ops: OperationDocument[] = [];
  if (ringSize(p.young) > 0) ops.push({ cycle: { size: ringSize(p.young) } });
  if (ringSize(p.mid) > 0) ops.push({ cycle: { size: ringSize(p.mid), lifetime: p.midLifetime } });
  if (ringSize(p.old) > 0) ops.push({ cycle: { size: ringSize(p.old), lifetime: p.oldLifetime } });
  if (p.cacheInsert > 0) ops.push({ cache: { size: p.cacheSize, insert: p.cacheInsert } });
  if (Math.round(p.growth) > 0) ops.push({ keep: Math.round(p.growth) });
  if (ops.length === 0) ops.push({ temp: 1 });
  const frozen = obs.frozen ?? 0;
  return {
    name: `fit-${obs.job}`.slice(0, 100),
    python,
    thresholds: [...t],
    setup: frozen > 0 ? { heap: Math.round(frozen), freeze: true } : { heap: p.heap },
    iterations,
    rate: p.rate,
    each_iteration: ops,
    ...(disabled ? { every: [{ period: 1, action: 'disable' }] } : {}),
  };
}

function compare(obs: GcObservations, r: SimulationResult, rate: number): RateFit[] {
  const sec = r.iterations / rate;
  // The projected full collections at this rate: the round's own scale, as every other figure here.
  const full = (fittedRates(r, obs)[2] ?? 0) * ((r.perSecond?.seconds ?? sec) / sec);
  const out: RateFit[] = [];
  for (const series of ['collections', 'collected'] as const) {
    for (const g of [0, 1, 2] as const) {
      const observed = obs[series][g];
      const simulated = (r.stats[g]?.[series] ?? 0) / sec;
      const byRule = series === 'collections' && g === 2 && simulated === 0 && full > 0;
      const fitted = byRule ? full : simulated;
      out.push({
        series,
        generation: g,
        observed,
        fitted,
        errorPercent: observed > 0 ? ((fitted - observed) / observed) * 100 : fitted > 0 ? 100 : 0,
        ...(byRule ? { projected: true as const } : {}),
      });
    }
  }
  return out;
}
