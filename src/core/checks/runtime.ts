/**
 * Which CPython (and so which collector) each instance runs, from the
 * `python_info` series prometheus_client exports.
 */
import type { Sample } from '../ports.js';
import { type ModelledPython, modelForVersion } from '../simulator/workload.js';

export interface Runtime {
  readonly version: string;
  readonly implementation: string;
  readonly instances: number;
  /** The simulator's model for it, when it is a modelled CPython. */
  readonly modelled?: ModelledPython | undefined;
  readonly collector?: string | undefined;
}

/** The simulator's model for a CPython version reported in python_info. */
export function modelFor(version: string): ModelledPython | undefined {
  return modelForVersion(version);
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
            ? 'incremental (3.14.0-3.14.4)'
            : 'generational';
      return { ...g, modelled, collector };
    });
}
