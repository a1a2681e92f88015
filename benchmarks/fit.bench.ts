/**
 * bench:fit — the closed loop: the bundled service in each mode on each
 * CPython, scraped by a real Prometheus; the fit over a window against what
 * was observed, then every simulated mitigation applied to the running
 * service and measured against its prediction.
 *
 *   BENCH_FIT_MODES=churn,cycles,big-heap,cache,frozen,disabled,steady  (default: all seven)
 *   BENCH_FIT_PYTHONS=3.8,3.11,3.13  (pyenv versions; "system" = /usr/bin/python3)
 *   BENCH_FIT_WINDOW=120  BENCH_FIT_WARMUP=30  BENCH_FIT_SETTLE=10  (seconds)
 */
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { errorPercent, type LoopResult, runLoop } from '../src/adapters/lab/fit-loop.js';
import { findInterpreter } from '../src/adapters/python/interpreters.js';
import { pct } from './percentile.js';

const env = process.env;
const modes = (env.BENCH_FIT_MODES ?? 'churn,cycles,big-heap,cache,frozen,disabled,steady').split(',');
const pythons = (env.BENCH_FIT_PYTHONS ?? '3.8,system,3.13').split(',');
const windowSeconds = Number(env.BENCH_FIT_WINDOW ?? 120);
const warmupSeconds = Number(env.BENCH_FIT_WARMUP ?? 30);
const settleSeconds = Number(env.BENCH_FIT_SETTLE ?? 10);
const SYSTEM = '/usr/bin/python3';

if (!existsSync('/usr/bin/prometheus')) {
  console.log('bench:fit needs Prometheus (apt-get install prometheus): skipped');
  process.exit(0);
}
const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(', ');
const loadBefore = load();
const results: LoopResult[] = [];
for (const version of pythons) {
  let python = SYSTEM;
  if (version !== 'system') {
    try {
      python = findInterpreter(version, env).path;
    } catch {
      console.log(`CPython ${version} not found: skipped`);
      continue;
    }
  }
  for (const mode of modes) {
    results.push(
      await runLoop({
        python,
        clientFrom: SYSTEM,
        mode,
        prometheus: '/usr/bin/prometheus',
        warmupSeconds,
        windowSeconds,
        settleSeconds,
        log: (line) => console.error(line),
      }),
    );
  }
}

const f = (x: number) => (x >= 100 ? x.toFixed(0) : x >= 1 ? x.toFixed(1) : x.toFixed(3));
const e = (x: number) => `${x >= 0 ? '+' : ''}${x.toFixed(0)} %`;
console.log(
  `\nbench:fit — windows ${windowSeconds} s, warm-up ${warmupSeconds} s, settle ${settleSeconds} s; load average ${loadBefore} before, ${load()} after\n`,
);
console.log(
  '| mode | Python | variant | gen0/s pred · obs · err | gen1/s pred · obs · err | gen2/s pred · obs · err | GC ms/s pred · obs | p99 ms pred · obs |',
);
console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
const baselineErrors: number[] = [];
const mitigationErrors: number[] = [];
let bestRight = 0;
let modeRight = 0;
const fitSeconds: number[] = [];
for (const r of results) {
  for (const row of [r.baseline, ...r.mitigations]) {
    const cells = [0, 1, 2].map((g) => {
      const err = errorPercent(row.predicted[g] ?? 0, row.observed[g] ?? 0);
      // Rates under one per window are noise at this length: reported, not scored.
      if ((row.observed[g] ?? 0) * windowSeconds >= 3)
        (row === r.baseline ? baselineErrors : mitigationErrors).push(Math.abs(err));
      return `${f(row.predicted[g] ?? 0)} · ${f(row.observed[g] ?? 0)} · ${e(err)}`;
    });
    console.log(
      `| ${r.mode} | ${r.version} | ${row.mitigation}${row.stopped ? ` (${row.stopped})` : ''} | ${cells.join(' | ')} | ${f(row.predictedGcMs)} · ${f(row.observedGcMs)} | ${f(row.predictedOutcome.p99Ms)} · ${f(row.observedOutcome.p99Ms)} |`,
    );
  }
  // One rule ranks both (core/simulator/rank.ts): GC time, p99 pause and memory weighed, runaway memory ruled out.
  const first = (k: string | undefined) => k ?? 'no change';
  const predictedFirst = first(r.predictedRanking.first);
  const observedFirst = first(r.observedRanking.first);
  const right = predictedFirst === observedFirst;
  if (right) bestRight++;
  const ruledOut = (o: typeof r.observedRanking) =>
    o.order
      .filter((v) => v.ruledOut)
      .map((v) => v.label)
      .join('+') || 'none';
  fitSeconds.push(r.fitSeconds);
  const named = r.fit.diagnosis.mode === r.expectedMode;
  if (named) modeRight++;
  console.log(
    `| ${r.mode} | ${r.version} | ranked first: ${predictedFirst}; best observed: ${observedFirst} (${right ? 'right' : 'wrong'}); ruled out: predicted ${ruledOut(r.predictedRanking)}, observed ${ruledOut(r.observedRanking)}; named ${r.fit.diagnosis.mode} (${named ? 'right' : `expected ${r.expectedMode}`}); fit ${r.fitSeconds.toFixed(2)} s | | | | | |`,
  );
}
console.log(
  `\nbaseline |error| median ${f(pct(baselineErrors, 50))} %, worst ${f(Math.max(0, ...baselineErrors))} %; ` +
    `post-mitigation median ${f(pct(mitigationErrors, 50))} %, worst ${f(Math.max(0, ...mitigationErrors))} %; ` +
    `best mitigation ranked first ${bestRight}/${results.length}; mode named right ${modeRight}/${results.length}; ` +
    `fit time median ${pct(fitSeconds, 50).toFixed(2)} s, worst ${Math.max(0, ...fitSeconds).toFixed(2)} s`,
);
