/**
 * The incremental collector of CPython 3.14.0 to 3.14.4, modelled from
 * Python/gc.c on CPython's main branch at the time (ca21a0a, 0051397); no such
 * interpreter exists here to measure, so results are "model only".
 *
 * Generation slots are reused: 0 is the young generation, 1 the old "visited"
 * space, 2 the old "pending" space. Every automatic collection is an increment
 * booked as generation 1: all young objects plus whole rings taken from the
 * pending space until the work budget is spent. When the pending space is
 * empty the spaces swap and the next increment only marks what the roots
 * reach (gh-126491). gc.collect() is a full collection booked as generation 2;
 * gc.collect(0) collects the young generation only.
 */
import { GcEngine } from './engine.js';
import { type Distribution, PERMANENT, type RingGroup, ringKey, sumDist } from './heap-state.js';

const SCAN_RATE_DIVISOR = 10;
const YOUNG = 0;
const VISITED = 1;
const PENDING = 2;

export class IncrementalEngine extends GcEngine {
  private workToDo = 0;
  private phase: 'mark' | 'collect' = 'mark';

  override collectGenerations(): void {
    if (this.count[0] > this.threshold[0]) this.increment(true);
  }

  override collect(g: number, automatic: boolean): void {
    if (g === 0) {
      super.collect(0, automatic, 0); // young survivors land in slot 1: the visited space
      this.count[1] = 0;
      return;
    }
    if (g === 1) {
      this.increment(automatic);
      return;
    }
    super.collect(2, automatic, 2);
    this.count[1] = 0;
    this.count[2] = 0;
    this.phase = 'mark';
    this.workToDo = 0;
  }

  private heapSize(): number {
    return this.liveTracked() + this.garbageTracked();
  }

  private increment(automatic: boolean): void {
    const young = this.count[0];
    const scale = Math.max(this.threshold[1], 2);
    const heapFraction = Math.min(
      Math.trunc(this.heapSize() / SCAN_RATE_DIVISOR / scale),
      Math.trunc((young * 3) / 2),
    );
    this.workToDo += young + heapFraction;
    this.count[0] = 0;
    if (this.phase === 'mark') {
      // mark_at_start(): objects reachable from the roots move to the visited space; nothing is collected.
      const marked = this.live[PENDING] ?? 0;
      this.live[VISITED] = (this.live[VISITED] ?? 0) + marked;
      this.live[PENDING] = 0;
      this.workToDo -= marked;
      this.phase = 'collect';
      return;
    }
    // Pull whole rings and live objects from the pending space into the young generation until the budget is spent.
    let budget = Math.max(0, this.workToDo - this.youngTracked());
    const takeLive = Math.min(this.live[PENDING] ?? 0, budget);
    this.live[PENDING] = (this.live[PENDING] ?? 0) - takeLive;
    this.live[YOUNG] = (this.live[YOUNG] ?? 0) + takeLive;
    budget -= takeLive;
    const next = new Map<string, RingGroup>();
    for (const group of this.rings.values()) {
      const pending = group.dist[PENDING];
      const size = sumDist(group.dist, 0, PERMANENT);
      let taken = 0;
      if (pending > 0 && budget > 0 && pending === size) {
        taken = Math.min(group.count, Math.floor(budget / size));
        budget -= taken * size;
      }
      if (taken > 0) this.put(next, group, [size, 0, 0, 0], taken);
      if (group.count - taken > 0) this.put(next, group, group.dist, group.count - taken);
    }
    this.rings = next;
    const incrementSize = this.youngTracked();
    super.collect(0, automatic, 1);
    this.workToDo -= incrementSize;
    this.count[1] = 0;
    if ((this.live[PENDING] ?? 0) === 0 && [...this.rings.values()].every((r) => r.dist[PENDING] === 0)) {
      this.completedScavenge();
    }
  }

  /** Visited becomes pending; the next increment starts with a marking phase. */
  private completedScavenge(): void {
    this.live[PENDING] = this.live[VISITED] ?? 0;
    this.live[VISITED] = 0;
    const next = new Map<string, RingGroup>();
    for (const group of this.rings.values()) {
      const dist: Distribution = [group.dist[0], 0, group.dist[1] + group.dist[2], group.dist[3]];
      this.put(next, group, dist, group.count);
    }
    this.rings = next;
    this.workToDo = 0;
    this.phase = 'mark';
  }

  private youngTracked(): number {
    let n = this.live[YOUNG] ?? 0;
    for (const group of this.rings.values()) n += group.dist[YOUNG] * group.count;
    for (const obj of this.inflight) if (obj.gen === YOUNG) n += obj.n;
    return n;
  }

  private put(map: Map<string, RingGroup>, group: RingGroup, dist: Distribution, count: number): void {
    const key = ringKey(group.type, dist, group.finalized);
    const existing = map.get(key);
    if (existing) existing.count += count;
    else map.set(key, { ...group, dist, count });
  }
}
