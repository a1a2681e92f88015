/**
 * Skipping whole collections: the stretch of iterations from a quiet start up
 * to the end of the iteration that holds the next collection (a segment) does
 * exactly the same thing every time it starts from the same young state. The
 * iteration skip-ahead (simulate.ts) removes the work between collections; this
 * removes the per-collection work too, so a run costs in proportion to the
 * number of distinct segments rather than the number of collections.
 *
 * What a segment collecting generation g reads: count0, the free-lists, the
 * thresholds and enabled flag (the engine's shape), the live objects of
 * generations 0..g, the garbage rings with a member in 0..g, and which
 * generation the collection will pick (from count1, count2 and the long-lived
 * heuristic). All of it is in the key. Everything older is only added to
 * (promotion, the next generation's count, stats, long-lived pending), so a
 * recorded segment is replayed as: absolute values for what the key
 * determines, deltas for the rest. A full collection reads the whole heap (it
 * resets the long-lived total from it and clears the free-lists): its key is
 * the whole state, so it is replayed only where that recurs.
 */
import type { GcEngine } from './engine.js';
import { PERMANENT, type RingGroup, sumDist } from './heap-state.js';
import { findCycle, type SegmentCycle } from './segment-cycles.js';
import type { Rate } from './segment-trajectory.js';

/** Beyond this many distinct segments the memo starts again (memory stays bounded). */
const MAX_SEGMENTS = 4096;
const MAX_FULL = 64;

export interface Segment {
  readonly iterations: number;
  readonly generation: number;
  /** count[i] after the segment for i ≤ generation; count[i] added for older ones. */
  readonly count: readonly [number, number, number];
  /** live[i] after for i ≤ generation; added for older generations and the permanent one. */
  readonly live: readonly [number, number, number, number];
  readonly freelists: Readonly<GcEngine['freelists']>;
  /** Ring groups by key: how many more (or fewer) after the segment, with their shape for new keys. */
  readonly rings: readonly { readonly key: string; readonly delta: number; readonly group: RingGroup }[];
  readonly stats: readonly { collections: number; collected: number; uncollectable: number }[];
  readonly clamps: number;
  readonly longLivedPending: number;
  /** The collection's modelled pause, and live + garbage right after it minus at the segment's start. */
  readonly pauseNs: number;
  readonly observedDelta: number;
  /** The key of the state it ends in, when that is a generation-0 key (the young state alone). */
  readonly endKey: string | undefined;
  /** Collections it holds (several for a whole cycle of segments, segment-cycles.ts). */
  readonly collections?: number;
  /** Live and garbage tracked objects at its end minus at its start. */
  readonly dLive: number;
  readonly dGarbage: number;
  /** Their change per iteration before its collection, when every such iteration agrees (segment-trajectory.ts). */
  readonly rate?: Rate | undefined;
  /** After a full collection: the long-lived total it set. */
  readonly longLivedTotal?: number | undefined;
}

export interface Recording {
  readonly key: string;
  readonly start: number;
  readonly before: EngineState;
}

interface EngineState {
  readonly count: [number, number, number];
  readonly live: [number, number, number, number];
  readonly rings: Map<string, RingGroup>;
  readonly stats: { collections: number; collected: number; uncollectable: number }[];
  readonly clamps: number;
  readonly collections: number;
  readonly longLivedPending: number;
  readonly liveTotal: number;
  readonly garbageTotal: number;
  readonly total: number;
}

/** The generation collectGenerations() would pick now (-1: none is over its threshold). */
export function nextGeneration(e: GcEngine): number {
  if (fullCollectionDue(e)) return 2;
  return (e.count[1] ?? 0) > (e.threshold[1] ?? 0) ? 1 : 0;
}

/**
 * Whether the next collection would be a full one: count2 over its threshold and the long-lived
 * heuristic met. Generation-0 and -1 collections leave both as they are until the generation-1
 * collection itself, so this holds or not for a whole generation-1 period.
 */
export function fullCollectionDue(e: GcEngine): boolean {
  return (e.count[2] ?? 0) > (e.threshold[2] ?? 0) && e.longLivedPending >= Math.trunc(e.longLivedTotal / 4);
}

