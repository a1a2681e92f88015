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
   * Per generation collected, a factor on the per-object costs: fitted to a service's own
   * pauses (core/fit/fit-cost.ts), whose objects cost more to traverse than the profile's; 1 when absent.
   */
  readonly generationScale?: readonly [number, number, number] | undefined;
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
  return c.fixedNs + scale * (c.scanNs * scanned + c.freeNs * freed + c.finalizerNs * finalized);
}
