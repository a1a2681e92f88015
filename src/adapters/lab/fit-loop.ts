/**
 * The closed loop behind `npm run bench:fit`: the bundled service in a mode
 * under one CPython, scraped by a real Prometheus; a fit over a window, then
 * each simulated mitigation applied to the running service through its admin
 * endpoint and measured, beside the simulator's prediction for it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FailureMode } from '../../core/fit/diagnose.js';
import { type FitResult, fitWorkload, ratesOf } from '../../core/fit/fit-workload.js';
import { fitContext, withFittedCost } from '../../core/fit/fitted-run.js';
import type { GcObservations } from '../../core/fit/observations.js';
import type { Measure, Objective } from '../../core/simulator/objective.js';
import {
  type Interval,
  type Outcome,
  type Ranking,
  rankOutcomes,
  simulatedOutcome,
} from '../../core/simulator/rank.js';
import { simulate } from '../../core/simulator/simulate.js';
import { predictedBounds } from '../../core/simulator/uncertainty.js';
import { runningServiceVariants } from '../../core/simulator/what-if.js';
import { normalizeWorkload } from '../../core/simulator/workload.js';
import { systemClock } from '../clock.js';
import { PrometheusClient } from '../prometheus/client.js';
import { readGcObservations } from '../prometheus/gc-observations.js';
import { lendPrometheusClient, startPrometheus, startService } from './lab.js';

export interface LoopConfig {
  readonly python: string;
  /** Debian's python3, which has prometheus_client to lend to the others. */
  readonly clientFrom: string;
  readonly mode: string;
  readonly prometheus: string;
  readonly warmupSeconds: number;
  readonly windowSeconds: number;
  readonly settleSeconds: number;
  /** Only the mitigations whose what-if starts with one of these (default: all). */
  readonly only?: readonly string[] | undefined;
  readonly log?: ((line: string) => void) | undefined;
}

export interface MitigationRow {
  readonly mitigation: string;
  readonly predicted: [number, number, number];
  readonly observed: [number, number, number];
  /** Predicted and observed GC time per second (ms). */
  readonly predictedGcMs: number;
  readonly observedGcMs: number;
  /** Each generation's share of them (ms/s), to score a window that held few of a generation's collections. */
  readonly predictedGcByGeneration: readonly number[];
  readonly observedGcByGeneration: readonly number[];
  /** How long the window was (s): its collection counts are the rates times this. */
  readonly seconds: number;
  /** What the ranking weighs (core/simulator/rank.ts): simulated (memory in objects), measured (RSS bytes). */
  readonly predictedOutcome: Outcome;
  readonly observedOutcome: Outcome;
  /** Where each predicted measure may lie in absolute terms (the fit's error and the pause cost's). */
  readonly predictedBounds: Readonly<Record<Measure, Interval>>;
  /**
   * The service's own pace (its workload steps a second) in this window over the baseline's: below 1
   * when the service got less CPU (a shared machine), so a rate driven by allocation is expected at
   * about `predicted × pace`. 1 for the baseline.
   */
  readonly pace: number;
  /** Set when the measurement was cut short (memory past MEMORY_LIMIT_BYTES). */
  readonly stopped?: string | undefined;
  /** How long the freeze's first full collection was waited for before the settle, and whether it came. */
  readonly waited?: string | undefined;
}

export interface LoopResult {
  readonly python: string;
  readonly version: string;
  readonly mode: string;
  readonly fit: FitResult;
  readonly fitSeconds: number;
  readonly baseline: MitigationRow;
  readonly mitigations: MitigationRow[];
  readonly expectedMode: FailureMode;
  /** What the mode's runbook ranks on. */
  readonly objective: Objective;
  /** The same rule ranking the simulated mitigations and the measured ones. */
  readonly predictedRanking: Ranking;
  readonly observedRanking: Ranking;
}

/**
 * A freeze is predicted as the service runs after the first full collection that follows it
 * (core/simulator/settle.ts: until then the long-lived total is still the heap it froze); the
 * service is measured from that point too, waited for at most this long.
 */
export const FREEZE_WAIT_SECONDS = 90;

/** A mitigation whose memory grows past the baseline by this much is stopped early (the machine is shared). */
export const MEMORY_LIMIT_BYTES = 768 * 1024 * 1024;

