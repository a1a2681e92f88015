/**
 * bench:fit — the closed loop: the bundled service in each mode on each
 * CPython, scraped by a real Prometheus; the fit over a window against what
 * was observed, then every simulated mitigation applied to the running
 * service and measured against its prediction.
 *
 *   BENCH_FIT_MODES=churn,cycles,big-heap,cache,frozen,disabled,steady  (default: all seven)
 *   BENCH_FIT_PYTHONS=3.8,3.11,3.13  (pyenv versions; "system" = /usr/bin/python3)
 *   BENCH_FIT_WINDOW=120  BENCH_FIT_WARMUP=30  BENCH_FIT_SETTLE=10  (seconds)
 *   BENCH_FIT_ONLY=threshold,freeze  (only the mitigations whose what-if starts so; default: all)
 */
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { errorPercent, type LoopResult, runLoop } from '../src/adapters/lab/fit-loop.js';
import { findInterpreter } from '../src/adapters/python/interpreters.js';
import { readLocalConfig } from '../src/config.js';
import { MEASURE_OF } from '../src/core/simulator/objective.js';
import type { PauseTail } from '../src/core/simulator/pause-tail.js';
import type { Interval } from '../src/core/simulator/rank.js';
import {
  bucketOf,
  countedGcInterval,
  errorAgainst,
  observedInterval,
  overlaps,
  type RankVerdict,
  scoreRanking,
} from './fit-scoring.js';
import { pct } from './percentile.js';

const env = process.env;
const modes = (env.BENCH_FIT_MODES ?? 'churn,cycles,big-heap,cache,frozen,disabled,steady').split(',');
const pythons = (env.BENCH_FIT_PYTHONS ?? '3.8,system,3.13').split(',');
const windowSeconds = Number(env.BENCH_FIT_WINDOW ?? 120);
const warmupSeconds = Number(env.BENCH_FIT_WARMUP ?? 30);
const settleSeconds = Number(env.BENCH_FIT_SETTLE ?? 10);
const only = env.BENCH_FIT_ONLY ? env.BENCH_FIT_ONLY.split(',') : undefined;
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
        ...(only ? { only } : {}),
        log: (line) => console.error(line),
      }),
    );
  }
}

const f = (x: number) =>
  x === Number.POSITIVE_INFINITY ? '∞' : x >= 100 ? x.toFixed(0) : x >= 1 ? x.toFixed(1) : x.toFixed(3);
const e = (x: number) => `${x >= 0 ? '+' : ''}${x.toFixed(0)} %`;
const span = (i: Interval) => `[${f(i.lo)}–${f(i.hi)}]`;
/** The fitted pause tail (p99 over the mean pause, per generation seen), or why there is none. */
const tailText = (t: PauseTail | undefined) =>
  t
    ? t.generations
        .flatMap((g) =>
          g
            ? [
                `gen ${g.generation} p99 ×${g.p99.value.toFixed(1)} (${g.p99.lo.toFixed(1)}–${g.p99.hi.toFixed(1)})`,
              ]
            : [],
        )
        .join(', ')
    : 'none';
const bucket = (i: Interval) => (i.hi === i.lo ? '' : ` (${f(i.lo)}–${f(i.hi)}]`);

