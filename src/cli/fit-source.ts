/** `simulate --fit JOB`: the workload fitted to a live job, as the simulate command takes workloads. */

import { systemClock } from '../adapters/clock.js';
import { fitJob } from '../adapters/fit/fit-job.js';
import type { WorkloadSource } from '../adapters/fs/workload-source.js';
import { compose } from '../composition/root.js';
import { GcIncidentError } from '../core/errors.js';
import type { FitResult } from '../core/fit/fit-workload.js';
import { fitWhatIfs } from '../core/fit/mitigations.js';
import type { GcObservations } from '../core/fit/observations.js';
import type { CliIo } from './io.js';

export interface FittedSource {
  readonly source: WorkloadSource;
  readonly fit: FitResult;
  /** What the fit was made from: the fit's uncertainty is derived from it. */
  readonly observations: GcObservations;
  /** What-ifs compared when none is given: threshold 0 ten times higher, and gc.freeze(). */
  readonly defaultWhatIfs: string[];
}

export async function fittedSource(
  io: CliIo,
  options: { fit: string; window?: string | undefined; datasource?: string | undefined },
): Promise<FittedSource> {
  const client = compose(io.settings.config()).metrics();
  if (!client) {
    throw new GcIncidentError(
      'METRICS_UNAVAILABLE',
      'simulate --fit needs PROMETHEUS_URL or DATASOURCES_FILE',
      {
        variable: 'PROMETHEUS_URL',
      },
    );
  }
  try {
    const { fit, observations } = await fitJob(client, {
      job: options.fit,
      window: options.window ?? '15m',
      datasource: options.datasource ?? 'default',
      now: (io.clock ?? systemClock).now(),
    });
    return {
      source: { doc: fit.doc, whatIf: [], label: `fit:${options.fit}` },
      fit,
      observations,
      defaultWhatIfs: fitWhatIfs(fit),
    };
  } finally {
    await client.close();
  }
}
