/**
 * Reads a job's GC observations for `fit` from a Prometheus-compatible
 * backend: prometheus_client's GC counters and python_info, and the
 * exporter's gauges when they exist. Every query is built from a validated
 * job name and runs at one instant, in parallel.
 */
import { GcIncidentError } from '../../core/errors.js';
import type { GcObservations, PauseBucket, PerGeneration } from '../../core/fit/observations.js';
import type { MetricsClient, Sample } from '../../core/ports.js';

/** Job names as Prometheus configurations write them; anything else is refused before a query is built. */
const JOB = /^[A-Za-z0-9_.:/-]{1,200}$/;
/** Samples of each counter the window must hold (a fit from two points is noise). */
export const MIN_SAMPLES = 5;

export interface ObservationRequest {
  readonly job: string;
  readonly datasource: string;
  readonly windowSeconds: number;
  readonly end: Date;
}

export async function readGcObservations(
  client: MetricsClient,
  req: ObservationRequest,
): Promise<GcObservations> {
  if (!JOB.test(req.job)) {
    throw new GcIncidentError(
      'USAGE',
      `--job ${JSON.stringify(req.job)}: a job name has letters, digits and _ . : / - only`,
      { job: req.job },
    );
  }
  const sel = (metric: string, extra = '') => `${metric}{job="${req.job}"${extra}}`;
  const q = (query: string) => client.instant(req.datasource, query, req.end);
  // rate() over a window the series only partly cover divides what they counted by the whole
  // window: a service scraped for 60 s of a 15m window would look 15 times calmer than it is
  // (a drill, a fresh deploy). The window is cut to where the series begin.
  const { windowSeconds, querySeconds } = await coveredWindow(
    q,
    sel('python_gc_collections_total', ',generation="0"'),
    req,
  );
  const w = `${querySeconds}s`;
  const sources = {
    collections: sel('python_gc_collections_total'),
    collected: sel('python_gc_objects_collected_total'),
    info: sel('python_info'),
    threshold: sel('python_gc_threshold'),
    pause: sel('python_gc_pause_seconds_sum'),
    frozen: sel('python_gc_frozen_objects'),
    pending: sel('python_gc_pending_objects'),
    enabled: sel('python_gc_enabled'),
  };
  const [
    present,
    resets,
    samples,
    collections,
    collected,
    info,
    threshold,
    pauseSum,
    pauseCount,
    frozen,
    pending,
    enabled,
    buckets,
  ] = await Promise.all([
    q(`count(${sel('python_gc_collections_total', ',generation="0"')})`),
    q(`max(resets(${sources.collections}[${w}]))`),
    q(`min(count_over_time(${sources.collections}[${w}]))`),
    q(`avg by (generation) (rate(${sources.collections}[${w}]))`),
    q(`avg by (generation) (rate(${sources.collected}[${w}]))`),
    q(sources.info),
    q(`avg by (generation) (${sources.threshold})`),
    q(`sum by (generation) (rate(${sources.pause}[${w}]))`),
    q(`sum by (generation) (rate(${sel('python_gc_pause_seconds_count')}[${w}]))`),
    q(`avg(${sources.frozen})`),
    q(`avg by (generation) (${sources.pending})`),
    q(`min(${sources.enabled})`),
    q(`sum by (generation, le) (increase(${sel('python_gc_pause_seconds_bucket')}[${w}]))`),
  ]);
  const instances = present[0]?.value ?? 0;
  if (instances === 0) {
    throw new GcIncidentError(
      'FIT_JOB_NOT_FOUND',
      `no python_gc_collections_total series with job="${req.job}" on datasource '${req.datasource}' (is the job scraped, and does it use prometheus_client?)`,
      { job: req.job },
    );
  }
  const count = samples[0]?.value ?? 0;
  if (count < MIN_SAMPLES) {
    throw new GcIncidentError(
      'FIT_TOO_FEW_SAMPLES',
      `job '${req.job}' has ${count} samples of python_gc_collections_total in the last ${w}; the fit needs at least ${MIN_SAMPLES}: widen --window or wait for more scrapes`,
      { job: req.job, samples: count },
    );
  }
  if ((resets[0]?.value ?? 0) > 0) {
    throw new GcIncidentError(
      'FIT_COUNTER_RESET',
      `python_gc_collections_total of job '${req.job}' reset in the last ${w} (the process restarted): fit over a window after the restart (a shorter --window)`,
      { job: req.job },
    );
  }
  const labels = info[0]?.labels ?? {};
  const means = byGeneration(pauseSum).map((sum, g) => {
    const n = byGeneration(pauseCount)[g] ?? 0;
    return n > 0 ? sum / n : undefined;
  });
  const used = [sources.collections, sources.collected];
  if (info.length > 0) used.push(sources.info);
  if (threshold.length > 0) used.push(sources.threshold);
  if (pauseCount.length > 0) used.push(sel('python_gc_pause_seconds'));
  if (frozen.length > 0) used.push(sources.frozen);
  if (pending.length > 0) used.push(sources.pending);
  if (enabled.length > 0) used.push(sources.enabled);
  return {
    job: req.job,
    datasource: req.datasource,
    windowSeconds,
    requestedWindowSeconds: windowSeconds < req.windowSeconds ? req.windowSeconds : undefined,
    end: req.end,
    pythonVersion: labels.version,
    implementation: labels.implementation,
    instances,
    collections: byGeneration(collections),
    collected: byGeneration(collected),
    thresholds: threshold.length > 0 ? byGeneration(threshold) : undefined,
    meanPause: pauseCount.length > 0 ? means : undefined,
    pauseBuckets: buckets.length > 0 ? bucketsByGeneration(buckets) : undefined,
    frozen: frozen[0]?.value,
    pending: pending.length > 0 ? byGeneration(pending) : undefined,
    enabled: enabled[0]?.value,
    sources: used,
  };
}

