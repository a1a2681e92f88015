/**
 * Which CPython (and so which collector) each instance runs, from the
 * `python_info` series prometheus_client exports: the one lookup every surface
 * and the driver use.
 */
import { renderQuery } from '../incident/render-query.js';
import type { MetricsClient, Sample } from '../ports.js';
import { MODEL_COVERS, type ModelledPython, modelForVersion } from '../simulator/versions.js';

export interface Runtime {
  readonly version: string;
  readonly implementation: string;
  readonly instances: number;
  /** The simulator's model for it, when it is a modelled CPython. */
  readonly modelled?: ModelledPython | undefined;
  /** The collector that release ships, with the releases the model covers: "incremental (3.14.0 to 3.14.4)". */
  readonly collector?: string | undefined;
}

export const PYTHON_INFO_QUERY = 'python_info{job="{{job}}"}';

/** The simulator's model for a CPython version reported in python_info. */
export function modelFor(version: string): ModelledPython | undefined {
  return modelForVersion(version);
}

/**
 * The runtimes a job reports at `at`, most instances first, with the raw samples (for JSON
 * output). Empty when there is no job, no metrics client, or the datasource cannot answer:
 * a missing version is a fact not known, never an error.
 */
export async function reportedRuntimes(
  metrics: MetricsClient | undefined,
  datasource: string,
  inputs: Readonly<Record<string, string>>,
  at: Date,
): Promise<{ runtimes: Runtime[]; samples: Sample[] }> {
  if (!metrics || !inputs.job) return { runtimes: [], samples: [] };
  const samples = await metrics
    .instant(datasource, renderQuery(PYTHON_INFO_QUERY, inputs), at)
    .catch(() => [] as Sample[]);
  return { runtimes: runtimesFrom(samples), samples };
}

export function runtimesFrom(samples: readonly Sample[]): Runtime[] {
  const groups = new Map<string, { implementation: string; version: string; instances: number }>();
  for (const s of samples) {
    const implementation = s.labels.implementation ?? 'unknown';
    const version = s.labels.version ?? `${s.labels.major}.${s.labels.minor}.${s.labels.patchlevel}`;
    const key = `${implementation} ${version}`;
    const g = groups.get(key) ?? { implementation, version, instances: 0 };
    g.instances++;
    groups.set(key, g);
  }
  return [...groups.values()]
    .sort((a, b) => b.instances - a.instances)
    .map((g) => {
      const modelled = g.implementation === 'CPython' ? modelFor(g.version) : undefined;
      const collector =
        modelled === undefined
          ? undefined
          : modelled === '3.14-incremental'
            ? `incremental (${MODEL_COVERS[modelled]})`
            : 'generational';
      return { ...g, modelled, collector };
    });
}
