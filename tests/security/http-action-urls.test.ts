/**
 * Defects 5 and 8 of #15. An input of `..` in `http://host/admin/{{job}}` sent
 * the request to `POST /` (URL normalisation removed `/admin`); and a URL's
 * secrets (userinfo, `?token=`) were recorded verbatim in the timeline, Slack
 * and the CLI. Runs against a real loopback HTTP server that records paths.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpActionRunner } from '../../src/adapters/http-actions/runner.js';

let server: Server;
let base: string;
const seen: string[] = [];
beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    res.writeHead(200);
    res.end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  base = `127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
});

function runner(url: string) {
  return new HttpActionRunner(new Map([['act', { method: 'POST' as const, url }]]), () => undefined);
}

describe('defect 5: dot segments in path placeholders', () => {
  it.each(['..', '.', '%2e%2e', '.%2E'])(
    'never leaves the configured path prefix for job=%s',
    async (job) => {
      seen.length = 0;
      const outcome = await runner(`http://${base}/admin/{{job}}`)
        .run('act', { job })
        .catch((e: unknown) => e);
      for (const line of seen) expect(line).toMatch(/^POST \/admin\/[^/]+$/);
      if (outcome instanceof Error) expect(outcome).toMatchObject({ code: 'INPUT_INVALID' });
    },
  );

  it('refuses `..` with a coded error and sends nothing', async () => {
    seen.length = 0;
    const error = await runner(`http://${base}/admin/{{job}}/restart`)
      .run('act', { job: '..' })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'INPUT_INVALID' });
    expect(seen).toEqual([]);
  });

  it('still calls ordinary values under the prefix', async () => {
    seen.length = 0;
    const call = await runner(`http://${base}/admin/{{job}}`).run('act', { job: 'checkout.v2' });
    expect(call.ok).toBe(true);
    expect(seen).toEqual(['POST /admin/checkout.v2']);
  });
});

describe('defect 8: secrets in an action URL', () => {
  it('redacts userinfo and secret-looking query values wherever the call is recorded; inputs stay visible', async () => {
    seen.length = 0;
    const call = await runner(
      `http://ops:hunter2-pass@${base}/hook?token=s3cr3t-tok&api_key=k3y-value&job={{job}}&dry_run=true`,
    ).run('act', { job: 'checkout' });
    expect(call.ok).toBe(true);
    expect(seen[0]).toContain('token=s3cr3t-tok');
    const recorded = JSON.stringify(call);
    for (const secret of ['hunter2-pass', 'ops:', 's3cr3t-tok', 'k3y-value'])
      expect(recorded).not.toContain(secret);
    expect(call.url).toContain('job=checkout');
    expect(call.url).toContain('dry_run=true');
    expect(call.url).toContain(base);
  });
});
