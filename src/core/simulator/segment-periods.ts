/**
 * Generation-1 periods: from a quiet state with count1 = 0 up to the end of
 * the iteration holding the next generation-1 collection (the young
 * collections in between included). What a period does depends only on the
 * young state of generations 0 and 1 (count0, count1, the free-lists and
 * thresholds, their live objects and the rings with a member in them), and on
 * whether a full collection is due, which stays as it is until the period's
 * last collection (count2 and the long-lived figures only change there). So a
 * period is recorded the first time its key is seen, by watching the run
 * (which may itself replay segments and cycles, exactly), and replayed as one
 * segment of generation 1 holding several collections: each pause added as
 * often as it occurred, in the order first seen, and the largest live +
 * garbage observed at one of its collections.
 */
import type { GcEngine } from './engine.js';
import {
  effectSince,
  fullCollectionDue,
  type Recording,
  type Segment,
  startRecording,
  youngKey,
} from './segment-skip.js';
import { type BucketSink, replayTimeline } from './segment-trajectory.js';

/** Beyond this many distinct periods the memo starts again (memory stays bounded). */
const MAX_PERIODS = 1024;
/** A period of more collections keeps no list of its segments (it is replayed within a bucket only). */
const MAX_PARTS = 64;

export interface PeriodPause {
  readonly generation: number;
  readonly ns: number;
  times: number;
}

/** A whole period as one generation-1 segment; `observedDelta` is the largest observation's. */
export interface Period extends Segment {
  readonly pauses: readonly PeriodPause[];
  /** The segments it consists of, in order, when all were seen (to replay it across buckets). */
  readonly parts: readonly Segment[] | undefined;
}

export interface PeriodRecording {
  readonly recording: Recording;
  readonly pauses: PeriodPause[];
  /** live + garbage at the start, and the largest seen at a collection since. */
  readonly startTotal: number;
  maxObserved: number;
  /**
   * Set at the generation-1 collection; one more collection after it (in the same iteration)
   * makes the period unreplayable: which generation that one collects depends on count2.
   */
  closed: boolean;
  spoilt: boolean;
  /** The segments seen so far; undefined once a collection was run without one being recorded. */
  parts: Segment[] | undefined;
  readonly gen1Before: number;
  readonly gen2Before: number;
}

/** The key of a period starting now, or undefined where none can start (count1 > 0, a full collection due, not quiet). */
export function periodKey(e: GcEngine): string | undefined {
  if ((e.count[1] ?? 0) !== 0 || fullCollectionDue(e)) return undefined;
  const key = youngKey(e, 1);
  return key === undefined ? undefined : `P${key}`;
}

export function startPeriod(e: GcEngine, key: string, start: number): PeriodRecording {
  const total = e.liveTracked() + e.garbageTracked();
  return {
    recording: startRecording(e, key, start),
    pauses: [],
    startTotal: total,
    maxObserved: Number.NEGATIVE_INFINITY,
    closed: false,
    spoilt: false,
    parts: [],
    gen1Before: e.stats[1]?.collections ?? 0,
    gen2Before: e.stats[2]?.collections ?? 0,
  };
}

/** Notes collections seen while recording (`times` alike, the largest observation `observed`). */
export function notePeriodPause(
  r: PeriodRecording,
  generation: number,
  ns: number,
  times: number,
  observed: number,
): void {
  if (r.closed) r.spoilt = true;
  if (generation !== 0) r.closed = true;
  const same = r.pauses.find((p) => p.generation === generation && p.ns === ns);
  if (same) same.times += times;
  else r.pauses.push({ generation, ns, times });
  if (observed > r.maxObserved) r.maxObserved = observed;
}

/** Segments the run replayed or recorded while recording (`times` over), or undefined: a collection without one. */
export function notePeriodParts(r: PeriodRecording, parts: readonly Segment[] | undefined, times = 1): void {
  if (!r.parts) return;
  if (!parts || r.parts.length + parts.length * times > MAX_PARTS) {
    r.parts = undefined;
    return;
  }
  for (let k = 0; k < times; k++) r.parts.push(...parts);
}

/** Whether the recorded stretch now holds its generation-1 collection (or went wrong: a full one). */
export function periodEnded(e: GcEngine, r: PeriodRecording): boolean {
  return (e.stats[1]?.collections ?? 0) !== r.gen1Before || (e.stats[2]?.collections ?? 0) !== r.gen2Before;
}

