/**
 * CPython's generational collector (3.8 to 3.13, and 3.14.5+) over the
 * count-based heap state: allocation counting with free-lists and the clamp at
 * zero, the in-allocation trigger (≤3.11) and the eval-breaker trigger
 * (3.12+), generation choice with the long-lived heuristic, one collection
 * with finalizers and resurrection, freeze. Semantics follow the CPython
 * sources cited in docs/simulator.md ("How it works, and how exactness is kept").
 */
import type { AgedPool } from './aged-pool.js';
import {
  type Distribution,
  type InFlight,
  PERMANENT,
  type RingGroup,
  type RingType,
  ringKey,
  sumDist,
} from './heap-state.js';
import type { VersionProfile } from './profile.js';

export interface GenerationStats {
  collections: number;
  collected: number;
  uncollectable: number;
}

export interface CollectionEvent {
  readonly iteration: number;
  readonly generation: number;
  /** Tracked objects in the collected generations (what the collector traverses). */
  readonly scanned: number;
  readonly freed: number;
  readonly finalized: number;
  readonly automatic: boolean;
  /** Live and garbage tracked objects right after the collection. */
  readonly liveAfter: number;
  readonly garbageAfter: number;
}

export type FreeList = 'list' | 'dict' | 'tuple1' | 'tuple2' | 'tuple3';

export class GcEngine {
  readonly profile: VersionProfile;
  readonly count: [number, number, number] = [0, 0, 0];
  readonly threshold: [number, number, number];
  enabled = true;
  collecting = false;
  scheduled = false;
  saveall = false;
  longLivedTotal = 0;
  longLivedPending = 0;
  readonly stats: GenerationStats[] = [0, 1, 2].map(() => ({
    collections: 0,
    collected: 0,
    uncollectable: 0,
  }));
  garbage = 0;
  readonly live: Distribution = [0, 0, 0, 0];
  rings = new Map<string, RingGroup>();
  /** Objects with a lifetime (ring buffers, bounded caches), one pool per operation. */
  readonly pools: AgedPool[] = [];
  readonly inflight: InFlight[] = [];
  readonly freelists: Record<FreeList, number> = { list: 0, dict: 0, tuple1: 0, tuple2: 0, tuple3: 0 };
  /** Tracks the running count0 within an iteration, for the skip-ahead. */
  prefixMax = 0;
  prefixMin = 0;
  clampEvents = 0;
  collectionsTotal = 0;
  iteration = 0;
  readonly events: CollectionEvent[] = [];
  /** Called for every collection; the driver keeps pauses and the heap timeline from it. */
  onCollection: ((event: CollectionEvent) => void) | undefined;

  /**
   * Whether runs of allocations may be counted in one step between triggers.
   * Off for the free-threaded build, whose per-thread count buffering makes
   * every allocation matter.
   */
  get batchable(): boolean {
    return true;
  }

  /** Hook for collectors that need set-up after the harness state is built. */
  prepareRun(): void {}

  constructor(profile: VersionProfile, thresholds: readonly [number, number, number]) {
    this.profile = profile;
    this.threshold = [...thresholds] as [number, number, number];
  }

  // ---- allocation counting -------------------------------------------------

  canTrigger(): boolean {
    return this.enabled && this.threshold[0] !== 0 && !this.collecting;
  }

  /** An allocation through the GC allocator: count0 + 1, then the trigger. The new object is not tracked yet. */
  gcAlloc(): void {
    this.count[0]++;
    if (this.count[0] > this.prefixMax) this.prefixMax = this.count[0];
    if (this.count[0] > this.threshold[0] && this.canTrigger()) {
      if (this.profile.deferredTrigger) this.scheduled = true;
      else this.collectGenerations();
    }
  }

  /** Allocation of a free-list type: reuse costs nothing, otherwise a GC allocation. */
  listAlloc(list: FreeList): void {
    if (this.freelists[list] > 0) this.freelists[list]--;
    else this.gcAlloc();
  }

  /** n allocations known not to reach the threshold. */
  gcAllocQuiet(n: number): void {
    this.count[0] += n;
    if (this.count[0] > this.prefixMax) this.prefixMax = this.count[0];
  }

  /** n frees at once (the clamp applies to each). */
  gcFreeMany(n: number): void {
    const applied = Math.min(n, this.count[0]);
    this.count[0] -= applied;
    this.clampEvents += n - applied;
    if (this.count[0] < this.prefixMin) this.prefixMin = this.count[0];
  }

  /** PyObject_GC_Del: count0 - 1, clamped at zero. */
  gcFree(): void {
    if (this.count[0] > 0) {
      this.count[0]--;
      if (this.count[0] < this.prefixMin) this.prefixMin = this.count[0];
    } else {
      this.clampEvents++;
    }
  }

