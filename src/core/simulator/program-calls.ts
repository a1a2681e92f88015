/**
 * Micro-operations shared by the statement shapes of `program.ts` and
 * `program-ring.ts`: the `range()` call of a loop, and when a dict is tracked.
 */
import type { GcEngine } from './engine.js';

/** `for _ in range(n):` — 3.8 builds an argument tuple (from its free list when it can). */
export function rangeCall(e: GcEngine): void {
  if (e.profile.rangeArgsTuple) {
    e.listAlloc('tuple1');
    e.listFree('tuple1');
  }
  e.checkpoint();
}

/** Dicts are created untracked (≤3.13) and tracked when they first hold a container. */
export function dictTrackedAtCreation(e: GcEngine): boolean {
  return e.profile.dictsTrackedAtCreation;
}
