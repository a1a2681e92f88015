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
import { readLocalConfig } from '../src/config.js';
import type { Interval } from '../src/core/simulator/rank.js';
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
      python = findInterpreter(version, readLocalConfig(env)).path;
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
/** The exporter's histogram bounds (s): a longest pause is known only to its bucket. */
const BOUNDS_MS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000];
const bucketOf = (upperMs: number): Interval => {
  const i = BOUNDS_MS.findIndex((b) => Math.abs(b - upperMs) < 1e-9);
  return { lo: i > 0 ? (BOUNDS_MS[i - 1] ?? 0) : 0, hi: upperMs };
};
/** Error against an observation known only as an interval: 0 inside it, else to its nearest edge. */
const errorAgainst = (predicted: number, observed: Interval) =>
  predicted < observed.lo
    ? errorPercent(predicted, observed.lo)
    : predicted > observed.hi
      ? errorPercent(predicted, observed.hi)
      : 0;
const inside = (i: Interval, observed: Interval) => observed.lo <= i.hi && i.lo <= observed.hi;
const span = (i: Interval) => `[${f(i.lo)}–${f(i.hi)}]`;

console.log(
  `\nbench:fit — windows ${windowSeconds} s, warm-up ${warmupSeconds} s, settle ${settleSeconds} s; load average ${loadBefore} before, ${load()} after\n`,
);
console.log(
  '| mode | Python | variant | gen0/s pred · obs · err | gen1/s pred · obs · err | gen2/s pred · obs · err | GC ms/s pred [interval] · obs · err | pause ms (objective’s) pred [interval] · obs · err |',
);
console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
const baselineErrors: number[] = [];
const mitigationErrors: number[] = [];
const gcErrors: number[] = [];
const pauseErrors: number[] = [];
let insideCount = 0;
let insideTotal = 0;
let rankRight = 0;
let rankWrong = 0;
let cantTell = 0;
let modeRight = 0;
const fitSeconds: number[] = [];
for (const r of results) {
  // The objective's pause: the longest for a longest-pause runbook, else the p99.
  const longest = r.objective === 'longest-pause';
  for (const row of [r.baseline, ...r.mitigations]) {
    const cells = [0, 1, 2].map((g) => {
      const err = errorPercent(row.predicted[g] ?? 0, row.observed[g] ?? 0);
      // Rates under one per window are noise at this length: reported, not scored.
      if ((row.observed[g] ?? 0) * windowSeconds >= 3)
        (row === r.baseline ? baselineErrors : mitigationErrors).push(Math.abs(err));
      return `${f(row.predicted[g] ?? 0)} · ${f(row.observed[g] ?? 0)} · ${e(err)}`;
    });
    const gcBounds = row.predictedBounds.gcMs;
    const gcErr = errorPercent(row.predictedGcMs, row.observedGcMs);
    const gcIn = inside(gcBounds, { lo: row.observedGcMs, hi: row.observedGcMs });
    const pauseKey = longest ? 'maxMs' : 'p99Ms';
    const pausePred = longest ? (row.predictedOutcome.maxMs ?? 0) : row.predictedOutcome.p99Ms;
    const pauseObsValue = longest ? (row.observedOutcome.maxMs ?? 0) : row.observedOutcome.p99Ms;
    const pauseObs = longest ? bucketOf(pauseObsValue) : { lo: pauseObsValue, hi: pauseObsValue };
    const pauseErr = errorAgainst(pausePred, pauseObs);
    const pauseIn = inside(row.predictedBounds[pauseKey], pauseObs);
    // Scored where the service collected at all (a disabled collector has nothing to compare).
    if (row.observedGcMs > 0.01) {
      gcErrors.push(Math.abs(gcErr));
      pauseErrors.push(Math.abs(pauseErr));
      insideCount += (gcIn ? 1 : 0) + (pauseIn ? 1 : 0);
      insideTotal += 2;
    }
    const pauseText = longest ? `≤ ${f(pauseObs.hi)}` : f(pauseObsValue);
    console.log(
      `| ${r.mode} | ${r.version} | ${row.mitigation}${row.stopped ? ` (${row.stopped})` : ''} | ${cells.join(' | ')} | ${f(row.predictedGcMs)} ${span(gcBounds)} · ${f(row.observedGcMs)} · ${e(gcErr)}${gcIn ? '' : ' (outside)'} | ${longest ? 'max' : 'p99'} ${f(pausePred)} ${span(row.predictedBounds[pauseKey])} · ${pauseText} · ${e(pauseErr)}${pauseIn ? '' : ' (outside)'} |`,
    );
  }
  // One rule ranks both (core/simulator/rank.ts): on the objective, runaway memory ruled out;
  // the prediction's intervals decide whether it can tell.
  const name = (k: string | undefined) => k ?? 'no change';
  const predicted = r.predictedRanking;
  const observedFirst = name(r.observedRanking.first);
  let verdict: string;
  if (!predicted.first && predicted.unsure) {
    cantTell++;
    verdict = `can't tell (${predicted.unsure} within the baseline's error)`;
  } else if (name(predicted.first) === observedFirst) {
    rankRight++;
    verdict = 'right';
  } else {
    rankWrong++;
    verdict = 'wrong';
  }
  const ruledOut = (o: typeof r.observedRanking) =>
    o.order
      .filter((v) => v.ruledOut)
      .map((v) => v.label)
      .join('+') || 'none';
  fitSeconds.push(r.fitSeconds);
  const named = r.fit.diagnosis.mode === r.expectedMode;
  if (named) modeRight++;
  console.log(
    `| ${r.mode} | ${r.version} | objective ${r.objective}; ranked first: ${name(predicted.first)}${predicted.tied.length ? ` (within error of ${predicted.tied.join(', ')})` : ''}; best observed: ${observedFirst} (${verdict}); ruled out: predicted ${ruledOut(predicted)}, observed ${ruledOut(r.observedRanking)}; pause cost ${r.fit.cost.source}; named ${r.fit.diagnosis.mode} (${named ? 'right' : `expected ${r.expectedMode}`}); fit ${r.fitSeconds.toFixed(2)} s | | | | | |`,
  );
}
console.log(
  `\ncounts: baseline |error| median ${f(pct(baselineErrors, 50))} %, worst ${f(Math.max(0, ...baselineErrors))} %; ` +
    `post-mitigation median ${f(pct(mitigationErrors, 50))} %, worst ${f(Math.max(0, ...mitigationErrors))} %\n` +
    `GC time |error| median ${f(pct(gcErrors, 50))} %, worst ${f(Math.max(0, ...gcErrors))} %; ` +
    `objective's pause |error| median ${f(pct(pauseErrors, 50))} %, worst ${f(Math.max(0, ...pauseErrors))} %; ` +
    `observed inside the predicted interval ${insideCount}/${insideTotal}\n` +
    `first-ranked = best observed on the objective: right ${rankRight}, wrong ${rankWrong}, can't tell ${cantTell} of ${results.length}; ` +
    `mode named right ${modeRight}/${results.length}; ` +
    `fit time median ${pct(fitSeconds, 50).toFixed(2)} s, worst ${Math.max(0, ...fitSeconds).toFixed(2)} s`,
);