  /** Deallocation of a free-list type: kept for reuse while there is room, else freed. */
  listFree(list: FreeList): void {
    if (this.freelists[list] < this.capacity(list)) this.freelists[list]++;
    else this.gcFree();
  }

  /**
   * Everything a quiet iteration's effect depends on besides count0: two
   * iterations that start with the same shape and reach no threshold and no
   * clamp do exactly the same thing.
   */
  shape(): string {
    const f = this.freelists;
    return `${f.list},${f.dict},${f.tuple1},${f.tuple2},${f.tuple3},${this.enabled ? 1 : 0},${this.threshold[0]},${this.inflight.length}`;
  }

  /** Whether allocating and dropping one object of a kind leaves the free-lists as they are. */
  freelistSteady(kind: 'slotted' | 'plain' | 'list' | 'dict'): boolean {
    if (kind === 'slotted') return true;
    if (kind === 'plain') return !this.profile.instanceDict || this.freelists.dict > 0;
    return this.freelists[kind] > 0;
  }

  capacity(list: FreeList): number {
    if (list === 'list') return this.profile.listFreelist;
    if (list === 'dict') return this.profile.dictFreelist;
    return this.profile.tupleFreelist;
  }

  /** 3.12+: the eval-breaker check at a CALL's end, a loop's back edge or a function's entry. */
  checkpoint(): void {
    if (!this.scheduled) return;
    this.scheduled = false;
    if (this.enabled && !this.collecting) this.collectGenerations();
  }

  // ---- in-flight objects ---------------------------------------------------

  newInFlight(tracked: boolean, untrackableTuple = false, n = 1): InFlight {
    const obj: InFlight = { gen: tracked ? 0 : -1, untrackableTuple, n };
    this.inflight.push(obj);
    return obj;
  }

  dropInFlight(obj: InFlight): void {
    const i = this.inflight.lastIndexOf(obj);
    if (i >= 0) this.inflight.splice(i, 1);
  }

  /** While set, addRing() records what it adds (the skip-ahead reads it). */
  ringLog: RingGroup[] | undefined;

  addRing(type: RingType, dist: Distribution, listObjects: number, dictObjects: number, count = 1): void {
    const key = ringKey(type, dist, false);
    this.ringLog?.push({ type, dist, listObjects, dictObjects, finalized: false, count });
    const group = this.rings.get(key);
    if (group) group.count += count;
    else this.rings.set(key, { type, dist, listObjects, dictObjects, finalized: false, count });
  }

  // ---- collection ------------------------------------------------------------

  /** collect_generations / gc_select_generation: the oldest generation over its threshold, with the long-lived heuristic. */
  collectGenerations(): void {
    for (let g = 2; g >= 0; g--) {
      if ((this.count[g] ?? 0) > (this.threshold[g] ?? 0)) {
        if (g === 2 && this.longLivedPending < Math.trunc(this.longLivedTotal / 4)) continue;
        this.collect(g, true);
        return;
      }
    }
  }

