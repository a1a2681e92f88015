/**
 * One iteration of a workload as the micro-operations the repro script's
 * bytecode performs: allocations (through free-lists where CPython has them),
 * tracking, frees, and eval-breaker checkpoints (which matter from 3.12). Each
 * function mirrors one statement shape of `repro.ts`.
 */
import type { AgedPool } from './aged-pool.js';
import type { GcEngine } from './engine.js';
import type { InFlight, RingType } from './heap-state.js';
import { keepAged, poolFor, storeRing } from './program-aged.js';
import { dictTrackedAtCreation, rangeCall } from './program-calls.js';
import { cycle, type Member, releaseRing } from './program-ring.js';
import type { ObjectKind, Operation, PeriodicAction } from './workload.js';

export interface CompiledOp {
  readonly op: Operation;
  readonly ring?: RingType;
  /** Where objects with a lifetime live (registered with the engine, whose collections move them). */
  readonly pool?: AgedPool;
}

export function compileOps(ops: readonly Operation[], engine?: GcEngine): CompiledOp[] {
  let nextRing = 0;
  return ops.map((op) => {
    const pool = engine ? poolFor(op, engine.profile.collector) : undefined;
    if (pool) engine?.pools.push(pool);
    if (op.op !== 'cycle') return pool ? { op, pool } : { op };
    return {
      op,
      ...(pool ? { pool } : {}),
      ring: {
        id: nextRing++,
        kind: op.kind,
        hasFinalizer: op.finalizer || op.resurrect,
        resurrect: op.resurrect,
      },
    };
  });
}

/** `keep.append(X)` n times, X of a kind. */
function keep(e: GcEngine, n: number, kind: ObjectKind): void {
  rangeCall(e);
  if (
    e.batchable &&
    (kind === 'slotted' || kind === 'list' || (kind === 'dict' && dictTrackedAtCreation(e)))
  ) {
    keepBatch(e, n, kind === 'slotted' ? undefined : kind);
    return;
  }
  for (let k = 0; k < n; k++) {
    if (kind === 'slotted') {
      e.gcAlloc();
      e.live[0]++;
      e.checkpoint();
    } else if (kind === 'list' || (kind === 'dict' && dictTrackedAtCreation(e))) {
      e.listAlloc(kind);
      e.live[0]++;
    } else if (kind === 'dict') {
      e.listAlloc('dict'); // untracked, kept forever: no generation holds it
    } else {
      // o = P(); o.ref = None; keep.append(o)
      e.gcAlloc();
      e.live[0]++;
      e.checkpoint();
      if (e.profile.instanceDict) e.listAlloc('dict'); // the instance dict holds only None: untracked
    }
    e.checkpoint();
  }
}

/**
 * n kept objects allocated one per loop iteration, each tracked at once.
 * Batched: the objects between two triggers are counted in one step.
 */
function keepBatch(e: GcEngine, n: number, freelist: 'list' | 'dict' | undefined): void {
  let remaining = n;
  while (remaining > 0) {
    if (freelist && e.freelists[freelist] > 0) {
      const reuse = Math.min(remaining, e.freelists[freelist]);
      e.freelists[freelist] -= reuse;
      e.live[0] += reuse;
      remaining -= reuse;
      continue;
    }
    const untilTrigger = e.canTrigger() ? Math.max(1, e.threshold[0] - e.count[0] + 1) : remaining + 1;
    if (untilTrigger > remaining) {
      e.count[0] += remaining;
      e.live[0] += remaining;
      if (e.count[0] > e.prefixMax) e.prefixMax = e.count[0];
      return;
    }
    const quiet = untilTrigger - 1;
    e.count[0] += quiet;
    e.live[0] += quiet;
    e.gcAlloc(); // this one crosses the threshold
    e.live[0]++;
    e.checkpoint();
    remaining -= untilTrigger;
  }
}

/** `X` evaluated and dropped, n times. */
function temp(e: GcEngine, n: number, kind: ObjectKind): void {
  rangeCall(e);
  for (let k = 0; k < n; k++) {
    if (
      e.batchable &&
      k > 0 &&
      !(e.count[0] + 1 > e.threshold[0] && e.canTrigger()) &&
      e.freelistSteady(kind)
    ) {
      return; // every remaining object is allocated and freed with no effect
    }
    tempOne(e, kind);
  }
}

function tempOne(e: GcEngine, kind: ObjectKind): void {
  switch (kind) {
    case 'slotted': {
      e.gcAlloc();
      const obj = e.newInFlight(true);
      e.checkpoint(); // CALL S(): the object is on the stack
      e.dropInFlight(obj);
      e.gcFree();
      break;
    }
    case 'plain': {
      e.gcAlloc();
      const obj = e.newInFlight(true);
      e.checkpoint();
      if (e.profile.instanceDict) {
        e.listAlloc('dict');
        e.dropInFlight(obj);
        e.listFree('dict');
      } else {
        e.dropInFlight(obj);
      }
      e.gcFree();
      break;
    }
    case 'list':
    case 'dict': {
      // BUILD_LIST / BUILD_MAP then POP_TOP: no check in between.
      e.listAlloc(kind);
      e.listFree(kind);
      break;
    }
  }
  e.checkpoint(); // the loop's back edge
}

