/**
 * `gc-incident test` on the shipped runbooks' test files: Prometheus start-up (promtool block +
 * prometheus ready), then every case, against a peer measured in the same run on the same
 * engine: verification with one instant query per round, as an incident queries, instead of
 * one prefetched range query per check.
 *
 *   node --import tsx benchmarks/runbook-test.bench.ts
 */

import { join } from 'node:path';
import { startSeriesEngine } from '../src/adapters/runbook-tests/series-engine.js';
import { loadTestFiles } from '../src/adapters/runbook-tests/test-files.js';
import { bundledSchemaValidator } from '../src/composition/validation-context.js';
import { runCase } from '../src/core/runbook-tests/run-case.js';

const ROUNDS = 3;
const dir = join(import.meta.dirname, '..', 'runbooks');
const report = loadTestFiles([dir], dir, {
  schemas: bundledSchemaValidator(),
  datasources: new Set(['default']),
});
const groups = report.loaded.flatMap((file) => file.groups.map((group) => ({ file, group })));
const placed = groups.map(({ group }, i) => ({
  startMs: Date.UTC(2024, 0, 1) + i * 86_400_000,
  intervalMs: group.intervalMs,
  series: group.series,
}));

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const starts: number[] = [];
const fast: number[] = [];
const slow: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  let t = performance.now();
  const engine = await startSeriesEngine(placed, process.env.PATH);
  starts.push(performance.now() - t);
  for (const [prefetch, into] of [
    [true, fast],
    [false, slow],
  ] as const) {
    t = performance.now();
    for (const [i, { file, group }] of groups.entries())
      for (const c of group.cases)
        await runCase(file.runbook, c.plan, group.inputs, engine.metrics, placed[i]?.startMs ?? 0, {
          prefetch,
        });
    into.push(performance.now() - t);
  }
  await engine.stop();
}
const cases = groups.reduce((n, { group }) => n + group.cases.length, 0);
console.log(`${report.loaded.length} test files, ${cases} cases, median of ${ROUNDS} rounds`);
console.log(`engine start (promtool block + prometheus ready): ${median(starts).toFixed(0)} ms`);
console.log(`cases, verification prefetched:             ${median(fast).toFixed(0)} ms`);
console.log(`cases, one instant query per round (peer):  ${median(slow).toFixed(0)} ms`);
console.log(`peer / prefetched: ${(median(slow) / median(fast)).toFixed(1)}x`);
