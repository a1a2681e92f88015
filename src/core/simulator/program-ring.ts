/**
 * The `cycle` operation: a ring of objects built one by one (or counted in one
 * step when nothing inside it can trigger a collection), kept until the end of
 * the iteration, then dropped as cyclic garbage (or freed by reference
 * counting when the what-if breaks the cycles). Mirrors `repro.ts`.
 */
import type { GcEngine } from './engine.js';
import type { Distribution, InFlight, RingType } from './heap-state.js';
import { dictTrackedAtCreation, rangeCall } from './program-calls.js';
import type { Operation } from './workload.js';

/** How an object of a ring is released when reference counting frees it. */
export type Release = 'gc' | 'list' | 'dict';
export interface Member {
  readonly obj: InFlight;
  readonly release: Release;
}

/**
 * Builds a whole ring in one step when no allocation inside it can reach the
 * threshold: nothing can then observe the members one by one, so counting
 * them together is exact. Returns undefined when the slow path is needed.
 */
function cycleQuiet(e: GcEngine, op: Extract<Operation, { op: 'cycle' }>): Member[] | undefined {
  if (!e.batchable) return undefined;
  const k = op.size;
  const tupleAlloc = k > 1 && e.profile.rangeArgsTuple && e.freelists.tuple1 === 0 ? 1 : 0;
  let allocs = tupleAlloc;
  let listPops = 0;
  let dictPops = 0;
  switch (op.kind) {
    case 'slotted':
      allocs += k;
      break;
    case 'plain':
      allocs += k;
      if (e.profile.instanceDict) {
        dictPops = Math.min(k, e.freelists.dict);
        allocs += k - dictPops;
      }
      break;
    case 'list':
      listPops = Math.min(k, e.freelists.list);
      allocs += k - listPops;
      break;
    case 'dict':
      dictPops = Math.min(k, e.freelists.dict);
      allocs += k - dictPops;
      break;
  }
  if (e.canTrigger() && e.count[0] + allocs > e.threshold[0]) return undefined;
  e.gcAllocQuiet(allocs);
  e.freelists.list -= listPops;
  e.freelists.dict -= dictPops;
  if (tupleAlloc) e.freelists.tuple1 = 1;
  const release: Release = op.kind === 'slotted' || op.kind === 'plain' ? 'gc' : op.kind;
  const members: Member[] = [{ obj: e.newInFlight(true, false, k), release }];
  if (op.kind === 'plain' && e.profile.instanceDict)
    members.push({ obj: e.newInFlight(true, false, k), release: 'dict' });
  return members;
}

/** A ring of `size` objects built one by one; it stays reachable until the end of the iteration. */
export function cycle(e: GcEngine, op: Extract<Operation, { op: 'cycle' }>): Member[] {
  const quiet = cycleQuiet(e, op);
  if (quiet) return quiet;
  const members: Member[] = [];
  const make = () => {
    switch (op.kind) {
      case 'slotted':
      case 'plain': {
        e.gcAlloc();
        const obj = e.newInFlight(true);
        members.push({ obj, release: 'gc' });
        e.checkpoint(); // CALL C()
        return obj;
      }
      case 'list': {
        e.listAlloc('list');
        const obj = e.newInFlight(true);
        members.push({ obj, release: 'list' });
        return obj;
      }
      case 'dict': {
        e.listAlloc('dict');
        const obj = e.newInFlight(dictTrackedAtCreation(e));
        members.push({ obj, release: 'dict' });
        return obj;
      }
    }
  };
  const setRef = (from: InFlight) => {
    if (op.kind === 'plain' && e.profile.instanceDict) {
      e.listAlloc('dict'); // the instance dict, created by the first attribute store, holds a container: tracked
      members.push({ obj: e.newInFlight(true), release: 'dict' });
    } else if (op.kind === 'dict' && from.gen < 0) {
      from.gen = 0; // the dict now holds a container: tracked into generation 0
    }
  };
  const first = make();
  let prev = first;
  if (op.size > 1) {
    rangeCall(e);
    for (let k = 0; k < op.size - 1; k++) {
      const obj = make();
      setRef(prev);
      prev = obj;
      e.checkpoint();
    }
  }
  setRef(prev);
  return members;
}

/**
 * `r = p = o = None`: finished rings become garbage, grouped by where their
 * objects sit. A broken ring (what-if "break-cycles") is freed by reference
 * counting instead, object by object.
 */
export function releaseRing(
  e: GcEngine,
  ring: RingType,
  op: Extract<Operation, { op: 'cycle' }>,
  members: Member[],
): void {
  if (op.broken) {
    for (const { obj, release } of members) {
      e.dropInFlight(obj);
      if (release === 'gc') e.gcFreeMany(obj.n);
      else for (let j = 0; j < obj.n; j++) e.listFree(release);
    }
    return;
  }
  const dist: Distribution = [0, 0, 0, 0];
  for (const { obj } of members) {
    if (obj.gen >= 0) dist[obj.gen] = (dist[obj.gen] ?? 0) + obj.n;
    e.dropInFlight(obj);
  }
  const dictObjects =
    op.kind === 'dict' ? op.size : op.kind === 'plain' && e.profile.instanceDict ? op.size : 0;
  e.addRing(ring, dist, op.kind === 'list' ? op.size : 0, dictObjects);
}
