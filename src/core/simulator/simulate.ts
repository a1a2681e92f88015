/**
 * Runs a workload through the modelled collector: the harness's setup, then
 * every iteration, skipping ahead in one step over stretches of identical
 * iterations in which no collection can happen. Results have the meaning of
 * gc.get_stats(), gc.get_count() and len(gc.garbage) after the harness run.
 */
import { GcIncidentError } from '../errors.js';
import { type CalibrationProfile, DEFAULT_CALIBRATION, pauseNs, runCost } from './cost-model.js';
import { type CollectionEvent, GcEngine, type GenerationStats } from './engine.js';
import { FreeThreadedEngine } from './free-threaded.js';
import { type PerSecond, perSecondOf } from './full-rate.js';
import { refuseAbsurd, setUpHarness } from './harness-setup.js';
import { IncrementalEngine } from './incremental.js';
import {
  applySkip,
  effectOf,
  type IterationEffect,
  quietUntil,
  sameEffect,
  skippable,
  snapshot,
} from './iteration-skip.js';
import { PauseHistogram } from './pause-histogram.js';
import { pendingFullMs } from './pending-full.js';
import { versionProfile } from './profile.js';
import { compileOps, runIteration, startRun } from './program.js';
import { repeatableTurns } from './segment-cycles.js';
import {
  finishPeriod,
  notePeriodParts,
  notePeriodPause,
  PeriodMemo,
  type PeriodPause,
  type PeriodRecording,
  type PeriodSink,
  periodEnded,
  periodKey,
  periodTurns,
  replayPeriodTimeline,
  startPeriod,
} from './segment-periods.js';
import {
  applySegment,
  finishRecording,
  nextGeneration,
  type Recording,
  type Segment,
  SegmentMemo,
  segmentKey,
  startRecording,
} from './segment-skip.js';
import { canCross, RateTracker, replayTimeline, ringObjects } from './segment-trajectory.js';
import { type SettleOutcome, settleAfterFreeze } from './settle.js';
import { overShownSpan } from './shown-span.js';
import { heapFigures, Timeline, type TimelinePoint } from './timeline.js';
import { MODEL_COVERS } from './versions.js';
import type { Workload } from './workload.js';

export type { TimelinePoint } from './timeline.js';

export interface PauseSummary {
  readonly count: number;
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly totalMs: number;
}

export interface SimulationResult {
  readonly workload: string;
  readonly python: string;
  /** 'measured': checked against real CPython in the test suite; 'model only': modelled from the sources. */
  readonly fidelity: 'measured' | 'model only';
  /** The releases the model stands for, such as "3.14.0 to 3.14.4". */
  readonly covers: string;
  readonly collector: 'generational' | 'incremental' | 'free-threaded';
  readonly thresholds: [number, number, number];
  /** Iterations the figures stand for; a stretched what-if ran more (ranIterations, shown-span.ts). */
  readonly iterations: number;
  /** Iterations run when more than shown (a what-if stretched to hold its rarer collections). */
  readonly ranIterations?: number | undefined;
  readonly stats: GenerationStats[];
  readonly count: [number, number, number];
  readonly garbage: number;
  readonly pauses: PauseSummary & { readonly byGeneration: PauseSummary[] };
  /** Null when the workload has no `rate`. */
  readonly perSecond: PerSecond | null;
  readonly heap: { peak: number; steady: number; final: number; timeline: TimelinePoint[] };
  readonly calibration: string;
  /**
   * The pause of the full collection still to come (ms) when the run held none though the
   * collector is on: a window too short for one does not make it go away. Undefined otherwise.
   */
  readonly pendingFullMs?: number | undefined;
  /** A freeze on a running service (settle.ts): measured past its first full collection or not. */
  readonly settle?: SettleOutcome | undefined;
}

export interface SimulateOptions {
  readonly calibration?: CalibrationProfile | undefined;
  /** Called now and then with the fraction done; return true to cancel. */
  readonly onProgress?: ((fraction: number) => boolean | undefined) | undefined;
  readonly timelinePoints?: number | undefined;
  /** Skip over stretches of identical iterations (default). Off only to test that skipping changes nothing. */
  readonly skipAhead?: boolean | undefined;
}

