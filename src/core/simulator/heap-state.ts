/**
 * The collector's state, held as counts rather than objects: settled live
 * objects per generation, garbage rings grouped by where their members sit,
 * and the few objects in flight inside the current statement. Memory stays
 * bounded whatever the number of simulated objects.
 */
import type { ObjectKind } from './workload.js';

/** Generation indices: 0, 1, 2, and the permanent generation of gc.freeze(). */
export const PERMANENT = 3;
export type Distribution = [number, number, number, number];

export interface RingType {
  readonly id: number;
  readonly kind: ObjectKind;
  /** The ring has objects whose __del__ has not run (finalizer or resurrect). */
  readonly hasFinalizer: boolean;
  /** The first member's __del__ stores it in a global: the ring is resurrected. */
  readonly resurrect: boolean;
}

export interface RingGroup {
  readonly type: RingType;
  /** Tracked objects of one ring, per generation. */
  readonly dist: Distribution;
  /** Freed objects per ring that go back to a free list: list objects, and dicts (dict kind, or instance dicts). */
  readonly listObjects: number;
  readonly dictObjects: number;
  /** 3.8: finalizers already ran in a collection that kept the ring alive. */
  readonly finalized: boolean;
  count: number;
}

/** An object that exists only within the current statement or ring under construction. */
export interface InFlight {
  /** -1 while untracked. */
  gen: number;
  /** How many identical objects this entry stands for (a ring built in one step). */
  readonly n: number;
  /** A tuple holding only untracked items: untrack_tuples() removes it during a collection. */
  readonly untrackableTuple: boolean;
}

export function ringKey(type: RingType, dist: Distribution, finalized: boolean): string {
  return `${type.id}|${dist.join(',')}|${finalized ? 1 : 0}`;
}

export function sumDist(dist: Distribution, from: number, to: number): number {
  let total = 0;
  for (let g = from; g <= to; g++) total += dist[g] ?? 0;
  return total;
}
