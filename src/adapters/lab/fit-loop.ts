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
import { type FitResult, fitWorkload } from '../../core/fit/fit-workload.js';
import type { GcObservations } from '../../core/fit/observations.js';
import { simulate } from '../../core/simulator/simulate.js';
import { applyWhatIf } from '../../core/simulator/what-if.js';
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
  /** Predicted and observed GC time per second (ms), the ranking criterion. */
  readonly predictedGcMs: number;
  readonly observedGcMs: number;
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
}

/** What each service mode is, in the fit's words. */
export const EXPECTED_MODE: Record<string, FailureMode> = {
  steady: 'healthy',
  churn: 'allocation-churn',
  cycles: 'cycle-garbage',
  'big-heap': 'old-generation-growth',
  disabled: 'collector-disabled',
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
    await sleep(config.warmupSeconds + config.windowSeconds);
    const observe = () =>
      readGcObservations(client, {
        job: 'gcsvc',
        datasource: 'default',
        windowSeconds: config.windowSeconds,
        end: systemClock.now(),
      });
    const base = await observe();
    const started = performance.now();
    const fit = fitWorkload(base);
    const fitSeconds = (performance.now() - started) / 1000;
    log(
      `  fitted in ${fitSeconds.toFixed(2)} s: ${fit.diagnosis.title}; worst collection-rate error ${fit.worstCollectionsErrorPercent.toFixed(1)} %`,
    );
    const workload = normalizeWorkload(fit.doc);
    const predict = (whatIf?: string) => {
      const r = simulate(whatIf ? applyWhatIf(workload, whatIf) : workload, { timelinePoints: 50 });
      return {
        rates: (r.perSecond?.collections ?? [0, 0, 0]) as [number, number, number],
        gcMs: r.perSecond?.gcMs ?? 0,
      };
    };
    const basePrediction = predict();
    const baseline: MitigationRow = {
      mitigation: 'baseline',
      predicted: basePrediction.rates,
      observed: [...base.collections] as [number, number, number],
      predictedGcMs: basePrediction.gcMs,
      observedGcMs: await gcMs(client, config.windowSeconds),
    };
    const rows: MitigationRow[] = [];
    const chosen = mitigationsFor(fit).filter(
      (m) => !config.only || config.only.some((prefix) => m.whatIf.startsWith(prefix)),
    );
    for (const m of chosen) {
      for (const path of m.apply) await post(`${service.url}${path}`);
      await sleep(config.settleSeconds + config.windowSeconds);
      const seen: GcObservations = await observe();
      const observedGcMs = await gcMs(client, config.windowSeconds);
      for (const path of m.revert) await post(`${service.url}${path}`);
      const prediction = predict(m.whatIf);
      rows.push({
        mitigation: m.whatIf,
        predicted: prediction.rates,
        observed: [...seen.collections] as [number, number, number],
        predictedGcMs: prediction.gcMs,
        observedGcMs,
      });
      log(`  ${m.whatIf}: predicted ${fmt(prediction.rates)}, observed ${fmt(seen.collections)}`);
      await sleep(config.settleSeconds);
    }
    return {
      python: config.python,
      version: base.pythonVersion ?? '?',
      mode: config.mode,
      fit,
      fitSeconds,
      baseline,
      mitigations: rows,
      expectedMode: EXPECTED_MODE[config.mode] ?? 'healthy',
    };
  } finally {
    await client.close();
    await prom.stop();
    await service.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function gcMs(client: PrometheusClient, windowSeconds: number): Promise<number> {
  const samples = await client.instant(
    'default',
    `sum(rate(python_gc_pause_seconds_sum{job="gcsvc"}[${Math.round(windowSeconds)}s]))`,
    systemClock.now(),
  );
  return (samples[0]?.value ?? 0) * 1000;
}

const fmt = (r: readonly number[]) => r.map((x) => x.toFixed(2)).join('/');

/** Signed error in % of the observed rate; 0 when both are (near) zero. */
export function errorPercent(predicted: number, observed: number): number {
  if (Math.abs(observed) < 1e-9) return Math.abs(predicted) < 0.05 ? 0 : 100;
  return ((predicted - observed) / observed) * 100;
}