/**
 * The period a recording saw, when it is replayable: exactly one generation-1 collection, no
 * full one, a quiet end.
 */
export function finishPeriod(e: GcEngine, r: PeriodRecording, end: number): Period | undefined {
  if (r.spoilt) return undefined;
  const effect = effectSince(e, r.recording, end, 1);
  if (effect?.stats[1]?.collections !== 1 || effect.stats[2]?.collections !== 0) return undefined;
  // The segments must account for every collection and iteration of the period.
  const seen = r.parts;
  const parts =
    seen !== undefined &&
    seen.length === effect.collections &&
    seen.reduce((n, p) => n + p.iterations, 0) === effect.iterations
      ? seen
      : undefined;
  return {
    ...effect,
    pauseNs: 0,
    observedDelta: r.maxObserved - r.startTotal,
    endKey: periodKey(e),
    pauses: r.pauses.map((p) => ({ ...p })),
    parts,
  };
}

/** Memo of periods by key, bounded. */
export class PeriodMemo {
  private readonly periods = new Map<string, Period>();

  get(key: string): Period | undefined {
    return this.periods.get(key);
  }

  set(key: string, period: Period): void {
    if (this.periods.size >= MAX_PERIODS) this.periods.clear();
    this.periods.set(key, period);
  }
}

/** Where replayed periods note their collections: a whole turn's pauses at once, or segment by segment. */
export interface PeriodSink extends BucketSink {
  pauses(pauses: readonly PeriodPause[], times: number, observed: number): void;
  /** The pauses in the histograms only (their order does not matter there). */
  histograms(pauses: readonly PeriodPause[], times: number): void;
}

/**
 * How many turns of a period that ends in its own key can be replayed from now, within `room`
 * iterations (and within the open bucket unless each of its segments has a rate). A turn starts
 * with count1 = 0 and must not find a full collection due: count2 and the long-lived count only
 * grow, so the first turn that would is the limit.
 */
export function periodTurns(e: GcEngine, p: Period, room: number, bucketRoom: number): number {
  const crossable = p.parts?.every((s) => s.rate !== undefined) === true;
  let turns = Math.floor((crossable ? room : Math.min(room, bucketRoom)) / p.iterations);
  if (turns <= 1 || p.rings.some((r) => r.delta < 0)) return Math.min(turns, 1);
  const c2 = e.count[2] ?? 0;
  const t2 = e.threshold[2] ?? 0;
  const due = (k: number) =>
    c2 + k * (p.count[2] ?? 0) > t2 &&
    e.longLivedPending + k * p.longLivedPending >= Math.trunc(e.longLivedTotal / 4);
  let ok = 1;
  while (ok < turns) {
    const mid = Math.floor((ok + turns + 1) / 2);
    if (due(mid - 1)) turns = mid - 1;
    else ok = mid;
  }
  return ok;
}

/**
 * The timeline of `turns` replays of p back to back from iteration `first` (the engine is left to
 * the caller): whole turns within one bucket at once, a turn holding a bucket's end segment by
 * segment (periodTurns and canCross make sure it has its segments), each bucket ending inside
 * closed with the heap there, except one ending at the last iteration.
 */
export function replayPeriodTimeline(
  p: Period,
  turns: number,
  first: number,
  live: number,
  garbage: number,
  sink: PeriodSink,
): void {
  const perTurn = p.dLive + p.dGarbage;
  let l = live;
  let g = garbage;
  for (let k = 0; k < turns; ) {
    const start = first + k * p.iterations;
    const whole = Math.min(turns - k, Math.floor((sink.end() - start + 1) / p.iterations));
    if (whole > 0) {
      // What each collection observes grows by perTurn a turn: the largest is in the first or last.
      sink.pauses(p.pauses, whole, l + g + p.observedDelta + Math.max(0, (whole - 1) * perTurn));
      k += whole;
      l += whole * p.dLive;
      g += whole * p.dGarbage;
    } else {
      sink.histograms(p.pauses, 1);
      replayTimeline(p.parts ?? [], start, l, g, sink, false);
      k++;
      l += p.dLive;
      g += p.dGarbage;
    }
    if (k < turns && sink.end() === first + k * p.iterations - 1) sink.close(l, g);
  }
}
