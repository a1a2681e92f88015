/**
 * The full collection a run did not hold: raised thresholds (or a short window) postpone it,
 * but while the collector runs it will come, and it traverses everything outside the
 * permanent generation. Its pause is what a reader of "the longest pause" must not miss.
 */
import { type CostCoefficients, pauseNs } from './cost-model.js';
import type { GcEngine } from './engine.js';
import { PERMANENT } from './heap-state.js';
import type { Workload } from './workload.js';

/** Its pause in ms, or undefined when the run held one or the collector never runs. */
export function pendingFullMs(
  engine: GcEngine,
  coefficients: CostCoefficients,
  workload: Workload,
): number | undefined {
  if ((engine.stats[2]?.collections ?? 0) > 0 || !engine.enabled || workload.thresholds[0] === 0)
    return undefined;
  const garbage = engine.garbageTracked();
  const collectable = engine.liveTracked() - (engine.live[PERMANENT] ?? 0) + garbage;
  return pauseNs(coefficients, collectable, garbage, 0, 2) / 1e6;
}
