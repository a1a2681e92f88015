/**
 * Operations whose objects live for a while: `keep` with a lifetime (a ring
 * buffer of slots, each object dropped when its slot is reused), and cycles
 * with a lifetime or a bounded cache of rings (the ring becomes cyclic
 * garbage when its slot is reused). Each function mirrors one statement shape
 * of `repro-aged.ts`.
 */
import { GcIncidentError } from '../errors.js';
import { AgedPool } from './aged-pool.js';
import type { GcEngine } from './engine.js';
import type { Distribution, InFlight, RingType } from './heap-state.js';
import type { Operation } from './workload.js';

type CycleOp = Extract<Operation, { op: 'cycle' }>;

/** The pool an operation's objects live in, or undefined for objects kept forever or dropped at once. */
export function poolFor(op: Operation, collector: string): AgedPool | undefined {
  if (op.op !== 'keep' && op.op !== 'cycle') return undefined;
  if (op.slots === undefined) return undefined;
  if (collector === 'incremental') {
    throw new GcIncidentError(
      'WORKLOAD_INVALID',
      'lifetimes and caches are not modelled for the incremental collector (3.14-incremental): simulate the workload on 3.14 or 3.13',
      { collector },
    );
  }
  // A broken ring leaves only its head in the slot: the rest is freed by reference counting.
  const itemSize = op.op === 'cycle' && !op.broken ? op.size : 1;
  return new AgedPool(op.slots, itemSize);
}

/**
 * `ring[pos] = S(); pos += 1; if pos == SLOTS: pos = 0`, n times. The new
 * object exists before the store drops the one it replaces, so a collection
 * triggered by the allocation still sees the old one alive.
 */
export function keepAged(e: GcEngine, pool: AgedPool, n: number): void {
  let remaining = n;
  while (remaining > 0) {
    if (e.batchable && !e.scheduled) {
      const quiet = e.canTrigger() ? e.threshold[0] - e.count[0] : Number.POSITIVE_INFINITY;
      const room = pool.capacity - pool.total;
      if (room > 0) {
        // Filling: plain allocations, none reaching the threshold.
        const q = Math.min(remaining, room, Math.max(0, quiet));
        if (q > 0) {
          e.gcAllocQuiet(q);
          pool.pushYoung(q);
          remaining -= q;
          continue;
        }
      } else if (quiet >= 1) {
        // Full: each allocation is followed by a free, so count0 only steps up by one and back.
        e.gcAllocQuiet(1);
        e.count[0] -= 1;
        pool.pushYoung(remaining);
        pool.popOldest(remaining);
        return;
      }
    }
    e.gcAlloc();
    pool.pushYoung(1);
    e.checkpoint(); // CALL S()
    if (pool.total > pool.capacity) {
      pool.popOldest(1);
      e.gcFree();
    }
    e.checkpoint(); // the loop's back edge
    remaining--;
  }
}

interface Member {
  readonly obj: InFlight;
}

/**
 * `ring[pos] = r; …; r = p = o = None` right after the ring is closed: the
 * ring moves into its slot, and the ring the slot held becomes garbage (or,
 * broken, its head is freed; the rest of a broken ring was freed at once).
 */
export function storeRing(e: GcEngine, pool: AgedPool, ring: RingType, op: CycleOp, members: Member[]): void {
  if (op.broken) {
    const head = members[0]?.obj.gen ?? 0;
    for (const { obj } of members) e.dropInFlight(obj);
    const dist: Distribution = [0, 0, 0, 0];
    dist[Math.max(0, head)] = 1;
    pool.push(dist);
    const frees = op.size - 1 + (pool.total > pool.capacity ? 1 : 0);
    if (pool.total > pool.capacity) pool.popOldest(1);
    e.gcFreeMany(frees);
    return;
  }
  const dist: Distribution = [0, 0, 0, 0];
  for (const { obj } of members) {
    if (obj.gen >= 0) dist[obj.gen] = (dist[obj.gen] ?? 0) + obj.n;
    e.dropInFlight(obj);
  }
  pool.push(dist);
  if (pool.total > pool.capacity * pool.itemSize) {
    e.addRing(ring, pool.popOldest(op.size), 0, 0);
  }
}