export function simulate(workload: Workload, options: SimulateOptions = {}): SimulationResult {
  refuseAbsurd(workload);
  const profile = versionProfile(workload.python);
  const engine =
    profile.collector === 'free-threaded'
      ? new FreeThreadedEngine(profile, workload.thresholds)
      : profile.collector === 'incremental'
        ? new IncrementalEngine(profile, workload.thresholds)
        : new GcEngine(profile, workload.thresholds);
  // A fitted workload carries the pause cost fitted to its service's own pauses.
  const calibration = options.calibration ?? DEFAULT_CALIBRATION;
  const coefficients = runCost(workload.cost, profile.collector, calibration, workload.python);

  const histogram = new PauseHistogram();
  const byGeneration = [new PauseHistogram(), new PauseHistogram(), new PauseHistogram()];
  const points = Math.max(1, options.timelinePoints ?? 400);
  // A run whose heap is shown over its first part (heapOver) has its points there.
  const bucketSize = Math.max(
    1,
    Math.ceil(Math.min(workload.iterations, workload.heapOver ?? Infinity) / points),
  );
  const timeline = new Timeline(bucketSize, workload.iterations);
  const observe = (live: number, garbage: number) => timeline.observe(live + garbage);
  const closeBucketsUpTo = (iteration: number) => {
    // Buckets end at multiples of bucketSize; a skip-ahead may close several at once.
    while (timeline.end() <= iteration) timeline.close(engine.liveTracked(), engine.garbageTracked());
  };

  let lastPauseNs = 0;
  /** The generation-1 period being recorded (segment-periods.ts). */
  let period: PeriodRecording | undefined;
  let lastObserved = 0;
  /** A collection (or `times` alike, observing from `firstObserved` to `liveAndGarbage` in steps). */
  const noteCollection = (
    generation: number,
    ns: number,
    liveAndGarbage: number,
    times = 1,
    firstObserved = liveAndGarbage,
  ) => {
    histogram.add(ns, times);
    byGeneration[generation]?.add(ns, times);
    timeline.collection(generation, ns, times);
    observe(Math.max(firstObserved, liveAndGarbage), 0);
    lastPauseNs = ns;
    lastObserved = liveAndGarbage;
    if (period) notePeriodPause(period, generation, ns, times, Math.max(firstObserved, liveAndGarbage));
  };
  /** The collections of replayed periods: each pause `times` times as often as recorded, in its order. */
  const notePauses = (pauses: readonly PeriodPause[], times: number, observed: number) => {
    addPauses(pauses, times);
    for (const p of pauses) timeline.collection(p.generation, p.ns, p.times * times);
    observe(observed, 0);
  };
  const addPauses = (pauses: readonly PeriodPause[], times: number) => {
    for (const p of pauses) {
      histogram.add(p.ns, p.times * times);
      byGeneration[p.generation]?.add(p.ns, p.times * times);
    }
  };
  engine.onCollection = (event: CollectionEvent) => {
    const ns = pauseNs(coefficients, event.scanned, event.freed, event.finalized, event.generation);
    noteCollection(event.generation, ns, event.liveAfter + event.garbageAfter);
  };

  setUpHarness(engine, workload);
  observe(engine.liveTracked(), 0);
  startRun(engine);

  const ops = compileOps(workload.ops, engine);
  const settle =
    workload.setup.collectThenFreeze && workload.setup.settleAfterFreeze
      ? settleAfterFreeze(engine, ops, workload)
      : undefined;
  const pendingAtStart = engine.longLivedPending;
  // Objects with a lifetime change the heap every iteration: no two iterations are alike.
  const canSkip =
    profile.collector === 'generational' && options.skipAhead !== false && engine.pools.length === 0;
  // Skip-ahead: an iteration that reaches no threshold and no clamp does the same thing as any
  // other started from the same shape (free-lists, enabled, threshold). Once two such iterations
  // agree, the effect is known for that shape and whole stretches are applied by arithmetic.
  let last: IterationEffect | undefined;
  const known = new Map<string, IterationEffect>();
  const segments = new SegmentMemo();
  let recording: Recording | undefined;
  let rates = new RateTracker();
  const sink: PeriodSink = {
    end: () => timeline.end(),
    close: (live, garbage) => timeline.close(live, garbage),
    note: (generation, ns, observed) => noteCollection(generation, ns, observed),
    mark: (generation, ns, observed) => {
      timeline.collection(generation, ns, 1);
      timeline.observe(observed);
    },
    pauses: (pauses, times, observed) => notePauses(pauses, times, observed),
    histograms: (pauses, times) => addPauses(pauses, times),
  };
  /** Whether a replay from iteration i ends before any periodic action and crosses only buckets it can. */
  const fits = (s: Segment, parts: readonly Segment[] | undefined, i: number) =>
    s.iterations <= quietUntil(workload, i) - i &&
    (i + s.iterations - 1 <= timeline.end() ||
      (parts !== undefined && canCross(parts, i, timeline.end(), bucketSize)));
  const periods = new PeriodMemo();
  let nextPeriodKey: string | undefined;
  // Segments start right after an iteration that held a collection (and at the start).
  let atBoundary = true;
  let nextKey: string | undefined;
  let nextProgress = 0;
  const progressStep = Math.max(1, Math.floor(workload.iterations / 100));
  for (let i = 0; i < workload.iterations; ) {
    if (i >= nextProgress) {
      nextProgress = i + progressStep;
      if (options.onProgress?.(i / workload.iterations) === true) {
        throw new GcIncidentError('SIMULATION_CANCELLED', `simulation of '${workload.name}' was cancelled`, {
          iteration: i,
        });
      }
    }
    if (period && periodEnded(engine, period)) {
      // The iteration holding the period's generation-1 collection has ended.
      const done =
        i <= quietUntil(workload, period.recording.start) ? finishPeriod(engine, period, i) : undefined;
      if (done) periods.set(period.recording.key, done);
      period = undefined;
    }
    // A whole generation-1 period at once, when the same young state was seen before.
    if (canSkip && atBoundary && !recording && !period) {
      const key = nextPeriodKey ?? periodKey(engine);
      nextPeriodKey = undefined;
      const found = key === undefined ? undefined : periods.get(key);
      // Turns of a period ending in its own key at once (within one progress step, so progress is
      // reported and a cancellation seen as before), else one period (segment-periods.ts).
      const turns =
        found !== undefined && found.endKey === key
          ? periodTurns(
              engine,
              found,
              Math.min(quietUntil(workload, i), nextProgress) - i,
              timeline.end() + 1 - i,
            )
          : 0;
      const times = turns > 0 ? turns : found && fits(found, found.parts, i) ? 1 : 0;
      if (found && times > 0) {
        replayPeriodTimeline(found, times, i, engine.liveTracked(), engine.garbageTracked(), sink);
        const applied = applySegment(engine, found, i + times * found.iterations - 1, times);
        i += times * found.iterations;
        nextPeriodKey = applied.next;
        nextKey = undefined;
        last = undefined;
        closeBucketsUpTo(i - 1);
        continue;
      }
      // Recorded again when it lacks the segments that would carry it across a bucket's end.
      if (key !== undefined && !found?.parts) period = startPeriod(engine, key, i);
    }
    // A whole collection at once, when the same young state was seen before (segment-skip.ts).
    if (canSkip && atBoundary && !recording) {
      atBoundary = false;
      const key = nextKey ?? segmentKey(engine);
      nextKey = undefined;
      const segment = key === undefined ? undefined : segments.get(key);
      if (segment) {
        // Cycles within one timeline bucket and one progress step, and before any periodic action.
        const room = Math.min(timeline.end() + 1, nextProgress, quietUntil(workload, i)) - i;
        const cycle = segments.cycleFrom(key as string);
        const turns = cycle ? repeatableTurns(engine, cycle, room) : 0;
        if (cycle && turns >= 2) {
          if (period) notePeriodParts(period, cycle.segments, turns);
          // The first turn segment by segment, then the others in one step (segment-cycles.ts).
          const observed: number[] = [];
          for (const s of cycle.segments) {
            const applied = applySegment(engine, s, i + s.iterations - 1);
            noteCollection(s.generation, s.pauseNs, applied.observed);
            observed.push(applied.observed);
            i += s.iterations;
          }
          const start = (observed[0] ?? 0) - (cycle.segments[0]?.observedDelta ?? 0);
          const perTurn = engine.liveTracked() + engine.garbageTracked() - start;
          const more = turns - 1;
          applySegment(engine, cycle.turn, i + more * cycle.iterations - 1, more);
          cycle.segments.forEach((s, j) => {
            const first = (observed[j] ?? 0) + perTurn;
            noteCollection(s.generation, s.pauseNs, first + (more - 1) * perTurn, more, first);
          });
          i += more * cycle.iterations;
          nextKey = nextGeneration(engine) === 0 ? key : undefined;
          last = undefined;
          closeBucketsUpTo(i - 1);
          atBoundary = true;
          continue;
        }
        if (fits(segment, [segment], i)) {
          if (period) notePeriodParts(period, [segment]);
          const crossing = i + segment.iterations - 1 > timeline.end();
          if (crossing) replayTimeline([segment], i, engine.liveTracked(), engine.garbageTracked(), sink);
          const applied = applySegment(engine, segment, i + segment.iterations - 1);
          if (!crossing) noteCollection(segment.generation, segment.pauseNs, applied.observed);
          i += segment.iterations;
          nextKey = applied.next;
          last = undefined;
          closeBucketsUpTo(i - 1);
          atBoundary = true;
          continue;
        }
      } else if (key !== undefined) {
        recording = startRecording(engine, key, i);
        rates = new RateTracker();
      }
    }
    const shape = canSkip && !engine.scheduled ? engine.shape() : undefined;
    const effect = shape === undefined ? undefined : known.get(shape);
    if (effect) {
      // Never skip past a timeline bucket's end, so the heap is observed where the step-by-step run observes it.
      const bucketEnd = timeline.end() + 1;
      const k = Math.min(skippable(engine, effect, workload, i), nextProgress - i, bucketEnd - i);
      if (k > 0) {
        applySkip(engine, effect, k);
        if (recording) rates.add(effect.dLive0, ringObjects(effect.rings));
        i += k;
        closeBucketsUpTo(i - 1);
        continue;
      }
    }
    const before = shape === undefined ? undefined : snapshot(engine);
    const collectionsBefore = engine.collectionsTotal;
    const liveBefore = recording ? engine.liveTracked() : 0;
    const garbageBefore = recording ? engine.garbageTracked() : 0;
    runIteration(engine, ops, workload.every, i);
    closeBucketsUpTo(i);
    // An iteration that ran a periodic action (a freeze resets the counts) is no pattern for others.
    const now = before && quietUntil(workload, i) !== i ? effectOf(engine, before) : undefined;
    engine.ringLog = undefined;
    if (now && shape !== undefined && last && sameEffect(now, last) && engine.shape() === shape)
      known.set(shape, now);
    last = now;
    i++;
    const collected = engine.collectionsTotal !== collectionsBefore;
    atBoundary = collected;
    if (recording && collected) {
      // The iteration that held the collection has ended: the segment is complete.
      const segment =
        i <= quietUntil(workload, recording.start)
          ? finishRecording(engine, recording, i, lastPauseNs, lastObserved, rates.result())
          : undefined;
      if (segment) segments.set(recording.key, segment);
      if (period) notePeriodParts(period, segment ? [segment] : undefined);
      recording = undefined;
    } else if (recording) {
      rates.add(engine.liveTracked() - liveBefore, engine.garbageTracked() - garbageBefore);
    } else if (collected && period) {
      notePeriodParts(period, undefined);
    }
  }
  if (timeline.points.length === 0 || (timeline.points.at(-1)?.iteration ?? -1) < workload.iterations - 1) {
    closeBucketsUpTo(Math.ceil(workload.iterations / bucketSize) * bucketSize - 1);
  }

  const summary = (h: PauseHistogram): PauseSummary => ({
    count: h.count,
    p50Ms: h.quantileNs(0.5) / 1e6,
    p95Ms: h.quantileNs(0.95) / 1e6,
    p99Ms: h.quantileNs(0.99) / 1e6,
    maxMs: h.maxNs / 1e6,
    totalMs: h.totalNs / 1e6,
  });
  const seconds = workload.rate ? workload.iterations / workload.rate : undefined;
  const result: SimulationResult = {
    workload: workload.name,
    python: workload.python,
    fidelity: profile.measured ? 'measured' : 'model only',
    covers: MODEL_COVERS[workload.python],
    collector: profile.collector,
    thresholds: [...workload.thresholds] as [number, number, number],
    iterations: workload.iterations,
    stats: engine.stats.map((s) => ({ ...s })),
    count: [...engine.count] as [number, number, number],
    garbage: engine.garbage,
    pauses: { ...summary(histogram), byGeneration: byGeneration.map(summary) },
    perSecond: seconds
      ? perSecondOf(engine, { seconds, gcNs: histogram.totalNs, pendingAtStart }, profile.collector)
      : null,
    heap: heapFigures(timeline, workload.heapOver, engine.liveTracked() + engine.garbageTracked()),
    calibration: workload.cost ? "pause cost fitted to the service's own pauses" : calibration.source,
    pendingFullMs: pendingFullMs(engine, coefficients, workload),
    ...(settle ? { settle } : {}),
  };
  return overShownSpan(result, workload.heapOver);
}
