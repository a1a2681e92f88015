/**
 * A fit as every surface simulates it (a runbook's fitted step, `simulate --fit`, the MCP `fit`
 * tool, bench:fit): the fitted workload with the pause cost fitted to the service's own pauses,
 * and the decision context its predictions carry (the fit's uncertainty, the service's pause tail).
 */
import type { DecisionContext } from '../simulator/rank.js';
import type { Workload } from '../simulator/workload.js';
import { fitUncertainty } from './fit-uncertainty.js';
import type { FitResult } from './fit-workload.js';
import type { GcObservations } from './observations.js';

export function withFittedCost(workload: Workload, fit: FitResult): Workload {
  return fit.cost.source === 'fitted' ? { ...workload, cost: fit.cost.coefficients } : workload;
}

export function fitContext(fit: FitResult, observations: GcObservations): DecisionContext {
  return { uncertainty: fitUncertainty(fit, observations, fit.cost.residual), tail: fit.cost.tail };
}
