/**
 * The Prometheus client's overhead per query (form encoding, classification,
 * parsing into samples) against a bare undici request with JSON.parse to the
 * same loopback server, in the same run. The server answers a fixed 50-series
 * vector, as Prometheus would, so only client cost is compared.
 *
 *   npm run bench:client
 */
import { createServer } from 'node:http';
import { Agent, request } from 'undici';
import { PrometheusClient } from '../src/adapters/prometheus/client.js';

const N = 5000;
const body = JSON.stringify({
  status: 'success',
  data: {
    resultType: 'vector',
    result: Array.from({ length: 50 }, (_, i) => ({
      metric: {
        __name__: 'python_gc_collections_total',
        job: 'api',
        instance: `10.0.0.${i}:8000`,
        generation: String(i % 3),
      },
      value: [1795468462.763, String(i * 1.5)],
    })),
  },
});
const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(body);
  });
});
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const address = server.address();
const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;

const dispatcher = new Agent({ keepAliveTimeout: 10_000 });
const client = new PrometheusClient(
  new Map([['default', { name: 'default', url, headers: {}, params: {}, timeoutMs: 10_000 }]]),
  { dispatcher },
);

async function bare(): Promise<void> {
  const r = await request(`${url}/api/v1/query`, {
    method: 'POST',
    dispatcher,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'query=python_gc_collections_total',
  });
  JSON.parse(await r.body.text());
}

async function ours(): Promise<void> {
  await client.query('default', 'python_gc_collections_total');
}

async function time(fn: () => Promise<void>): Promise<number> {
  for (let i = 0; i < 500; i++) await fn(); // warm-up
  const start = performance.now();
  for (let i = 0; i < N; i++) await fn();
  return ((performance.now() - start) * 1000) / N;
}

const results: [string, number][] = [];
for (let round = 0; round < 3; round++) {
  results.push(['bare', await time(bare)], ['client', await time(ours)]);
}
const median = (name: string) =>
  results
    .filter(([n]) => n === name)
    .map(([, v]) => v)
    .sort((a, b) => a - b)[1] ?? Number.NaN;
const b = median('bare');
const c = median('client');
console.log(
  `Prometheus client vs bare undici, ${N} sequential queries x 3 rounds (median), 50-series vector, Node ${process.version}`,
);
console.log(`  bare undici request + JSON.parse : ${b.toFixed(1)} µs/query`);
console.log(`  PrometheusClient.query           : ${c.toFixed(1)} µs/query`);
console.log(`  overhead                         : ${(c - b).toFixed(1)} µs/query (${(c / b).toFixed(2)}x)`);
await dispatcher.close();
server.close();
