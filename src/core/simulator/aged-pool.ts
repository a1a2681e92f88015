/**
 * Objects that live for a while and then die (a ring buffer of slots, a
 * bounded cache dropping its oldest entry). Every collection of generation g
 * moves all objects of generations 0..g together, so an older object always
 * sits in the same or an older generation than a younger one: the pool's
 * members in age order are four runs (permanent, 2, 1, 0). Four counts hold
 * the whole population exactly, whatever its size, and the oldest member's
 * generation is the oldest non-empty run.
 */
import { type Distribution, PERMANENT } from './heap-state.js';

export class AgedPool {
  /** Members per generation (index 3: the permanent generation of gc.freeze()). */
  readonly dist: Distribution = [0, 0, 0, 0];
  total = 0;

  /**
   * @param capacity slots of the ring buffer (members it holds at most once full)
   * @param itemSize tracked objects per slot (a ring of k objects stored by its head)
   */
  constructor(
    readonly capacity: number,
    readonly itemSize: number,
  ) {}

  get full(): boolean {
    return this.total >= this.capacity * this.itemSize;
  }

  /** New members, youngest end. */
  push(add: Distribution): void {
    for (let g = 0; g <= PERMANENT; g++) {
      this.dist[g] = (this.dist[g] ?? 0) + (add[g] ?? 0);
      this.total += add[g] ?? 0;
    }
  }

  pushYoung(n: number): void {
    this.dist[0] += n;
    this.total += n;
  }

  /** Removes the n oldest members and returns where they sat. */
  popOldest(n: number): Distribution {
    const taken: Distribution = [0, 0, 0, 0];
    let left = n;
    for (let g = PERMANENT; g >= 0 && left > 0; g--) {
      const take = Math.min(left, this.dist[g] ?? 0);
      this.dist[g] = (this.dist[g] ?? 0) - take;
      taken[g] = take;
      left -= take;
    }
    this.total -= n - left;
    return taken;
  }

  /** A collection of generation g: members of 0..g move to `old`; returns how many moved. */
  promote(g: number, old: number): number {
    let moved = 0;
    for (let i = 0; i <= g; i++) {
      moved += this.dist[i] ?? 0;
      this.dist[i] = 0;
    }
    this.dist[old] = (this.dist[old] ?? 0) + moved;
    return moved;
  }

  freeze(): void {
    const n = this.dist[0] + this.dist[1] + this.dist[2];
    this.dist[0] = 0;
    this.dist[1] = 0;
    this.dist[2] = 0;
    this.dist[PERMANENT] += n;
  }
}
