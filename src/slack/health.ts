/**
 * GET /healthz: the store and each datasource, as ok, degraded (a datasource down) or down
 * (the store). Anyone who can reach the port may ask, so failures are named by code only:
 * addresses (host:port, file paths) stay in the log, never in the answer.
 */
import type { ServerResponse } from 'node:http';
import type { metricsClientFor } from '../composition/metrics.js';
import { isGcIncidentError } from '../core/errors.js';
import type { Clock, IncidentStore } from '../core/ports.js';

export async function health(
  res: ServerResponse,
  store: IncidentStore,
  metrics: ReturnType<typeof metricsClientFor>,
  clock: Clock,
) {
  const report: Record<string, { ok: boolean; error?: string }> = {};
  let ok = true;
  try {
    await store.ping();
    report.store = { ok: true };
  } catch (error) {
    ok = false;
    // Unauthenticated: the store's address (host:port, file path) stays in the store's own errors.
    report.store = {
      ok: false,
      error: `store unavailable${isGcIncidentError(error) ? ` (${error.code})` : ''}`,
    };
  }
  for (const name of metrics?.names() ?? []) {
    try {
      await metrics?.instant(name, 'vector(1)', clock.now());
      report[`datasource:${name}`] = { ok: true };
    } catch (error) {
      // A datasource down degrades the app (metric steps fail with a reason) but does not stop it.
      report[`datasource:${name}`] = {
        ok: false,
        error: `unavailable${isGcIncidentError(error) ? ` (${error.code})` : ''}`,
      };
    }
  }
  const status = ok ? (Object.values(report).every((r) => r.ok) ? 'ok' : 'degraded') : 'down';
  res.writeHead(ok ? 200 : 503, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ status, checks: report }));
}