  /**
   * One collection of generation g (collect / gc_collect_main). `bookAs`
   * records it under another generation in gc.get_stats(), as the
   * free-threaded and incremental collectors do.
   */
  collect(g: number, automatic: boolean, bookAs = g): void {
    this.collecting = true;
    if (g + 1 < 3) this.count[g + 1] = (this.count[g + 1] ?? 0) + 1;
    for (let i = 0; i <= g; i++) this.count[i] = 0;
    const old = Math.min(g + 1, 2);
    let scanned = 0;
    let survivors = 0;

    for (let i = 0; i <= g; i++) {
      const n = this.live[i] ?? 0;
      scanned += n;
      survivors += n;
      this.live[i] = 0;
    }
    this.addLive(old, survivors);
    for (const pool of this.pools) {
      const moved = pool.promote(g, old);
      scanned += moved;
      survivors += moved;
    }

    for (const obj of this.inflight) {
      if (obj.gen < 0 || obj.gen > g) continue;
      scanned += obj.n;
      if (obj.untrackableTuple) {
        obj.gen = -1; // untrack_tuples()
      } else {
        obj.gen = old;
        survivors += obj.n;
      }
    }

    // Groups untouched by this collection stay in place; the others are taken out and put back re-keyed.
    const moved: RingGroup[] = [];
    const unreachable: RingGroup[] = [];
    for (const [key, group] of this.rings) {
      const young = sumDist(group.dist, 0, g);
      if (young === 0) continue;
      this.rings.delete(key);
      scanned += young * group.count;
      if (sumDist(group.dist, g + 1, PERMANENT) > 0) {
        // Referenced from an older member: reachable, so its young objects are promoted.
        const dist: Distribution = [group.dist[0], group.dist[1], group.dist[2], group.dist[3]];
        for (let i = 0; i <= g; i++) dist[i] = 0;
        dist[old] = (dist[old] ?? 0) + young;
        survivors += young * group.count;
        moved.push({ ...group, dist });
      } else {
        unreachable.push(group);
      }
    }
    if (g === 1) this.longLivedPending += survivors;
    if (g === 2) {
      this.longLivedPending = 0;
      this.longLivedTotal = survivors;
    }

    let freed = 0;
    let finalized = 0;
    const toOld = (group: RingGroup, finalizedNow: boolean) => {
      const size = sumDist(group.dist, 0, PERMANENT);
      const dist: Distribution = [0, 0, 0, 0];
      dist[old] = size;
      moved.push({ ...group, dist, finalized: finalizedNow });
    };
    const anyResurrects = unreachable.some((r) => r.type.resurrect && !r.finalized);
    for (const group of unreachable) {
      if (group.type.hasFinalizer && !group.finalized) finalized += group.count;
    }
    if (this.profile.resurrectionKeepsAll && anyResurrects) {
      // 3.8 check_garbage(): something was resurrected, so nothing is freed this time.
      for (const group of unreachable) {
        if (group.type.resurrect && !group.finalized) {
          this.addLive(old, sumDist(group.dist, 0, PERMANENT) * group.count);
        } else {
          toOld(group, true);
        }
      }
    } else {
      let listsFreed = 0;
      let dictsFreed = 0;
      for (const group of unreachable) {
        const size = sumDist(group.dist, 0, PERMANENT) * group.count;
        if (group.type.resurrect && !group.finalized) {
          this.addLive(old, size); // handle_resurrected_objects(): kept, reachable from the global
          continue;
        }
        freed += size;
        if (this.saveall) {
          this.garbage += size;
          this.addLive(old, size); // DEBUG_SAVEALL: kept in gc.garbage
        } else {
          listsFreed += group.listObjects * group.count;
          dictsFreed += group.dictObjects * group.count;
        }
      }
      for (let i = 0; i < listsFreed && this.freelists.list < this.profile.listFreelist; i++)
        this.freelists.list++;
      for (let i = 0; i < dictsFreed && this.freelists.dict < this.profile.dictFreelist; i++)
        this.freelists.dict++;
    }
    for (const group of moved) {
      const key = ringKey(group.type, group.dist, group.finalized);
      const existing = this.rings.get(key);
      if (existing) existing.count += group.count;
      else this.rings.set(key, group);
    }

    if (g === 2) {
      // clear_freelists() / _PyGC_ClearAllFreeLists() after a full collection.
      for (const key of Object.keys(this.freelists) as FreeList[]) this.freelists[key] = 0;
    }
    const stats = this.stats[bookAs];
    if (stats) {
      stats.collections++;
      stats.collected += freed;
    }
    this.collectionsTotal++;
    this.collecting = false;
    if (this.onCollection) {
      this.onCollection({
        iteration: this.iteration,
        generation: bookAs,
        scanned,
        freed,
        finalized,
        automatic,
        liveAfter: this.liveTracked(),
        garbageAfter: this.garbageTracked(),
      });
    }
  }

  /** gc.freeze(): every generation into the permanent one; counts reset. */
  freeze(): void {
    for (let g = 0; g <= 2; g++) {
      this.live[PERMANENT] += this.live[g] ?? 0;
      this.live[g] = 0;
    }
    for (const obj of this.inflight) if (obj.gen >= 0 && obj.gen <= 2) obj.gen = PERMANENT;
    for (const pool of this.pools) pool.freeze();
    const next = new Map<string, RingGroup>();
    for (const group of this.rings.values()) {
      const dist: Distribution = [0, 0, 0, sumDist(group.dist, 0, PERMANENT)];
      const key = ringKey(group.type, dist, group.finalized);
      const existing = next.get(key);
      if (existing) existing.count += group.count;
      else next.set(key, { ...group, dist });
    }
    this.rings = next;
    this.count[0] = 0;
    this.count[1] = 0;
    this.count[2] = 0;
  }

  addLive(gen: number, n: number): void {
    this.live[gen] = (this.live[gen] ?? 0) + n;
  }

  liveTracked(): number {
    let n = this.live[0] + this.live[1] + this.live[2] + this.live[3];
    for (const obj of this.inflight) if (obj.gen >= 0) n += obj.n;
    for (const pool of this.pools) n += pool.total;
    return n;
  }

  garbageTracked(): number {
    let n = 0;
    for (const group of this.rings.values()) n += sumDist(group.dist, 0, PERMANENT) * group.count;
    return n;
  }
}
