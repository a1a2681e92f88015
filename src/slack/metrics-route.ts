/**
 * GET /metrics in Prometheus' text format. `?name[]=METRIC` (repeatable) answers only those
 * metrics, as the Python client's exposition does: a poller that needs one counter does not make
 * the app render every default metric (about 1 ms of its event loop each time, 2026-12-07).
 * Unknown names are left out; at most MAX_NAMES are read from one request.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Registry } from 'prom-client';

export const MAX_NAMES = 50;

/** The metrics a request asks for: none (everything), or the `name[]` values, at most MAX_NAMES. */
export function requestedNames(url: string | undefined): string[] {
  const names = new URL(url ?? '/', 'http://localhost').searchParams.getAll('name[]');
  return [...new Set(names)].slice(0, MAX_NAMES);
}

export function metricsRoute(registry: Registry) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const names = requestedNames(req.url);
    const text =
      names.length === 0
        ? await registry.metrics()
        : (
            await Promise.all(
              names
                .filter((name) => registry.getSingleMetric(name) !== undefined)
                .map((name) => registry.getSingleMetricAsString(name)),
            )
          )
            .map((metric) => `${metric}\n`)
            .join('');
    res.writeHead(200, { 'content-type': registry.contentType });
    res.end(text);
  };
}
