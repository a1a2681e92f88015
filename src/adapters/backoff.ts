/** Full-jitter exponential backoff for write races between replicas (1 ms doubling, capped at 100 ms). */
export function jitteredBackoff(random: () => number = Math.random): (attempt: number) => Promise<void> {
  return (attempt) => new Promise((resolve) => setTimeout(resolve, random() * Math.min(100, 2 ** attempt)));
}