/** `keep.extend(starmap(X, repeat((), n)))`: n objects made inside one C call. */
function bulk(e: GcEngine, n: number, kind: ObjectKind): void {
  // repeat((), n): an argument tuple holding only untracked items, then the repeat object.
  e.listAlloc('tuple2');
  const args1 = e.newInFlight(true, true);
  e.gcAlloc();
  const rep = e.newInFlight(true);
  e.dropInFlight(args1);
  e.listFree('tuple2');
  e.checkpoint();
  // starmap(X, rep): its argument tuple holds the tracked repeat object.
  e.listAlloc('tuple2');
  const args2 = e.newInFlight(true);
  e.gcAlloc();
  const star = e.newInFlight(true);
  e.dropInFlight(args2);
  e.listFree('tuple2');
  e.checkpoint();
  // list.extend() pulls n objects from starmap: X() through type.__call__, no eval-breaker check.
  const tracked = kind !== 'dict' || dictTrackedAtCreation(e);
  if (e.batchable) {
    extendBatched(e, n, tracked);
  } else {
    for (let k = 0; k < n; k++) {
      e.gcAlloc();
      if (tracked) e.live[0]++;
    }
  }
  // starmap and repeat are released before the CALL's check.
  releaseIterators(e, star, rep);
}

/**
 * The n allocations of list.extend() counted between triggers: ≤3.11 collects
 * inside the call at each crossing; 3.12+ only schedules one collection.
 */
function extendBatched(e: GcEngine, n: number, tracked: boolean): void {
  let remaining = n;
  while (remaining > 0) {
    const untilTrigger =
      e.canTrigger() && !e.profile.deferredTrigger
        ? Math.max(1, e.threshold[0] - e.count[0] + 1)
        : remaining + 1;
    if (untilTrigger > remaining) {
      if (
        !e.scheduled &&
        e.canTrigger() &&
        e.profile.deferredTrigger &&
        e.count[0] + remaining > e.threshold[0]
      ) {
        e.scheduled = true;
      }
      e.count[0] += remaining;
      if (tracked) e.live[0] += remaining;
      if (e.count[0] > e.prefixMax) e.prefixMax = e.count[0];
      return;
    }
    const quiet = untilTrigger - 1;
    e.count[0] += quiet;
    if (tracked) e.live[0] += quiet;
    e.gcAlloc();
    if (tracked) e.live[0]++;
    remaining -= untilTrigger;
  }
}

/** starmap and repeat freed when list.extend() returns, then the CALL's eval-breaker check. */
function releaseIterators(e: GcEngine, star: InFlight, rep: InFlight): void {
  e.dropInFlight(star);
  e.dropInFlight(rep);
  e.gcFree();
  e.gcFree();
  e.checkpoint();
}

function periodic(e: GcEngine, action: PeriodicAction): void {
  switch (action.action) {
    case 'collect':
      e.collect(action.generation, false);
      break;
    case 'freeze':
      e.freeze();
      break;
    case 'disable':
      e.enabled = false;
      break;
    case 'enable':
      e.enabled = true;
      break;
    case 'set_threshold': {
      // METH_VARARGS: the arguments arrive as a tuple.
      const list = `tuple${action.thresholds.length}` as 'tuple1' | 'tuple2' | 'tuple3';
      e.listAlloc(list);
      const args = e.newInFlight(true, true);
      action.thresholds.forEach((t, i) => {
        e.threshold[i] = t;
      });
      e.dropInFlight(args);
      e.listFree(list);
      break;
    }
  }
  e.checkpoint();
}

export function runIteration(
  e: GcEngine,
  ops: readonly CompiledOp[],
  every: readonly PeriodicAction[],
  i: number,
): void {
  e.iteration = i;
  const rings: [RingType, Extract<Operation, { op: 'cycle' }>, Member[]][] = [];
  for (const { op, ring, pool } of ops) {
    switch (op.op) {
      case 'keep':
        if (pool) {
          rangeCall(e);
          keepAged(e, pool, op.count);
        } else keep(e, op.count, op.kind);
        break;
      case 'temp':
        temp(e, op.count, op.kind);
        break;
      case 'bulk':
        bulk(e, op.count, op.kind);
        break;
      case 'cycle':
        if (ring && pool) storeRing(e, pool, ring, op, cycle(e, op));
        else if (ring) rings.push([ring, op, cycle(e, op)]);
        break;
    }
  }
  for (const [ring, op, members] of rings) releaseRing(e, ring, op, members);
  for (const action of every) {
    if (i % action.period === action.period - 1) periodic(e, action);
  }
  e.checkpoint(); // the outer loop's back edge
}

/** Start of `run()`: the outer `for i in range(iterations)`. */
export function startRun(e: GcEngine): void {
  rangeCall(e);
}
