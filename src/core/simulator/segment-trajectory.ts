/**
 * Replays across timeline buckets. A bucket ends at a fixed iteration and
 * records the live and garbage objects there; a replayed segment used to stop
 * short of a bucket's end, so every bucket cost the run a collection or two
 * step by step and the look-ups to get back into whole periods. Most
 * segments change live and garbage by the same amounts in every iteration
 * before their collection (the same objects are allocated and dropped): then
 * the heap after t of those iterations is the start plus t times that rate,
 * and a bucket ending there is closed with it. The rate is recorded with the
 * segment (only when every such iteration agrees), and a period keeps the
 * segments it consists of, so it can be replayed across buckets too.
 */
import { PERMANENT, type RingGroup, sumDist } from './heap-state.js';
import type { Segment } from './segment-skip.js';

/** Change of live and of garbage tracked objects per iteration before a segment's collection. */
export interface Rate {
  readonly live: number;
  readonly garbage: number;
}

/** Watches the iterations of a segment being recorded, before its collection. */
export class RateTracker {
  private rate: Rate | undefined;
  private linear = true;

  /** One or more iterations that each changed live and garbage by these amounts. */
  add(live: number, garbage: number): void {
    if (!this.linear) return;
    if (!this.rate) this.rate = { live, garbage };
    else if (this.rate.live !== live || this.rate.garbage !== garbage) this.linear = false;
  }

  /** The rate, or undefined when the iterations differed (a segment with none has any rate: zero). */
  result(): Rate | undefined {
    if (!this.linear) return undefined;
    return this.rate ?? { live: 0, garbage: 0 };
  }
}

export interface BucketSink {
  /** The last iteration of the open bucket. */
  end(): number;
  close(live: number, garbage: number): void;
  /** One collection, observing live + garbage right after it. */
  note(generation: number, ns: number, observed: number): void;
  /** The same in the timeline only (the caller adds the pauses to the histograms). */
  mark(generation: number, ns: number, observed: number): void;
}

/**
 * Whether segments replayed back to back from iteration `first` can close every bucket ending
 * inside them: each bucket end before a segment's last iteration needs that segment's rate.
 */
export function canCross(parts: readonly Segment[], first: number, end: number, bucketSize: number): boolean {
  let start = first;
  let next = end;
  for (const p of parts) {
    const last = start + p.iterations - 1;
    if (next < last && !p.rate) return false;
    while (next <= last) next += bucketSize;
    start = last + 1;
  }
  return true;
}

/**
 * The timeline of segments replayed back to back from iteration `first`, starting from `live` and
 * `garbage`: each collection noted in its bucket, each bucket ending inside closed with the heap
 * there, except one ending at the last iteration (the caller closes it from the engine).
 */
export function replayTimeline(
  parts: readonly Segment[],
  first: number,
  live: number,
  garbage: number,
  sink: BucketSink,
  /** False when the caller adds the pauses to the histograms itself (a period: fewer, merged adds). */
  histograms = true,
): void {
  let start = first;
  let l = live;
  let g = garbage;
  for (let n = 0; n < parts.length; n++) {
    const p = parts[n] as Segment;
    const last = start + p.iterations - 1;
    const rate = p.rate ?? { live: 0, garbage: 0 };
    for (let end = sink.end(); end < last; end = sink.end()) {
      const t = end - start + 1;
      sink.close(l + t * rate.live, g + t * rate.garbage);
    }
    if (histograms) sink.note(p.generation, p.pauseNs, l + g + p.observedDelta);
    else sink.mark(p.generation, p.pauseNs, l + g + p.observedDelta);
    l += p.dLive ?? 0;
    g += p.dGarbage ?? 0;
    if (n < parts.length - 1 && sink.end() === last) sink.close(l, g);
    start = last + 1;
  }
}

/** Tracked objects in rings (an iteration's new garbage, from its recorded effect). */
export function ringObjects(rings: readonly RingGroup[]): number {
  let n = 0;
  for (const r of rings) n += sumDist(r.dist, 0, PERMANENT) * r.count;
  return n;
}