/** Cumulative pause counts per bucket edge, per generation, ascending (+Inf last). */
function bucketsByGeneration(samples: readonly Sample[]): PauseBucket[][] {
  const out: PauseBucket[][] = [[], [], []];
  for (const s of samples) {
    const g = Number(s.labels.generation);
    const le = s.labels.le === '+Inf' ? Number.POSITIVE_INFINITY : Number(s.labels.le);
    if ((g === 0 || g === 1 || g === 2) && !Number.isNaN(le) && Number.isFinite(s.value)) {
      out[g]?.push({ le, count: s.value });
    }
  }
  return out.map((b) => b.sort((x, y) => x.le - y.le));
}

function byGeneration(samples: readonly Sample[]): PerGeneration {
  const out: [number, number, number] = [0, 0, 0];
  for (const s of samples) {
    const g = Number(s.labels.generation);
    if (g === 0 || g === 1 || g === 2) out[g] = Number.isFinite(s.value) ? s.value : 0;
  }
  return out;
}

/**
 * The part of the requested window the job's series cover: from the oldest first sample (found
 * with a subquery over the window) to the end. The whole window when the series are older,
 * or when the backend cannot answer the subquery (the window is then taken as asked).
 *
 * `windowSeconds` is what the series cover, rounded down (what the fit says it measured);
 * `querySeconds` is the range the queries read, rounded up so that it still holds the first
 * sample (less than a second before it, which rate() extrapolates over without diluting).
 */
async function coveredWindow(
  q: (query: string) => Promise<readonly Sample[]>,
  selector: string,
  req: ObservationRequest,
): Promise<{ windowSeconds: number; querySeconds: number }> {
  const asked = Math.round(req.windowSeconds);
  const whole = { windowSeconds: req.windowSeconds, querySeconds: asked };
  // A step of a second finds the first sample itself (a scrape interval is a second or more): a
  // coarser step sees a later sample first, and a window cut there drops the samples before it
  // (a drill's fit, a few seconds after the service starts, was refused for too few samples).
  // At most ~3600 steps per series; longer windows are cut to a coarser step.
  const step = `${Math.max(1, Math.round(req.windowSeconds / 3600))}s`;
  const first = await q(`min(min_over_time(timestamp(${selector})[${asked}s:${step}]))`).catch(() => []);
  const firstSeconds = first[0]?.value;
  if (firstSeconds === undefined || !Number.isFinite(firstSeconds)) return whole;
  const covered = req.end.getTime() / 1000 - firstSeconds;
  if (!(covered > 0 && covered < req.windowSeconds)) return whole;
  return {
    windowSeconds: Math.max(1, Math.floor(covered)),
    querySeconds: Math.min(asked, Math.max(1, Math.ceil(covered))),
  };
}
