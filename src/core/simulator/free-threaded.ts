/**
 * The free-threaded build's collector (3.13t, 3.14t), modelled from
 * Python/gc_free_threading.c (no such interpreter exists here to measure):
 *
 * - non-generational: every collection scans the whole heap with the world
 *   stopped; automatic ones are booked as generation 0, gc.collect(g) as g;
 * - allocations and deallocations are counted per thread and flushed into the
 *   shared count in steps of ±512 (LOCAL_ALLOC_COUNT_THRESHOLD);
 * - a collection is scheduled (eval breaker) when the count exceeds the
 *   threshold and a quarter of the objects alive after the last collection;
 * - 3.14t also defers a collection unless the heap grew by a tenth (at least
 *   128 KiB, modelled as tracked objects of 64 bytes) or deferred allocations
 *   exceed 40 × threshold (gh-132917).
 */
import { GcEngine } from './engine.js';

const LOCAL_THRESHOLD = 512;
const OBJECT_BYTES = 64;

export class FreeThreadedEngine extends GcEngine {
  private local = 0;
  private deferred = 0;
  private lastHeapBytes = 0;

  override get batchable(): boolean {
    return false;
  }

  override gcAllocQuiet(n: number): void {
    for (let i = 0; i < n; i++) this.gcAlloc();
  }

  override gcFreeMany(n: number): void {
    for (let i = 0; i < n; i++) this.gcFree();
  }

  override prepareRun(): void {
    this.lastHeapBytes = this.heapBytes();
  }

  override gcAlloc(): void {
    this.local++;
    if (this.local >= LOCAL_THRESHOLD) {
      this.count[0] += this.local;
      this.local = 0;
      if (this.count[0] > this.prefixMax) this.prefixMax = this.count[0];
      if (this.shouldCollect() && !this.collecting) this.scheduled = true;
    }
  }

  override gcFree(): void {
    this.local--;
    if (this.local <= -LOCAL_THRESHOLD) {
      this.count[0] += this.local; // no clamp in the free-threaded build
      this.local = 0;
    }
  }

  private shouldCollect(): boolean {
    const count = this.count[0];
    const t0 = this.threshold[0];
    if (!this.enabled || t0 === 0 || count <= t0 || count <= Math.trunc(this.longLivedTotal / 4))
      return false;
    if (this.profile.python !== '3.14t') return true;
    const grown = this.heapBytes() - this.lastHeapBytes;
    if (grown > Math.max(this.lastHeapBytes / 10, 128 * 1024)) return true;
    if (this.deferred > 40 * t0) return true;
    this.deferred += count;
    this.count[0] = 0;
    return false;
  }

  private heapBytes(): number {
    return (this.liveTracked() + this.garbageTracked()) * OBJECT_BYTES;
  }

  override collectGenerations(): void {
    this.fullCollection(0, true);
  }

  override collect(g: number, automatic: boolean, bookAs = g): void {
    this.fullCollection(bookAs, automatic);
  }

  private fullCollection(bookAs: number, automatic: boolean): void {
    super.collect(2, automatic, bookAs);
    this.count[0] = 0;
    this.count[1] = 0;
    this.count[2] = 0;
    this.local = 0;
    this.deferred = 0;
    this.longLivedTotal = this.liveTracked();
    this.longLivedPending = 0;
    this.lastHeapBytes = this.heapBytes();
  }
}
