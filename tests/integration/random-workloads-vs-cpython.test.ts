/** Seeded random workloads (operations, lifetimes, kinds, periodic actions, setup, thresholds) against real CPython. */
import { describe, expect, it } from 'vitest';
import { type Interpreter, runPythonScript } from '../../src/adapters/python/interpreters.js';
import { reproScript } from '../../src/core/simulator/repro.js';
import { simulate } from '../../src/core/simulator/simulate.js';
import { normalizeWorkload, type Workload } from '../../src/core/simulator/workload.js';
import { installedPythons, MEASURED_VERSIONS } from '../helpers/pythons.js';
import { randomLifetimeWorkload, randomWorkload } from '../helpers/random-workloads.js';

const { found } = installedPythons({ roots: true });
const SEEDS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
/** Workloads with lifetimes: keep with a lifetime, rings held a while, caches of objects and of rings. */
const LIFETIME_SEEDS = [11, 12, 13, 14, 15, 16];

for (const version of MEASURED_VERSIONS) {
  const interpreter = found.find((i) => i.modelled === version);
  describe.skipIf(!interpreter).concurrent(`random workloads on CPython ${version}`, () => {
    for (const seed of SEEDS) {
      it(`seed ${seed}`, async () => {
        await expectIdentical(interpreter, normalizeWorkload(randomWorkload(seed, 0.3), version));
      });
    }
    for (const seed of LIFETIME_SEEDS) {
      it(`seed ${seed} with lifetimes`, async () => {
        const workload = normalizeWorkload(randomLifetimeWorkload(seed, 0.3), version);
        expect(workload.ops.some((op) => (op.op === 'keep' || op.op === 'cycle') && op.slots)).toBe(true);
        await expectIdentical(interpreter, workload);
      });
    }
  });
}

async function expectIdentical(interpreter: Interpreter | undefined, workload: Workload): Promise<void> {
  if (!interpreter) throw new Error('no interpreter');
  const real = JSON.parse(await runPythonScript(interpreter, reproScript(workload)));
  const sim = simulate(workload);
  expect({ stats: sim.stats, count: sim.count, garbage: sim.garbage }).toEqual({
    stats: real.stats,
    count: real.count,
    garbage: real.garbage,
  });
}
