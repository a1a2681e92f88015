/**
 * The simulator against CPython running the repro script of the same
 * workload, timed in the same run (wall clock, median of 3 for the simulator;
 * CPython once per workload, excluding interpreter start-up). Also the
 * scale target: one hour of 100,000 net container allocations per second.
 *
 *   npm run bench:sim [-- --python 3.12]
 */
import { performance } from 'node:perf_hooks';
import { readLocalConfig } from '../src/config.js';
import type { ModelledPython, WorkloadDocument } from '../src/core/simulator/workload.js';

// The compiled build is what users run (`npm run build` first; bench:sim does it): tsx's
// on-the-fly transform adds a wrapper to every function call and would understate the simulator.
type Dist<T> = Promise<T>;
const { findInterpreter, runPythonScript } = (await import(
  '../dist/adapters/python/interpreters.js' as string
)) as Awaited<Dist<typeof import('../src/adapters/python/interpreters.js')>>;
const { reproScript } = (await import('../dist/core/simulator/repro.js' as string)) as Awaited<
  Dist<typeof import('../src/core/simulator/repro.js')>
>;
const { simulate } = (await import('../dist/core/simulator/simulate.js' as string)) as Awaited<
  Dist<typeof import('../src/core/simulator/simulate.js')>
>;
const { normalizeWorkload } = (await import('../dist/core/simulator/workload.js' as string)) as Awaited<
  Dist<typeof import('../src/core/simulator/workload.js')>
>;

const pythonArg = process.argv.indexOf('--python');
const version = (pythonArg > 0 ? process.argv[pythonArg + 1] : '3.12') as ModelledPython;
const interpreter = findInterpreter(version, readLocalConfig(process.env));

const workloads: { doc: WorkloadDocument; allocations: number }[] = [
  {
    doc: {
      name: 'ring churn',
      python: version,
      iterations: 5_000_000,
      each_iteration: [{ cycle: { size: 2 } }],
    },
    allocations: 10_000_000,
  },
  {
    doc: {
      name: 'request mix',
      python: version,
      setup: { heap: 500_000 },
      iterations: 1_000_000,
      each_iteration: [
        { keep: 1 },
        { temp: 5 },
        { cycle: { size: 4 } },
        { cycle: { size: 2, finalizer: true } },
      ],
    },
    allocations: 1_000_000 * (1 + 5 + 4 + 2),
  },
  {
    doc: {
      name: 'bulk rows',
      python: version,
      iterations: 2000,
      each_iteration: [{ bulk: 5000 }, { temp: 200 }, { cycle: { size: 3 } }],
    },
    allocations: 2000 * (5000 + 200 + 3),
  },
];

function median(values: number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;
}

// CPython time excludes start-up and the harness set-up: the script reports the run's own duration.
function timedScript(script: string): string {
  return script
    .replace(
      /^gc\.enable\(\)\nrun\(([0-9, ]+)\)$/m,
      'import time as _time\n_t0 = _time.perf_counter()\ngc.enable()\nrun($1)\n_elapsed = _time.perf_counter() - _t0',
    )
    .replace("'garbage': len(gc.garbage),", "'garbage': len(gc.garbage),\n    'seconds': _elapsed,");
}

console.log(`simulator vs CPython ${interpreter.version} (${interpreter.path}), Node ${process.version}`);
console.log('workload      allocations  CPython s  simulator ms  speed-up  identical');
for (const { doc, allocations } of workloads) {
  const workload = normalizeWorkload(doc);
  const out = JSON.parse(await runPythonScript(interpreter.path, timedScript(reproScript(workload)))) as {
    stats: unknown;
    count: unknown;
    seconds: number;
  };
  const times: number[] = [];
  let result = simulate(workload);
  for (let i = 0; i < 3; i++) {
    const start = performance.now();
    result = simulate(workload);
    times.push(performance.now() - start);
  }
  const simMs = median(times);
  const same = JSON.stringify([out.stats, out.count]) === JSON.stringify([result.stats, result.count]);
  console.log(
    `${doc.name?.padEnd(12)}  ${allocations.toExponential(1).padStart(11)}  ${out.seconds.toFixed(2).padStart(9)}  ${simMs.toFixed(1).padStart(12)}  ${`${((out.seconds * 1000) / simMs).toFixed(0)}x`.padStart(8)}  ${same ? 'yes' : 'NO'}`,
  );
}

const hour: WorkloadDocument = {
  name: 'one hour at 100k allocations/s',
  python: version,
  setup: { heap: 1_000_000 },
  iterations: 3_600_000,
  rate: 1000,
  each_iteration: [{ keep: 4 }, { temp: 100 }, { cycle: { size: 32 } }, { cycle: { size: 64 } }],
};
const perIteration = 4 + 32 + 64;
const heapBefore = process.memoryUsage().rss;
const start = performance.now();
const r = simulate(normalizeWorkload(hour));
const seconds = (performance.now() - start) / 1000;
console.log(
  `\n${hour.name}: ${(perIteration * hour.iterations).toExponential(2)} net allocations (${(perIteration * 1000).toLocaleString('en-US')}/s for ${hour.iterations / 1000} s) simulated in ${seconds.toFixed(2)} s, ${r.stats.reduce((s, g) => s + g.collections, 0).toLocaleString('en-US')} collections, RSS +${((process.memoryUsage().rss - heapBefore) / 1048576).toFixed(0)} MiB`,
);
