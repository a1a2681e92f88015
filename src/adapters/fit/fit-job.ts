/**
 * One fit of a job, as every surface runs it: observations read from the
 * datasource over the window ending now, then the pure fit.
 */
import { parseDuration } from '../../core/duration.js';
import { GcIncidentError } from '../../core/errors.js';
import { type FitResult, fitWorkload } from '../../core/fit/fit-workload.js';
import type { GcObservations } from '../../core/fit/observations.js';
import type { MetricsClient } from '../../core/ports.js';
import { readGcObservations } from '../prometheus/gc-observations.js';

export interface FitRequest {
  readonly job: string;
  readonly window: string;
  readonly datasource: string;
  readonly python?: string | undefined;
  readonly now: Date;
  /** Runs the fit (a serving process: in the simulation pool); default: in this thread. */
  readonly fit?:
    | ((observations: GcObservations, python: string | undefined) => Promise<FitResult>)
    | undefined;
}

export interface FittedJob {
  readonly fit: FitResult;
  readonly observations: GcObservations;
}

export function windowSeconds(window: string, where: string): number {
  const parsed = parseDuration(window);
  if (!parsed.ok || parsed.ms < 10_000) {
    throw new GcIncidentError('USAGE', `${where} ${window}: give a duration of at least 10s, such as 15m`, {
      window,
    });
  }
  return parsed.ms / 1000;
}

export async function fitJob(client: MetricsClient, req: FitRequest): Promise<FittedJob> {
  const observations = await readGcObservations(client, {
    job: req.job,
    datasource: req.datasource,
    windowSeconds: windowSeconds(req.window, '--window'),
    end: req.now,
  });
  const fit = req.fit ? await req.fit(observations, req.python) : fitWorkload(observations, req.python);
  return { fit, observations };
}
