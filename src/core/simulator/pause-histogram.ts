/**
 * Pause distribution in bounded memory: log buckets 1% wide (percentiles within
 * 1%), with the exact count, total and maximum.
 */
const GROWTH = Math.log(1.01);
const MIN_NS = 100;

export class PauseHistogram {
  private readonly buckets = new Map<number, number>();
  count = 0;
  maxNs = 0;
  /**
   * The total in whole hundredths of a nanosecond: integer sums are exact (below 2^53 units,
   * 25 hours of pauses), so adding one pause n times or n pauses one by one gives the same total,
   * and the simulator may replay repeated collections in one step without changing a figure.
   */
  private totalCentiNs = 0;

  get totalNs(): number {
    return this.totalCentiNs / 100;
  }

  add(ns: number, times = 1): void {
    const index = ns <= MIN_NS ? 0 : Math.ceil(Math.log(ns / MIN_NS) / GROWTH);
    this.buckets.set(index, (this.buckets.get(index) ?? 0) + times);
    this.count += times;
    this.totalCentiNs += Math.round(ns * 100) * times;
    if (ns > this.maxNs) this.maxNs = ns;
  }

  /** The pause below which a fraction q of the pauses fall (upper bucket bound, capped at the maximum). */
  quantileNs(q: number): number {
    if (this.count === 0) return 0;
    const target = Math.max(1, Math.ceil(q * this.count));
    let seen = 0;
    for (const index of [...this.buckets.keys()].sort((a, b) => a - b)) {
      seen += this.buckets.get(index) ?? 0;
      if (seen >= target) return Math.min(this.maxNs, MIN_NS * Math.exp(index * GROWTH));
    }
    return this.maxNs;
  }
}