/** What each service mode is, in the fit's words. */
export const EXPECTED_MODE: Record<string, FailureMode> = {
  steady: 'healthy',
  churn: 'allocation-churn',
  cycles: 'cycle-garbage',
  'big-heap': 'old-generation-growth',
  disabled: 'collector-disabled',
  cache: 'old-generation-growth',
  frozen: 'frozen-heap',
};

/** The objective of the runbook each mode belongs to (the shipped runbooks' simulate steps). */
export const OBJECTIVE_OF_MODE: Record<string, Objective> = {
  steady: 'gc-time',
  churn: 'gc-time',
  cycles: 'memory',
  'big-heap': 'longest-pause',
  disabled: 'memory',
  cache: 'longest-pause',
  frozen: 'gc-time',
};

interface Mitigation {
  readonly whatIf: string;
  readonly apply: string[];
  readonly revert: string[];
}

function mitigationsFor(fit: FitResult): Mitigation[] {
  const [t0, t1, t2] = fit.thresholds;
  const raised = [t0 * 10, t1, t2];
  const reset = `/admin/threshold?t0=${t0}&t1=${t1}&t2=${t2}`;
  return [
    {
      whatIf: `threshold=${raised.join(',')}`,
      apply: [`/admin/threshold?t0=${raised[0]}&t1=${raised[1]}&t2=${raised[2]}`],
      revert: [reset],
    },
    { whatIf: 'freeze', apply: ['/admin/freeze'], revert: ['/admin/unfreeze'] },
    { whatIf: 'disable', apply: ['/admin/disable'], revert: ['/admin/enable', '/admin/collect'] },
  ];
}

const sleep = (s: number) => new Promise((r) => setTimeout(r, s * 1000));

async function post(url: string): Promise<void> {
  const r = await fetch(url, { method: 'POST' });
  if (!r.ok) throw new Error(`POST ${url}: ${r.status} ${await r.text()}`);
}

