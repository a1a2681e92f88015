/**
 * A what-if comparison as the MCP tools run and report it: every variant through the shared
 * simulation pool as one ad-hoc request (so its per-run time limit and the requester's share
 * hold), then the same verdict, tables and ranking Slack and the terminal show.
 */
import type { LabelledResult } from '../adapters/simulator/runbook-step.js';
import { asSimulationRequest } from '../adapters/workers/simulation-pool.js';
import { OBJECTIVE_NAME } from '../core/simulator/objective.js';
import { type DecisionContext, rankSimulations } from '../core/simulator/rank.js';
import type { Workload } from '../core/simulator/workload.js';
import { formatComparison } from '../format/simulation.js';
import { compactComparison, ruledOutNote, simulationVerdict } from '../format/simulation-summary.js';
import type { McpDeps } from './deps.js';

export async function runComparison(
  deps: McpDeps,
  variants: readonly { label: string; workload: Workload }[],
): Promise<LabelledResult[]> {
  // Refused at once (SIMULATION_BUSY) rather than queued when this requester already has runs going.
  deps.simulations.admit(deps.requester, 1);
  return asSimulationRequest({ user: deps.requester, priority: 'adhoc' }, async () => {
    const results: LabelledResult[] = [];
    for (const { label, workload } of variants)
      results.push({ label, result: await deps.simulations.run(workload) });
    return results;
  });
}

/** `context`: the objective (the runbook step's, or the caller's) the ranking and verdict follow. */
export function comparisonReport(results: readonly LabelledResult[], context: DecisionContext = {}) {
  const ranking = rankSimulations(results, context);
  const verdict = simulationVerdict(results, context);
  const table = formatComparison(results);
  const ruledOut = ruledOutNote(results, context);
  const text = [verdict, ruledOut, '', compactComparison(results).trimEnd()].filter(
    (l, i) => i > 1 || l !== '',
  );
  return {
    text: `${text.join('\n')}\n`,
    structured: {
      verdict,
      objective: {
        name: ranking.objective,
        description: `ranked on ${OBJECTIVE_NAME[ranking.objective]}; the other measures are side effects; a variant whose memory grows without bound is ruled out`,
      },
      best: ranking.first ?? null,
      ranking: ranking.order.map((r) => ({
        variant: r.label,
        score: r.score ?? null,
        ruledOut: r.ruledOut ?? null,
      })),
      table,
      variants: results.map(({ label, result: r }) => ({
        variant: label,
        python: r.python,
        fidelity: r.fidelity,
        thresholds: r.thresholds,
        collections: r.stats.map((s) => s.collections),
        collected: r.stats.reduce((n, s) => n + s.collected, 0),
        pauses: {
          p50Ms: r.pauses.p50Ms,
          p95Ms: r.pauses.p95Ms,
          p99Ms: r.pauses.p99Ms,
          maxMs: r.pauses.maxMs,
          totalMs: r.pauses.totalMs,
        },
        gcMsPerSecond: r.perSecond?.gcMs ?? null,
        peakHeap: r.heap.peak,
      })),
    },
  };
}
