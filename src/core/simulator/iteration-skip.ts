/**
 * Iteration skipping: an iteration that collected nothing, clamped nothing and
 * left the heap's shape as it found it is repeated by arithmetic (its net
 * effect on count[0], generation 0 and the garbage rings, times k) for as many
 * further iterations as provably repeat it exactly: none may cross the
 * threshold, go below zero, or reach a periodic action.
 */
import type { GcEngine } from './engine.js';
import { type RingGroup, ringKey } from './heap-state.js';
import type { Workload } from './workload.js';

export interface Snapshot {
  count0: number;
  collections: number;
  clamps: number;
  shape: string;
  live: [number, number, number, number];
}

export interface IterationEffect {
  dCount: number;
  maxRel: number;
  minRel: number;
  dLive0: number;
  /** Rings the iteration added (each with its count). */
  rings: RingGroup[];
}

export function snapshot(e: GcEngine): Snapshot {
  e.prefixMax = e.count[0];
  e.prefixMin = e.count[0];
  e.ringLog = [];
  return {
    count0: e.count[0],
    collections: e.collectionsTotal,
    clamps: e.clampEvents,
    shape: e.shape(),
    live: [...e.live] as [number, number, number, number],
  };
}

/** What one iteration did, when it can be repeated by arithmetic: no collection, no clamp, same shape after. */
export function effectOf(e: GcEngine, s: Snapshot): IterationEffect | undefined {
  if (e.collectionsTotal !== s.collections || e.clampEvents !== s.clamps || e.scheduled) return undefined;
  if (e.inflight.length > 0 || e.shape() !== s.shape) return undefined;
  if (e.live[1] !== s.live[1] || e.live[2] !== s.live[2] || e.live[3] !== s.live[3]) return undefined;
  return {
    dCount: e.count[0] - s.count0,
    maxRel: e.prefixMax - s.count0,
    minRel: e.prefixMin - s.count0,
    dLive0: e.live[0] - s.live[0],
    rings: e.ringLog ?? [],
  };
}

export function sameEffect(a: IterationEffect, b: IterationEffect): boolean {
  return (
    a.dCount === b.dCount &&
    a.maxRel === b.maxRel &&
    a.minRel === b.minRel &&
    a.dLive0 === b.dLive0 &&
    a.rings.length === b.rings.length &&
    a.rings.every(
      (r, i) =>
        b.rings[i] !== undefined &&
        ringKey(r.type, r.dist, r.finalized) ===
          ringKey(b.rings[i].type, b.rings[i].dist, b.rings[i].finalized) &&
        r.count === b.rings[i].count,
    )
  );
}

/** The first iteration from i on at which a periodic action runs (or the run's end). */
export function quietUntil(workload: Workload, i: number): number {
  let until = workload.iterations;
  for (const action of workload.every) {
    const next = i + ((action.period - 1 - (i % action.period) + action.period) % action.period);
    until = Math.min(until, next);
  }
  return until;
}

/** How many further iterations provably repeat `effect` exactly. */
export function skippable(e: GcEngine, effect: IterationEffect, workload: Workload, i: number): number {
  let k = workload.iterations - i;
  for (const action of workload.every) {
    const next = i + ((action.period - 1 - (i % action.period) + action.period) % action.period);
    k = Math.min(k, next - i);
  }
  const c = e.count[0];
  if (e.canTrigger()) {
    const t0 = e.threshold[0];
    if (c + effect.maxRel > t0) return 0;
    if (effect.dCount > 0) k = Math.min(k, Math.floor((t0 - effect.maxRel - c) / effect.dCount) + 1);
  }
  if (c + effect.minRel < 0) return 0;
  if (effect.dCount < 0) k = Math.min(k, Math.floor((c + effect.minRel) / -effect.dCount) + 1);
  return Math.max(0, k);
}

export function applySkip(e: GcEngine, effect: IterationEffect, k: number): void {
  e.count[0] += effect.dCount * k;
  e.live[0] += effect.dLive0 * k;
  for (const added of effect.rings) {
    const key = ringKey(added.type, added.dist, added.finalized);
    const group = e.rings.get(key);
    if (group) group.count += added.count * k;
    else e.rings.set(key, { ...added, count: added.count * k });
  }
}
