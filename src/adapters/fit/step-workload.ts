/**
 * A runbook simulate step's workloads, with `workload: {fit: {window}, ref}`
 * resolved: fitted to the incident's job (its `job` input) when the fit
 * succeeds, else the step's `ref` workload, saying why (implausible metrics
 * fail the step instead: FIT_IMPLAUSIBLE names the value). Both surfaces call
 * this and show `note` beside the what-if table.
 */
import { rebaseOnObserved } from '../../core/diagnose/baseline.js';
import type { ObservedGc } from '../../core/diagnose/result.js';
import { isGcIncidentError } from '../../core/errors.js';
import type { PauseCostFit } from '../../core/fit/fit-cost.js';
import { fitContext, withFittedCost } from '../../core/fit/fitted-run.js';
import type { GcObservations } from '../../core/fit/observations.js';
import { qualitySummary } from '../../core/fit/render.js';
import type { MetricsClient } from '../../core/ports.js';
import type { SimulateStep } from '../../core/runbook/types.js';
import type { DecisionContext } from '../../core/simulator/rank.js';
import { simulate } from '../../core/simulator/simulate.js';
import { runningServiceVariants } from '../../core/simulator/what-if.js';
import { type ModelledPython, normalizeWorkload } from '../../core/simulator/workload.js';
import { formatComparison } from '../../format/simulation.js';
import {
  type LabelledResult,
  type LabelledWorkload,
  type SimulationSummary,
  stepWorkloads,
  summarizeSimulation,
} from '../simulator/runbook-step.js';
import { type FitRequest, fitJob } from './fit-job.js';

export interface StepFitContext {
  readonly metrics?: MetricsClient | undefined;
  readonly datasource?: string | undefined;
  readonly inputs: Readonly<Record<string, string>>;
  readonly now: Date;
  readonly python?: ModelledPython | undefined;
  /** What a diagnose step read from the service: the baseline's thresholds and freeze. */
  readonly observed?: ObservedGc | undefined;
  /** Runs the fit off the event loop (the Slack app's simulation pool); default: in this thread. */
  readonly fit?: FitRequest['fit'];
}

export interface ResolvedStepWorkloads {
  readonly variants: LabelledWorkload[];
  /** The fit's quality and diagnosis, or why the runbook's workload was used instead; undefined without `fit`. */
  readonly note: string | undefined;
  /** What the variants are ranked on (the step's objective) and how far a fitted prediction may be off. */
  readonly context?: DecisionContext | undefined;
  /** A fit's pause cost (fitted to the service's pauses, or the profile), recorded with the step's result. */
  readonly pauseCost?: PauseCostFit | undefined;
}

export async function resolveStepWorkloads(
  step: SimulateStep,
  runbookFile: string,
  ctx: StepFitContext,
): Promise<ResolvedStepWorkloads> {
  const resolved = await resolveUnobserved(step, runbookFile, ctx);
  const rebased = rebaseOnObserved(resolved.variants, step.whatIf, ctx.observed);
  const note = [resolved.note, rebased.note].filter((n) => n !== undefined).join('; ');
  const context = {
    objective: step.objective,
    uncertainty: resolved.context?.uncertainty,
    tail: resolved.context?.tail,
  };
  return { variants: rebased.variants, note: note || undefined, context, pauseCost: resolved.pauseCost };
}

async function resolveUnobserved(
  step: SimulateStep,
  runbookFile: string,
  ctx: StepFitContext,
): Promise<ResolvedStepWorkloads> {
  const fit = step.workload.fit;
  if (!fit) return { variants: stepWorkloads(step, runbookFile, ctx.python), note: undefined };
  const fallback = (why: string) => ({
    variants: stepWorkloads(step, runbookFile, ctx.python),
    note: `fit failed (${why}): simulated the runbook's workload${'ref' in step.workload ? ` ${step.workload.ref}` : ''} instead`,
  });
  const job = ctx.inputs.job;
  if (!ctx.metrics) return fallback('no metrics datasource');
  if (!job) return fallback("the incident has no 'job' input");
  try {
    const fitted = await fitJob(ctx.metrics, {
      job,
      window: fit.window ?? '15m',
      datasource: ctx.datasource ?? 'default',
      python: ctx.python,
      now: ctx.now,
      fit: ctx.fit,
    });
    const cost = fitted.fit.cost;
    const base = withFittedCost(
      normalizeWorkload({ ...fitted.fit.doc, name: `${step.id} (fitted to ${job})` }, ctx.python),
      fitted.fit,
    );
    return {
      variants: runningServiceVariants(base, step.whatIf ?? []),
      note: `fitted to job ${job} over ${windowText(fit.window ?? '15m', fitted.observations)}; ${qualitySummary(fitted.fit)}; diagnosis: ${fitted.fit.diagnosis.title}: ${fitted.fit.diagnosis.evidence}; ${cost.note}`,
      context: fitContext(fitted.fit, fitted.observations),
      pauseCost: cost,
    };
  } catch (error) {
    // The service's metrics are wrong (a unit, a broken exporter): the step fails naming the value,
    // rather than simulating a workload that says nothing about this service.
    if (isGcIncidentError(error) && error.code === 'FIT_IMPLAUSIBLE') throw error;
    return fallback(isGcIncidentError(error) ? `${error.code}: ${error.message}` : String(error));
  }
}

/** In-process, for the terminal: the step's variants simulated, with the fit's note in the summary. */
export async function simulateStepWithFit(
  step: SimulateStep,
  runbookFile: string,
  ctx: StepFitContext,
): Promise<{
  summary: SimulationSummary;
  results: LabelledResult[];
  note: string | undefined;
  context: DecisionContext | undefined;
}> {
  const { variants, note, context, pauseCost } = await resolveStepWorkloads(step, runbookFile, ctx);
  const results = variants.map(({ label, workload }) => ({ label, result: simulate(workload) }));
  return { results, summary: stepSimulationSummary(results, note, pauseCost), note, context };
}

/**
 * What a simulate step records as its result, the same on every surface (the parity test
 * compares it): the rows, the fit's note and pause cost, and the what-if table as text.
 */
export function stepSimulationSummary(
  results: readonly LabelledResult[],
  note: string | undefined,
  pauseCost: PauseCostFit | undefined,
): SimulationSummary {
  const table = note ? `${formatComparison(results)}\n${note}` : formatComparison(results);
  return { ...summarizeSimulation(results), ...pauseCostOf(pauseCost), table, ...(note ? { note } : {}) };
}

/** "15m", or "62 s of 15m (the series begin later)" when the fit's window was cut to the data. */
function windowText(asked: string, obs: GcObservations): string {
  return obs.requestedWindowSeconds !== undefined
    ? `${obs.windowSeconds} s of ${asked} (the series begin later)`
    : asked;
}

/** The fitted coefficients as the incident records them with the step's result. */
export function pauseCostOf(cost: PauseCostFit | undefined): Pick<SimulationSummary, 'pauseCost'> {
  return cost
    ? {
        pauseCost: {
          source: cost.source,
          coefficients: cost.coefficients,
          residual: cost.residual,
          // The fitted tail ratios (p99 and longest to the mean pause, per generation), without the shape.
          ...(cost.tail
            ? {
                tail: cost.tail.generations.map((g) =>
                  g ? { p99: g.p99, max: g.max, collections: g.collections } : null,
                ),
              }
            : {}),
        },
      }
    : {};
}
