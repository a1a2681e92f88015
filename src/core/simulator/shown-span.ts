/**
 * A run longer than the span it is shown for (Workload.heapOver): a what-if stretched to hold its
 * rarer collections (what-if.ts, stretchScale). Its totals (collections, objects collected, pause
 * counts and GC time) are scaled to that span and its heap cut to it (timeline.ts, heapFigures),
 * so a table or chart puts it beside the baseline's as the same service time; its rates and the
 * lengths of its pauses (percentiles, the longest, a full collection still to come) are the
 * whole run's, which held more of its collections.
 */
import type { PauseSummary, SimulationResult } from './simulate.js';

export function overShownSpan(result: SimulationResult, shown: number | undefined): SimulationResult {
  if (shown === undefined || !(shown < result.iterations)) return result;
  const share = shown / result.iterations;
  const pauses = (p: PauseSummary): PauseSummary => ({
    ...p,
    count: p.count * share,
    totalMs: p.totalMs * share,
  });
  return {
    ...result,
    iterations: shown,
    ranIterations: result.iterations,
    stats: result.stats.map((s) => ({
      collections: s.collections * share,
      collected: s.collected * share,
      uncollectable: s.uncollectable * share,
    })),
    pauses: { ...pauses(result.pauses), byGeneration: result.pauses.byGeneration.map(pauses) },
  };
}