console.log(
  `\nbench:fit — windows ${windowSeconds} s, warm-up ${warmupSeconds} s, settle ${settleSeconds} s; load average ${loadBefore} before, ${load()} after\n`,
);
console.log(
  'Pauses are read from the exporter’s histogram, so an observed pause is known only to its bucket (lo–hi]: ' +
    'its error is given to the interpolated value (p99) or the bucket’s top (longest), then to the nearest edge of the bucket (0 inside it), ' +
    'and a predicted interval counts as inside when it overlaps the bucket. GC time is a point: inside means the point lies in the interval. ' +
    'Its error is given to the value, then to where the window’s counts put it (0 inside): each generation’s count ± its Poisson interval, at its mean pause.\n',
);
console.log(
  '| mode | Python | variant | gen0/s pred · obs · err | gen1/s pred · obs · err | gen2/s pred · obs · err | GC ms/s pred [interval] · obs · err to value / to counts | pause ms (objective’s) pred [interval] · obs (bucket] · err to value / to bucket |',
);
console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
const baselineErrors: number[] = [];
const mitigationErrors: number[] = [];
const gcErrors: number[] = [];
const gcCountedErrors: number[] = [];
const pauseErrors: number[] = [];
const pauseBucketErrors: number[] = [];
let insideCount = 0;
let insideTotal = 0;
const verdicts: Record<RankVerdict, number> = {
  right: 0,
  wrong: 0,
  'product-cant-tell': 0,
  'observations-cant-tell': 0,
};
const VERDICT_TEXT: Record<RankVerdict, string> = {
  right: 'right',
  wrong: 'wrong',
  'product-cant-tell': "product said can't tell",
  'observations-cant-tell': "can't tell (observations)",
};
let modeRight = 0;
const fitSeconds: number[] = [];
for (const r of results) {
  // The objective's pause: the longest for a longest-pause runbook, else the p99.
  const longest = r.objective === 'longest-pause';
  const pauseKey = longest ? 'maxMs' : 'p99Ms';
  const collectionsIn = (row: typeof r.baseline) => row.observed.reduce((s, c) => s + c, 0) * windowSeconds;
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
    const gcIn = overlaps(gcBounds, { lo: row.observedGcMs, hi: row.observedGcMs });
    const gcCountedErr = errorAgainst(row.predictedGcMs, countedGcInterval(row));
    const pausePred = longest ? (row.predictedOutcome.maxMs ?? 0) : row.predictedOutcome.p99Ms;
    const pauseObsValue = longest ? (row.observedOutcome.maxMs ?? 0) : row.observedOutcome.p99Ms;
    const pauseObs = bucketOf(pauseObsValue);
    const pauseErr = errorPercent(pausePred, pauseObsValue);
    const pauseBucketErr = errorAgainst(pausePred, pauseObs);
    const pauseIn = overlaps(row.predictedBounds[pauseKey], pauseObs);
    // Scored where the service collected at all (a disabled collector has nothing to compare).
    if (row.observedGcMs > 0.01) {
      gcErrors.push(Math.abs(gcErr));
      gcCountedErrors.push(Math.abs(gcCountedErr));
      pauseErrors.push(Math.abs(pauseErr));
      pauseBucketErrors.push(Math.abs(pauseBucketErr));
      insideCount += (gcIn ? 1 : 0) + (pauseIn ? 1 : 0);
      insideTotal += 2;
    }
    console.log(
      `| ${r.mode} | ${r.version} | ${row.mitigation}${row.waited ? ` (${row.waited})` : ''}${row.stopped ? ` (${row.stopped})` : ''}${Math.abs(row.pace - 1) > 0.1 ? ` (service pace ×${row.pace.toFixed(2)})` : ''} | ${cells.join(' | ')} | ${f(row.predictedGcMs)} ${span(gcBounds)} · ${f(row.observedGcMs)} · ${e(gcErr)} / ${e(gcCountedErr)}${gcIn ? '' : ' (outside)'} | ${longest ? 'max' : 'p99'} ${f(pausePred)} ${span(row.predictedBounds[pauseKey])} · ${f(pauseObsValue)}${bucket(pauseObs)} · ${e(pauseErr)} / ${e(pauseBucketErr)}${pauseIn ? '' : ' (outside)'} |`,
    );
  }
  // The product's ranking (core/simulator/rank.ts) against what was observed, on the objective,
  // with the observations' own uncertainty (fit-scoring.ts).
  const m = MEASURE_OF[r.objective];
  const name = (k: string | undefined) => k ?? 'no change';
  const predicted = r.predictedRanking;
  const observedRuledOut = new Set(r.observedRanking.order.filter((v) => v.ruledOut).map((v) => v.label));
  const score = scoreRanking(
    predicted,
    observedInterval(r.baseline.observedOutcome, m, collectionsIn(r.baseline)),
    r.mitigations.map((row) => ({
      label: row.mitigation,
      interval: observedInterval(row.observedOutcome, m, collectionsIn(row)),
      ruledOut: observedRuledOut.has(row.mitigation),
    })),
    m,
    windowSeconds,
  );
  verdicts[score.verdict]++;
  const ruledOut = (o: typeof r.observedRanking) =>
    o.order
      .filter((v) => v.ruledOut)
      .map((v) => v.label)
      .join('+') || 'none';
  fitSeconds.push(r.fitSeconds);
  const named = r.fit.diagnosis.mode === r.expectedMode;
  if (named) modeRight++;
  console.log(
    `| ${r.mode} | ${r.version} | objective ${r.objective}; ranked first: ${name(predicted.first)}${predicted.tied.length ? ` (within error of ${predicted.tied.join(', ')})` : ''}${!predicted.first && predicted.unsure ? ` (can't tell: ${predicted.unsure})` : ''}; best observed value: ${name(r.observedRanking.first)}; scored ${VERDICT_TEXT[score.verdict]} (${score.reason}); ruled out: predicted ${ruledOut(predicted)}, observed ${ruledOut(r.observedRanking)}; pause cost ${r.fit.cost.source}, fixed ${((r.fit.cost.coefficients.fixedNs ?? 0) / 1000).toFixed(1)} µs${r.fit.cost.coefficients.generationScale ? `, per object ×${r.fit.cost.coefficients.generationScale.map((k) => k.toFixed(2)).join('/')} (gen 0/1/2)` : ''}; tail ${tailText(r.fit.cost.tail)}; named ${r.fit.diagnosis.mode} (${named ? 'right' : `expected ${r.expectedMode}`}); fit ${r.fitSeconds.toFixed(2)} s | | | | | |`,
  );
}
console.log(
  `\ncounts: baseline |error| median ${f(pct(baselineErrors, 50))} %, worst ${f(Math.max(0, ...baselineErrors))} %; ` +
    `post-mitigation median ${f(pct(mitigationErrors, 50))} %, worst ${f(Math.max(0, ...mitigationErrors))} %\n` +
    `GC time |error| median ${f(pct(gcErrors, 50))} %, worst ${f(Math.max(0, ...gcErrors))} %, ` +
    `beyond the window's counts median ${f(pct(gcCountedErrors, 50))} %, worst ${f(Math.max(0, ...gcCountedErrors))} %; ` +
    `objective's pause |error| to the value median ${f(pct(pauseErrors, 50))} %, worst ${f(Math.max(0, ...pauseErrors))} %, ` +
    `to the bucket median ${f(pct(pauseBucketErrors, 50))} %, worst ${f(Math.max(0, ...pauseBucketErrors))} %; ` +
    `observed inside the predicted interval ${insideCount}/${insideTotal}\n` +
    `first-ranked = best observed on the objective: right ${verdicts.right}, wrong ${verdicts.wrong}, ` +
    `product said can't tell ${verdicts['product-cant-tell']}, can't tell (observations) ${verdicts['observations-cant-tell']} of ${results.length}; ` +
    `mode named right ${modeRight}/${results.length}; ` +
    `fit time median ${pct(fitSeconds, 50).toFixed(2)} s, worst ${Math.max(0, ...fitSeconds).toFixed(2)} s`,
);
