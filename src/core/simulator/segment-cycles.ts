/**
 * Cycles of segments: generation-0 segments whose end keys lead back to the
 * key they started from (A → B → A: a ring left straddling each collection,
 * then none). Replaying the cycle r times in one step is exact while the
 * collector picks generation 0 before every segment of every turn: each turn
 * sets the young state to the same values and adds the same amounts to the
 * older generations (the sum of its segments' amounts). What each collection
 * observes grows by the same amount per turn, so the largest is in the first
 * or the last turn.
 */
import type { GcEngine } from './engine.js';
import type { RingGroup } from './heap-state.js';
import { fullCollectionDue, type Segment } from './segment-skip.js';

/** Longest cycle looked for. */
const MAX_CYCLE = 8;

export interface SegmentCycle {
  readonly segments: readonly Segment[];
  readonly iterations: number;
  /** The whole turn as one segment (generation 0, its end key the start key). */
  readonly turn: Segment;
  /** The largest count1 added before one of its segments starts, from the turn's start. */
  readonly maxPrefixCount1: number;
}

/** The cycle of generation-0 segments from `key` back to it, if there is one within MAX_CYCLE. */
export function findCycle(key: string, get: (key: string) => Segment | undefined): SegmentCycle | undefined {
  const segments: Segment[] = [];
  let at: string | undefined = key;
  for (let n = 0; n < MAX_CYCLE; n++) {
    const s: Segment | undefined = at === undefined ? undefined : get(at);
    if (s?.generation !== 0 || s.endKey === undefined || (s.count[2] ?? 0) !== 0) return undefined;
    segments.push(s);
    at = s.endKey;
    if (at === key) return compose(segments);
  }
  return undefined;
}

function compose(segments: Segment[]): SegmentCycle {
  const last = segments.at(-1) as Segment;
  const rings = new Map<string, { key: string; delta: number; group: RingGroup }>();
  const stats = last.stats.map(() => ({ collections: 0, collected: 0, uncollectable: 0 }));
  const count: [number, number, number] = [last.count[0], 0, 0];
  const live: [number, number, number, number] = [last.live[0], 0, 0, 0];
  let iterations = 0;
  let clamps = 0;
  let longLivedPending = 0;
  let prefix = 0;
  let dLive = 0;
  let dGarbage = 0;
  let maxPrefixCount1 = 0;
  for (const s of segments) {
    maxPrefixCount1 = Math.max(maxPrefixCount1, prefix);
    prefix += s.count[1];
    iterations += s.iterations;
    count[1] += s.count[1];
    count[2] += s.count[2];
    for (let i = 1; i < 4; i++) live[i] = (live[i] ?? 0) + (s.live[i] ?? 0);
    for (const r of s.rings) {
      const sum = rings.get(r.key);
      if (sum) sum.delta += r.delta;
      else rings.set(r.key, { ...r });
    }
    s.stats.forEach((d, i) => {
      const to = stats[i];
      if (!to) return;
      to.collections += d.collections;
      to.collected += d.collected;
      to.uncollectable += d.uncollectable;
    });
    clamps += s.clamps;
    longLivedPending += s.longLivedPending;
    dLive += s.dLive;
    dGarbage += s.dGarbage;
  }
  return {
    segments,
    iterations,
    maxPrefixCount1,
    turn: {
      iterations,
      generation: 0,
      count,
      live,
      freelists: last.freelists,
      rings: [...rings.values()].filter((r) => r.delta !== 0),
      stats,
      clamps,
      longLivedPending,
      pauseNs: 0,
      observedDelta: 0,
      endKey: last.endKey,
      collections: segments.length,
      dLive,
      dGarbage,
    },
  };
}

/**
 * How many whole turns of `cycle` can be replayed from now (the state has its start key and
 * the collector picks generation 0), within `iterations`.
 */
export function repeatableTurns(e: GcEngine, cycle: SegmentCycle, iterations: number): number {
  let k = Math.floor(iterations / cycle.iterations);
  if (k < 1) return 0;
  // Turns of generation-0 segments leave count2 and the long-lived figures as they are.
  if (fullCollectionDue(e)) return 0;
  const c1 = e.count[1] ?? 0;
  const t1 = e.threshold[1] ?? 0;
  if (c1 + cycle.maxPrefixCount1 > t1) return 0;
  const d1 = cycle.turn.count[1];
  // Before the last turn's segments: c1 + (k - 1) * d1 + maxPrefix <= t1.
  if (d1 > 0) k = Math.min(k, Math.floor((t1 - c1 - cycle.maxPrefixCount1) / d1) + 1);
  for (const { key, delta } of cycle.turn.rings) {
    if (delta >= 0) continue;
    const count = e.rings.get(key)?.count ?? 0;
    k = Math.min(k, Math.ceil(count / -delta) - 1);
  }
  return Math.max(0, k);
}
