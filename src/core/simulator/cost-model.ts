/**
 * Pause cost model: pause ≈ scan × objects traversed + free × objects freed +
 * finalizer × __del__ calls. Fitted per CPython version; `gc-incident
 * calibrate` measures a profile on the machine it runs on.
 */
import type { ModelledPython } from './workload.js';

export interface CostCoefficients {
  /** Nanoseconds per object in the collected generations. */
  readonly scanNs: number;
  /** Extra nanoseconds per object freed (tp_clear and deallocation). */
  readonly freeNs: number;
  /** Nanoseconds per finalizer (__del__) call. */
  readonly finalizerNs: number;
  /** Fixed cost of one collection. */
  readonly fixedNs: number;
  /**
   * Per generation collected, a factor on the per-object costs (with `sizeCurve`, on the curved
   * ones): fitted to a service's own pauses (core/fit/fit-cost.ts), whose objects cost more to
   * traverse than the profile's; 1 when absent.
   */
  readonly generationScale?: readonly [number, number, number] | undefined;
  /**
   * A young collection's per-object cost against its size (objects traversed), relative to the
   * first point's; interpolated in log size, flat beyond the ends. Only a fit sets it (fit-cost.ts):
   * its per-generation factors are taken at the service's own sizes, and this carries them to a
   * what-if whose young collections are larger. Absent: one cost per object at every size.
   */
  readonly sizeCurve?: SizeCurve | undefined;
}

/** Points of (objects in the collection, per-object cost relative to the first point's), by size. */
export type SizeCurve = readonly (readonly [objects: number, relativeCost: number])[];

/**
 * A young (generation 0 or 1) collection's per-object cost against its size, as a ratio to 700
 * objects: the rounded middle of `python3 benchmarks/young_collection_cost.py` on CPython 3.8.18
 * to 3.13.0 on the bench machine (2 vCPU, 2026-12-08; docs/simulator-accuracy.md has the table).
 * A larger collection no longer fits the processor's caches. The ratios differ by interpreter
 * (at 200,000 objects 1.9–2.2 on 3.13, 4.2–4.9 on 3.8) and by machine; one curve is shipped. Full collections keep one cost per
 * object: the profile measured them at 100k-2M objects, and the fit scales them at the heap's size.
 */
export const YOUNG_SIZE_CURVE: SizeCurve = [
  [700, 1],
  [2_000, 1.1],
  [7_000, 1.17],
  [20_000, 1.65],
  [70_000, 2.1],
  [200_000, 3],
];

/**
 * The costs a run pays: a fitted workload's own, else the calibration profile's. The size curve is
 * the generational collector's young collections; the free-threaded and incremental collectors
 * record whole-heap collections and increments under generations 0 and 1, which it must not price.
 */
export function runCost(
  fitted: CostCoefficients | undefined,
  collector: string,
  profile: CalibrationProfile,
  python: ModelledPython,
): CostCoefficients {
  if (!fitted) return coefficientsFor(profile, python);
  return collector === 'generational' ? fitted : { ...fitted, sizeCurve: undefined };
}

/** The size curve's factor for a collection of `objects` (1 without a curve). */
export function sizeFactor(curve: SizeCurve | undefined, objects: number): number {
  const first = curve?.[0];
  if (!curve || !first) return 1;
  if (objects <= first[0]) return first[1];
  for (let i = 1; i < curve.length; i++) {
    const [x1, y1] = curve[i] as readonly [number, number];
    const [x0, y0] = curve[i - 1] as readonly [number, number];
    if (objects <= x1) return y0 + ((y1 - y0) * Math.log(objects / x0)) / Math.log(x1 / x0);
  }
  return (curve[curve.length - 1] as readonly [number, number])[1];
}

export interface CalibrationProfile {
  readonly source: string;
  readonly machine?: string;
  readonly measuredAt?: string;
  readonly versions: Partial<Record<ModelledPython, CostCoefficients>>;
}

/**
 * Shipped defaults: least-squares fits of full-collection pauses of 100k-2M
 * slotted objects and of all-garbage 2-cycles, measured with gc.callbacks on
 * CPython 3.8.18-3.13.0 on a 2-vCPU AMD EPYC VM (the cpython-gc notes, §5.2).
 * 3.14 and the free-threaded builds reuse 3.13's figures: no interpreter was
 * available to measure them.
 */
export const DEFAULT_CALIBRATION: CalibrationProfile = {
  source:
    'gc-incident default profile: gc.callbacks timings of CPython 3.8.18-3.13.0 on a 2-vCPU AMD EPYC VM (full collections of 100k-2M slotted objects; 2-cycle garbage)',
  versions: {
    '3.8': { scanNs: 25.9, freeNs: 19, finalizerNs: 150, fixedNs: 2000 },
    '3.9': { scanNs: 24.8, freeNs: 25, finalizerNs: 150, fixedNs: 2000 },
    '3.10': { scanNs: 22.8, freeNs: 27, finalizerNs: 150, fixedNs: 2000 },
    '3.11': { scanNs: 23.5, freeNs: 26, finalizerNs: 120, fixedNs: 2000 },
    '3.12': { scanNs: 25.6, freeNs: 33, finalizerNs: 120, fixedNs: 2500 },
    '3.13': { scanNs: 25.6, freeNs: 29, finalizerNs: 120, fixedNs: 2500 },
  },
};

export function coefficientsFor(profile: CalibrationProfile, python: ModelledPython): CostCoefficients {
  const direct = profile.versions[python];
  if (direct) return direct;
  const fallback = profile.versions['3.13'] ?? DEFAULT_CALIBRATION.versions['3.13'];
  if (!fallback) throw new Error('calibration profile has no 3.13 entry');
  return fallback;
}

export function pauseNs(
  c: CostCoefficients,
  scanned: number,
  freed: number,
  finalized: number,
  generation = 2,
): number {
  const scale = c.generationScale?.[generation] ?? 1;
  const size = generation < 2 ? sizeFactor(c.sizeCurve, scanned) : 1;
  return c.fixedNs + scale * size * (c.scanNs * scanned + c.freeNs * freed + c.finalizerNs * finalized);
}
