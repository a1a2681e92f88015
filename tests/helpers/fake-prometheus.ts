/**
 * A loopback HTTP server answering as Prometheus's HTTP API does (POST-form
 * /api/v1/query and /api/v1/query_range, the JSON envelope), with answers a
 * test chooses per query: for values real exporters cannot be made to give
 * (a pause in the wrong unit) or sizes a test cannot scrape in seconds (100k
 * series). Real Prometheus is used wherever the real answer is what matters.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface PromQuery {
  readonly path: string;
  readonly query: string;
  readonly params: URLSearchParams;
}

/** A vector's samples as {labels, value}, or a raw body to write as it is. */
export type PromAnswer =
  | { vector: { labels: Record<string, string>; value: number }[] }
  | { matrix: { labels: Record<string, string>; points: [number, number][] }[] }
  | { raw: string };

export interface FakePrometheus {
  readonly url: string;
  readonly queries: PromQuery[];
  stop(): Promise<void>;
}

async function form(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

function envelope(answer: PromAnswer): string {
  if ('raw' in answer) return answer.raw;
  if ('vector' in answer)
    return JSON.stringify({
      status: 'success',
      data: {
        resultType: 'vector',
        result: answer.vector.map((s) => ({ metric: s.labels, value: [0, String(s.value)] })),
      },
    });
  return JSON.stringify({
    status: 'success',
    data: {
      resultType: 'matrix',
      result: answer.matrix.map((s) => ({
        metric: s.labels,
        values: s.points.map(([t, v]) => [t, String(v)]),
      })),
    },
  });
}

export async function startFakePrometheus(answer: (q: PromQuery) => PromAnswer): Promise<FakePrometheus> {
  const queries: PromQuery[] = [];
  const server: Server = createServer((req, res) => {
    void (async () => {
      const params = await form(req);
      const path = (req.url ?? '').split('?')[0] ?? '';
      const q = { path, query: params.get('query') ?? '', params };
      queries.push(q);
      const body = envelope(answer(q));
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(body);
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    queries,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Per-generation answers (label generation="0".."2") for `avg by (generation)` queries. */
export function perGeneration(values: readonly [number, number, number]): PromAnswer {
  return { vector: values.map((value, g) => ({ labels: { generation: String(g) }, value })) };
}