/** The segment's key, or undefined where the state cannot start a replayable segment. */
export function segmentKey(e: GcEngine): string | undefined {
  const g = nextGeneration(e);
  if (g < 2) return youngKey(e, g);
  // A full collection reads the whole heap and the long-lived figures: its key is the whole
  // state. It recurs where each full collection leaves the heap as the last one did (churn).
  const young = youngKey(e, 2);
  return young === undefined
    ? undefined
    : `${young}|${e.count[1]},${e.count[2]},${e.live[2]},${e.live[3]},${e.longLivedTotal},${e.longLivedPending}`;
}

/**
 * The young state up to generation g (count0, and count1 for g = 1, the thresholds, the shape,
 * live objects and rings with a member in 0..g), or undefined when the state is not quiet.
 */
export function youngKey(e: GcEngine, g: number): string | undefined {
  if (e.scheduled || e.collecting || e.inflight.length > 0 || e.saveall) return undefined;
  let young = '';
  for (const [key, group] of e.rings) if (sumDist(group.dist, 0, g) > 0) young += `;${key}*${group.count}`;
  const live = g === 0 ? `${e.live[0]}` : `${e.live[0]},${e.live[1]}`;
  return `${g}|${e.count[0]}${g === 1 ? `,${e.count[1]}` : ''}|${e.threshold[1]},${e.threshold[2]}|${e.shape()}|${live}|${young}`;
}

export function startRecording(e: GcEngine, key: string, start: number): Recording {
  return { key, start, before: stateOf(e) };
}

/**
 * The segment a recording saw, when it is replayable: exactly one collection,
 * of the generation the key named, and a quiet end (nothing in flight, nothing
 * scheduled).
 */
export function finishRecording(
  e: GcEngine,
  recording: Recording,
  end: number,
  pauseNs: number,
  /** live + garbage right after the collection, as the driver observed it. */
  observedAtCollection: number,
  rate: Rate | undefined,
): Segment | undefined {
  const g = Number(recording.key.slice(0, recording.key.indexOf('|')));
  if (e.collectionsTotal !== recording.before.collections + 1) return undefined;
  const effect = effectSince(e, recording, end, g);
  if (!effect || (effect.stats[g]?.collections ?? 0) !== 1) return undefined;
  return {
    ...effect,
    pauseNs,
    observedDelta: observedAtCollection - recording.before.total,
    endKey: nextGeneration(e) === 0 ? segmentKey(e) : undefined,
    rate,
  };
}

/**
 * What the engine did since a recording started, as a segment of generation g (absolute values
 * for generations 0..g, deltas for the older ones), when it ends quiet.
 */
export function effectSince(
  e: GcEngine,
  recording: Recording,
  end: number,
  g: number,
): Omit<Segment, 'pauseNs' | 'observedDelta' | 'endKey' | 'rate'> | undefined {
  const b = recording.before;
  if (e.scheduled || e.inflight.length > 0) return undefined;
  const stats = e.stats.map((s, i) => {
    const was = b.stats[i] ?? { collections: 0, collected: 0, uncollectable: 0 };
    return {
      collections: s.collections - was.collections,
      collected: s.collected - was.collected,
      uncollectable: s.uncollectable - was.uncollectable,
    };
  });
  const rings: { key: string; delta: number; group: RingGroup }[] = [];
  for (const [key, group] of e.rings) {
    const delta = group.count - (b.rings.get(key)?.count ?? 0);
    if (delta !== 0) rings.push({ key, delta, group: { ...group, count: 0 } });
  }
  for (const [key, group] of b.rings) {
    if (!e.rings.has(key)) rings.push({ key, delta: -group.count, group: { ...group, count: 0 } });
  }
  return {
    iterations: end - recording.start,
    generation: g,
    count: [0, 1, 2].map((i) => (i <= g ? at(e.count, i) : at(e.count, i) - at(b.count, i))) as [
      number,
      number,
      number,
    ],
    live: [0, 1, 2, PERMANENT].map((i) => (i <= g ? at(e.live, i) : at(e.live, i) - at(b.live, i))) as [
      number,
      number,
      number,
      number,
    ],
    freelists: { ...e.freelists },
    rings,
    stats,
    clamps: e.clampEvents - b.clamps,
    longLivedPending: e.longLivedPending - b.longLivedPending,
    collections: e.collectionsTotal - b.collections,
    dLive: e.liveTracked() - b.liveTotal,
    dGarbage: e.garbageTracked() - b.garbageTotal,
    longLivedTotal: g === 2 ? e.longLivedTotal : undefined,
  };
}

