/**
 * Verification re-evaluates its checks every `interval`; a test replays hours of rounds at once.
 * Instead of one instant query per check per round, the first round of a query fetches the
 * whole grid with one range query (step = interval). Prometheus evaluates a range query as an
 * instant query at every step, so each round sees exactly the samples an instant query returns.
 */
import type { MetricsClient, Sample } from '../ports.js';

/** Prometheus refuses range queries of more than 11,000 points; beyond that, ask per round. */
const MAX_POINTS = 11_000;

export function prefetchingClient(
  inner: MetricsClient,
  grid: { readonly startMs: number; readonly endMs: number; readonly stepMs: number },
): MetricsClient {
  const cache = new Map<string, Promise<Map<number, Sample[]>>>();
  const points = Math.floor((grid.endMs - grid.startMs) / grid.stepMs) + 1;
  const onGrid = (ms: number) =>
    ms >= grid.startMs && ms <= grid.endMs && (ms - grid.startMs) % grid.stepMs === 0;
  const usable = points <= MAX_POINTS && grid.stepMs % 1000 === 0;
  return {
    range: (datasource, query, start, end, step) => inner.range(datasource, query, start, end, step),
    async instant(datasource, query, time) {
      if (!usable || !onGrid(time.getTime())) return inner.instant(datasource, query, time);
      const key = `${datasource}\u0000${query}`;
      let fetched = cache.get(key);
      if (!fetched) {
        fetched = inner
          .range(datasource, query, new Date(grid.startMs), new Date(grid.endMs), grid.stepMs / 1000)
          .then((series) => {
            const byTime = new Map<number, Sample[]>();
            for (const s of series)
              for (const [t, value] of s.points) {
                const ms = Math.round(t * 1000);
                byTime.set(ms, [...(byTime.get(ms) ?? []), { labels: s.labels, value }]);
              }
            return byTime;
          });
        cache.set(key, fetched);
      }
      return (await fetched).get(time.getTime()) ?? [];
    },
  };
}
