/**
 * The heap timeline of a run: buckets of equal iterations, each closed with
 * the live and garbage tracked objects at its last iteration, the highest
 * live + garbage observed in it (at collections and at its end), its
 * collections and its longest pause. Replays may close buckets with values
 * they computed (segment-trajectory.ts) rather than read from the engine.
 */

export interface TimelinePoint {
  /** Last iteration of this bucket. */
  readonly iteration: number;
  /** Tracked live objects at the end of the bucket. */
  readonly live: number;
  /** Tracked garbage (rings not yet collected) at the end of the bucket. */
  readonly garbage: number;
  /** Highest live + garbage seen in the bucket. */
  readonly peak: number;
  /** Collections in the bucket per generation. */
  readonly collections: [number, number, number];
  /** The longest modelled pause in the bucket, and its generation. */
  readonly maxPauseMs: number;
  readonly maxPauseGeneration: number;
}

interface OpenBucket {
  peak: number;
  readonly collections: [number, number, number];
  maxPause: number;
  maxGen: number;
}

function openBucket(): OpenBucket {
  return { peak: 0, collections: [0, 0, 0], maxPause: 0, maxGen: 0 };
}

export class Timeline {
  readonly points: TimelinePoint[] = [];
  /** Highest live + garbage observed in the whole run. */
  peak = 0;
  private bucket = openBucket();

  constructor(
    private readonly bucketSize: number,
    private readonly iterations: number,
  ) {}

  /** The last iteration of the open bucket. */
  end(): number {
    return (this.points.length + 1) * this.bucketSize - 1;
  }

  observe(total: number): void {
    if (total > this.bucket.peak) this.bucket.peak = total;
    if (total > this.peak) this.peak = total;
  }

  /** `times` collections of one generation with one pause (the first longest pause names the generation). */
  collection(generation: number, ns: number, times: number): void {
    const b = this.bucket;
    b.collections[generation] = (b.collections[generation] ?? 0) + times;
    if (ns > b.maxPause) {
      b.maxPause = ns;
      b.maxGen = generation;
    }
  }

  /** Closes the open bucket with the heap at its last iteration. */
  close(live: number, garbage: number): void {
    this.observe(live + garbage);
    const b = this.bucket;
    this.points.push({
      iteration: Math.min(this.end(), this.iterations - 1),
      live,
      garbage,
      peak: b.peak,
      collections: b.collections,
      maxPauseMs: b.maxPause / 1e6,
      maxPauseGeneration: b.maxGen,
    });
    this.bucket = openBucket();
  }
}

/**
 * The heap's figures over the points up to `upTo` iterations (all of them when undefined). The
 * bucket that holds iteration upTo − 1 is kept and ends there, as the last bucket of a run of
 * upTo iterations does, so a cut run has as many points as that run.
 */
export function heapFigures(
  timeline: Timeline,
  upTo: number | undefined,
  final: number,
): { peak: number; steady: number; final: number; timeline: TimelinePoint[] } {
  const cut = upTo !== undefined && (timeline.points.at(-1)?.iteration ?? 0) > upTo - 1;
  const kept = cut ? timeline.points.findIndex((p) => p.iteration >= upTo - 1) + 1 : timeline.points.length;
  const points = cut
    ? timeline.points.slice(0, kept).map((p, i) => (i === kept - 1 ? { ...p, iteration: upTo - 1 } : p))
    : timeline.points;
  const lastThird = points.slice(Math.floor((points.length * 2) / 3));
  const steady =
    lastThird.length > 0
      ? Math.round(lastThird.reduce((s, p) => s + p.live + p.garbage, 0) / lastThird.length)
      : 0;
  const last = points.at(-1);
  return {
    peak: cut ? Math.max(0, ...points.map((p) => p.peak)) : timeline.peak,
    steady,
    final: cut && last ? last.live + last.garbage : final,
    timeline: points,
  };
}
