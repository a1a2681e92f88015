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

/** Beyond this many distinct periods the memo starts again (memory stays bounded). */
const MAX_PERIODS = 1024;

export interface PeriodPause {
  readonly generation: number;
  readonly ns: number;
  times: number;
}

/** A whole period as one generation-1 segment; `observedDelta` is the largest observation's. */
export interface Period extends Segment {
  readonly pauses: readonly PeriodPause[];
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
    recording: startRecording(e, key, start, 0),
    pauses: [],
    startTotal: total,
    maxObserved: Number.NEGATIVE_INFINITY,
    closed: false,
    spoilt: false,
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
  return {
    ...effect,
    pauseNs: 0,
    observedDelta: r.maxObserved - r.startTotal,
    endKey: periodKey(e),
    pauses: r.pauses.map((p) => ({ ...p })),
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
