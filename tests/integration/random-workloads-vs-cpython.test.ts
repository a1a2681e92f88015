/** Seeded random workloads (operations, kinds, periodic actions, setup, thresholds) against real CPython. */
import { describe, expect, it } from 'vitest';
import { runPythonScript } from '../../src/adapters/python/interpreters.js';
import { reproScript } from '../../src/core/simulator/repro.js';
import { simulate } from '../../src/core/simulator/simulate.js';
import { normalizeWorkload } from '../../src/core/simulator/workload.js';
import { installedPythons, MEASURED_VERSIONS } from '../helpers/pythons.js';
import { randomWorkload } from '../helpers/random-workloads.js';

const { found } = installedPythons();
const SEEDS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];

for (const version of MEASURED_VERSIONS) {
  const interpreter = found.find((i) => i.modelled === version);
  describe.skipIf(!interpreter).concurrent(`random workloads on CPython ${version}`, () => {
    for (const seed of SEEDS) {
      it(`seed ${seed}`, async () => {
        const workload = normalizeWorkload(randomWorkload(seed, 0.3), version);
        const real = JSON.parse(await runPythonScript(interpreter?.path ?? '', reproScript(workload)));
        const sim = simulate(workload);
        expect({ stats: sim.stats, count: sim.count, garbage: sim.garbage }).toEqual({
          stats: real.stats,
          count: real.count,
          garbage: real.garbage,
        });
      });
    }
  });
}
