/**
 * GET /metrics?name[]=… answers only the metrics asked for (as the Python client's exposition
 * does), so a poller of one counter does not make the app render every default metric.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Counter, collectDefaultMetrics, Registry } from 'prom-client';
import { request } from 'undici';
import { describe, expect, it } from 'vitest';
import { MAX_NAMES, metricsRoute, requestedNames } from '../../src/slack/metrics-route.js';

async function served(registry: Registry) {
  const route = metricsRoute(registry);
  const server = createServer((req, res) => void route(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    get: async (path: string) => {
      const response = await request(`${base}${path}`);
      return {
        status: response.statusCode,
        type: response.headers['content-type'],
        text: await response.body.text(),
      };
    },
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

describe('/metrics', () => {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const runs = new Counter({
    name: 'gc_incident_simulations_total',
    help: 'simulations',
    labelNames: ['outcome'],
    registers: [registry],
  });
  runs.inc({ outcome: 'done' }, 3);

  it('answers every metric without a filter, only the named ones with name[], none for unknown names', async () => {
    const app = await served(registry);
    try {
      const all = await app.get('/metrics');
      expect(all.status).toBe(200);
      expect(all.text).toContain('gc_incident_simulations_total{outcome="done"} 3');
      expect(all.text).toContain('process_cpu_user_seconds_total');
      const one = await app.get('/metrics?name[]=gc_incident_simulations_total');
      expect(one.type).toBe(registry.contentType);
      expect(one.text).toContain('gc_incident_simulations_total{outcome="done"} 3');
      expect(one.text).not.toContain('process_cpu_user_seconds_total');
      expect(one.text.length).toBeLessThan(all.text.length / 10);
      const unknown = await app.get('/metrics?name[]=no_such_metric');
      expect(unknown.status).toBe(200);
      expect(unknown.text).toBe('');
    } finally {
      await app.close();
    }
  });

  it('reads at most MAX_NAMES names from one request, each once', () => {
    const query = Array.from({ length: MAX_NAMES + 20 }, (_, i) => `name[]=m${i % (MAX_NAMES + 10)}`).join(
      '&',
    );
    const names = requestedNames(`/metrics?${query}`);
    expect(names).toHaveLength(MAX_NAMES);
    expect(new Set(names).size).toBe(MAX_NAMES);
    expect(requestedNames('/metrics')).toEqual([]);
  });
});