/**
 * Applies a recorded segment to a state with its key. Returns live + garbage
 * right after its collection, and the key of the state it leaves when that key
 * is known without looking (see `endKey`).
 */
export function applySegment(
  e: GcEngine,
  s: Segment,
  lastIteration: number,
  /** Back to back, when `repeatable` allows it (each one's observation: see `repeatable`). */
  times = 1,
): { observed: number; next: string | undefined } {
  const observed = e.liveTracked() + e.garbageTracked() + s.observedDelta;
  const g = s.generation;
  for (let i = 0; i < 3; i++) e.count[i] = i <= g ? at(s.count, i) : at(e.count, i) + at(s.count, i) * times;
  for (let i = 0; i <= PERMANENT; i++)
    e.live[i] = i <= g ? at(s.live, i) : at(e.live, i) + at(s.live, i) * times;
  Object.assign(e.freelists, s.freelists);
  for (const { key, delta, group } of s.rings) {
    const existing = e.rings.get(key);
    const count = (existing?.count ?? 0) + delta * times;
    if (count === 0) e.rings.delete(key);
    else if (existing) existing.count = count;
    else e.rings.set(key, { ...group, count });
  }
  for (let i = 0; i < s.stats.length; i++) {
    const stats = e.stats[i];
    const d = s.stats[i];
    if (!stats || !d) continue;
    stats.collections += d.collections * times;
    stats.collected += d.collected * times;
    stats.uncollectable += d.uncollectable * times;
  }
  e.clampEvents += s.clamps * times;
  e.longLivedPending += s.longLivedPending * times;
  if (s.longLivedTotal !== undefined) e.longLivedTotal = s.longLivedTotal;
  e.collectionsTotal += (s.collections ?? 1) * times;
  e.iteration = lastIteration;
  // A generation-0 key holds only the young state, which the segment set: it is the recorded
  // end key whenever the collector would still pick generation 0 next.
  return { observed, next: s.endKey !== undefined && nextGeneration(e) === 0 ? s.endKey : undefined };
}

/** Memo of segments by key, bounded, and of the cycles they form. */
export class SegmentMemo {
  private readonly segments = new Map<string, Segment>();
  /** Full collections apart: where the heap keeps changing they never recur, and must not crowd out the others. */
  private readonly full = new Map<string, Segment>();
  private readonly cycles = new Map<string, SegmentCycle | null>();

  get(key: string): Segment | undefined {
    return key.startsWith('2|') ? this.full.get(key) : this.segments.get(key);
  }

  set(key: string, segment: Segment): void {
    if (segment.generation === 2) {
      if (this.full.size >= MAX_FULL) this.full.clear();
      this.full.set(key, segment);
      return;
    }
    if (this.segments.size >= MAX_SEGMENTS) this.segments.clear();
    this.segments.set(key, segment);
    this.cycles.clear();
  }

  /** The cycle of segments from `key` back to it (see segment-cycles.ts). */
  cycleFrom(key: string): SegmentCycle | undefined {
    let cycle = this.cycles.get(key);
    if (cycle === undefined) {
      cycle = findCycle(key, (k) => this.segments.get(k)) ?? null;
      this.cycles.set(key, cycle);
    }
    return cycle ?? undefined;
  }
}

function at(values: readonly number[], i: number): number {
  return values[i] ?? 0;
}

function stateOf(e: GcEngine): EngineState {
  const rings = new Map<string, RingGroup>();
  for (const [key, group] of e.rings) rings.set(key, { ...group });
  const liveTotal = e.liveTracked();
  const garbageTotal = e.garbageTracked();
  return {
    count: [...e.count] as [number, number, number],
    live: [...e.live] as [number, number, number, number],
    rings,
    stats: e.stats.map((s) => ({ ...s })),
    clamps: e.clampEvents,
    collections: e.collectionsTotal,
    longLivedPending: e.longLivedPending,
    liveTotal,
    garbageTotal,
    total: liveTotal + garbageTotal,
  };
}