export async function runLoop(config: LoopConfig): Promise<LoopResult> {
  const log = config.log ?? (() => {});
  const dir = mkdtempSync(join(tmpdir(), 'gc-incident-fit-loop-'));
  const lent =
    config.python === config.clientFrom
      ? undefined
      : lendPrometheusClient(config.clientFrom, join(dir, 'lib'));
  const service = await startService(config.python, config.mode, lent ? { env: { PYTHONPATH: lent } } : {});
  const prom = await startPrometheus(config.prometheus, service.targets[0] ?? '');
  const client = new PrometheusClient(
    new Map([['default', { name: 'default', url: prom.url, headers: {}, params: {}, timeoutMs: 10_000 }]]),
  );
  try {
    log(`${config.mode} on ${config.python}: warming up ${config.warmupSeconds} s`);
    await sleep(config.warmupSeconds);
    const baseFrom = await pace(service.url);
    await sleep(config.windowSeconds);
    const basePace = stepsPerSecond(baseFrom, await pace(service.url));
    const observe = (windowSeconds: number, end: Date) =>
      readGcObservations(client, { job: 'gcsvc', datasource: 'default', windowSeconds, end });
    const base = await observe(config.windowSeconds, systemClock.now());
    const started = performance.now();
    const fit = fitWorkload(base);
    const fitSeconds = (performance.now() - started) / 1000;
    log(
      `  fitted in ${fitSeconds.toFixed(2)} s: ${fit.diagnosis.title}; worst collection-rate error ${fit.worstCollectionsErrorPercent.toFixed(1)} %`,
    );
    const workload = withFittedCost(normalizeWorkload(fit.doc), fit);
    const { uncertainty } = fitContext(fit, base);
    const objective = OBJECTIVE_OF_MODE[config.mode] ?? 'gc-time';
    const mitigations = mitigationsFor(fit);
    // As the product builds them (a running service): the freeze applied after the service's first
    // full collections (settle.ts), every stretch long enough for the variants' generation-1 collections.
    const variants = new Map(
      runningServiceVariants(
        workload,
        mitigations.map((m) => m.whatIf),
      ).map((v) => [v.label, v.workload]),
    );
    const predict = (whatIf = 'baseline') => {
      const variant = variants.get(whatIf);
      if (!variant) throw new Error(`no variant ${whatIf} among ${[...variants.keys()].join(', ')}`);
      const r = simulate(variant, { timelinePoints: 50 });
      return {
        // Full collections too rare for the simulated stretch at the long-lived rule's pace, where
        // the baseline window saw some (else the fitted heap is a guess, as the fit says).
        rates: (r.perSecond
          ? base.collections[2] > 0
            ? ratesOf(r)
            : r.perSecond.collections
          : [0, 0, 0]) as [number, number, number],
        gcMs: r.perSecond?.gcMs ?? 0,
        // Each generation's share of the GC time (shares hold for a stretched run's scaled totals too).
        gcByGeneration: r.pauses.byGeneration.map((p) =>
          r.pauses.totalMs > 0 ? ((r.perSecond?.gcMs ?? 0) * p.totalMs) / r.pauses.totalMs : 0,
        ),
        outcome: simulatedOutcome(r, uncertainty, fit.cost.tail),
        bounds: predictedBounds(r, uncertainty, fit.cost.tail),
      };
    };
    const basePrediction = predict();
    const { outcome: baseOutcome, gcByGeneration: baseGcByGeneration } = await measured(
      client,
      config.windowSeconds,
      base.end,
    );
    log(
      `  baseline: GC ms/s by generation predicted ${fmt(basePrediction.gcByGeneration)}, observed ${fmt(baseGcByGeneration)}`,
    );
    const baseline: MitigationRow = {
      mitigation: 'baseline',
      predicted: basePrediction.rates,
      observed: [...base.collections] as [number, number, number],
      predictedGcMs: basePrediction.gcMs,
      observedGcMs: baseOutcome.gcMs,
      predictedGcByGeneration: basePrediction.gcByGeneration,
      observedGcByGeneration: baseGcByGeneration,
      seconds: config.windowSeconds,
      predictedOutcome: basePrediction.outcome,
      observedOutcome: baseOutcome,
      predictedBounds: basePrediction.bounds,
      pace: 1,
    };
    const baseRss = (await state(service.url)).resident_memory_bytes;
    const rows: MitigationRow[] = [];
    const chosen = mitigations.filter(
      (m) => !config.only || config.only.some((prefix) => m.whatIf.startsWith(prefix)),
    );
    for (const m of chosen) {
      for (const path of m.apply) await post(`${service.url}${path}`);
      const waited = m.whatIf === 'freeze' ? await firstFullCollection(service.url) : undefined;
      if (waited) log(`  freeze: ${waited}`);
      await sleep(config.settleSeconds);
      // Measured over the window, or less when memory runs away (disabling a collector with garbage to free).
      const from = performance.now();
      const paceFrom = await pace(service.url);
      let stopped: string | undefined;
      while (performance.now() - from < config.windowSeconds * 1000) {
        await sleep(1);
        const grown = (await state(service.url)).resident_memory_bytes - baseRss;
        if (grown > MEMORY_LIMIT_BYTES) {
          stopped = `stopped after ${Math.round((performance.now() - from) / 1000)} s: resident memory +${Math.round(grown / 2 ** 20)} MiB`;
          break;
        }
      }
      const seconds = Math.max(5, Math.round((performance.now() - from) / 1000));
      const end = systemClock.now();
      const paceRatio = basePace > 0 ? stepsPerSecond(paceFrom, await pace(service.url)) / basePace : 1;
      const seen: GcObservations = await observe(seconds, end);
      const { outcome, gcByGeneration } = await measured(client, seconds, end);
      for (const path of m.revert) await post(`${service.url}${path}`);
      const prediction = predict(m.whatIf);
      rows.push({
        mitigation: m.whatIf,
        predicted: prediction.rates,
        observed: [...seen.collections] as [number, number, number],
        predictedGcMs: prediction.gcMs,
        observedGcMs: outcome.gcMs,
        predictedGcByGeneration: prediction.gcByGeneration,
        observedGcByGeneration: gcByGeneration,
        seconds,
        predictedOutcome: prediction.outcome,
        observedOutcome: outcome,
        predictedBounds: prediction.bounds,
        pace: paceRatio,
        stopped,
        waited,
      });
      log(
        `  ${m.whatIf}: predicted ${fmt(prediction.rates)}, observed ${fmt(seen.collections)}${stopped ? ` (${stopped})` : ''}; GC ms/s by generation predicted ${fmt(prediction.gcByGeneration)}, observed ${fmt(gcByGeneration)}`,
      );
      // The service settles back before the next mitigation; after the last one it is stopped.
      if (m !== chosen.at(-1)) await sleep(config.settleSeconds);
    }
    const ranking = (pick: (r: MitigationRow) => Outcome) =>
      rankOutcomes(
        pick(baseline),
        rows.map((r) => ({ label: r.mitigation, outcome: pick(r) })),
        { objective },
      );
    return {
      python: config.python,
      version: base.pythonVersion ?? '?',
      mode: config.mode,
      fit,
      fitSeconds,
      baseline,
      mitigations: rows,
      expectedMode: EXPECTED_MODE[config.mode] ?? 'healthy',
      objective,
      predictedRanking: ranking((r) => r.predictedOutcome),
      observedRanking: ranking((r) => r.observedOutcome),
    };
  } finally {
    await client.close();
    await prom.stop();
    await service.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function state(
  url: string,
): Promise<{ resident_memory_bytes: number; collections: number[]; steps: number }> {
  const r = await fetch(`${url}/admin/state`);
  return (await r.json()) as { resident_memory_bytes: number; collections: number[]; steps: number };
}

interface PaceReading {
  readonly steps: number;
  readonly at: number;
}

async function pace(url: string): Promise<PaceReading> {
  return { steps: (await state(url)).steps, at: performance.now() };
}

function stepsPerSecond(from: PaceReading, to: PaceReading): number {
  return to.at > from.at ? ((to.steps - from.steps) * 1000) / (to.at - from.at) : 0;
}

/** Waits for the first full collection after a freeze (at most FREEZE_WAIT_SECONDS); says how long it took. */
async function firstFullCollection(url: string): Promise<string> {
  const before = (await state(url)).collections[2] ?? 0;
  const from = performance.now();
  const seconds = () => ((performance.now() - from) / 1000).toFixed(0);
  while (performance.now() - from < FREEZE_WAIT_SECONDS * 1000) {
    if (((await state(url)).collections[2] ?? 0) > before)
      return `first full collection after ${seconds()} s`;
    await sleep(0.25);
  }
  return `no full collection within ${seconds()} s`;
}

/**
 * What the ranking weighs, measured: GC ms/s, the p99 pause and the longest one (the upper
 * bound of the highest histogram bucket that filled in the window) from the exporter's
 * histogram, RSS over the window.
 */
/** What the service did over the window, and its GC time per second by generation (the exporter's histogram). */
async function measured(
  client: PrometheusClient,
  windowSeconds: number,
  end: Date,
): Promise<{ outcome: Outcome; gcByGeneration: number[] }> {
  const w = `${Math.round(windowSeconds)}s`;
  const one = async (q: string) => (await client.instant('default', q, end))[0]?.value ?? 0;
  const [byGeneration, p99, max, rss] = await Promise.all([
    client.instant(
      'default',
      `sum by (generation) (rate(python_gc_pause_seconds_sum{job="gcsvc"}[${w}]))`,
      end,
    ),
    one(`histogram_quantile(0.99, sum by (le) (rate(python_gc_pause_seconds_bucket{job="gcsvc"}[${w}])))`),
    one(`histogram_quantile(1, sum by (le) (increase(python_gc_pause_seconds_bucket{job="gcsvc"}[${w}])))`),
    client.range(
      'default',
      'sum(process_resident_memory_bytes{job="gcsvc"})',
      new Date(end.getTime() - windowSeconds * 1000),
      end,
      1,
    ),
  ]);
  const gcByGeneration = [0, 1, 2].map(
    (g) => 1000 * (byGeneration.find((x) => x.labels.generation === String(g))?.value ?? 0),
  );
  return {
    outcome: {
      gcMs: gcByGeneration.reduce((a, b) => a + b, 0),
      p99Ms: Number.isFinite(p99) ? p99 * 1000 : 0,
      maxMs: Number.isFinite(max) ? max * 1000 : 0,
      memory: (rss[0]?.points ?? []).map(([, v]) => v),
    },
    gcByGeneration,
  };
}

const fmt = (r: readonly number[]) => r.map((x) => x.toFixed(2)).join('/');

/** Signed error in % of the observed rate; 0 when both are (near) zero. */
export function errorPercent(predicted: number, observed: number): number {
  if (Math.abs(observed) < 1e-9) return Math.abs(predicted) < 0.05 ? 0 : 100;
  return ((predicted - observed) / observed) * 100;
}
