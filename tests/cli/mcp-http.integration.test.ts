/**
 * The MCP server mounted in `serve` (MCP_HTTP=on): off by default, refused at start without a
 * token, and every request without the bearer token, or with a wrong one, refused before
 * anything runs. Driven with the SDK's streamable-HTTP client against the real app process.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { type RealApp, startRealApp } from '../helpers/real-app.js';

const TOKEN = 'mcp-token-0123456789abcdef';
const LIST = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} });
const HEADERS = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };

it('MCP_HTTP=on without MCP_TOKEN stops the start with one message and exit 2', async () => {
  const run = await cli(['serve'], {
    SLACK_BOT_TOKEN: 'xoxb-1-2',
    SLACK_SIGNING_SECRET: '0123456789abcdef0123',
    MCP_HTTP: 'on',
  });
  expect(run.code).toBe(2);
  expect(run.stderr).toMatch(/MCP_TOKEN is not set: MCP_HTTP=on serves \/mcp only behind a bearer token/);
  expect(run.stderr).not.toMatch(/\n\s+at /);
  const short = await cli(['serve'], {
    SLACK_BOT_TOKEN: 'xoxb-1-2',
    SLACK_SIGNING_SECRET: '0123456789abcdef0123',
    MCP_HTTP: 'on',
    MCP_TOKEN: 'short',
  });
  expect(short.stderr).toMatch(/MCP_TOKEN must be at least 16 characters/);
});

describe('/mcp in serve', () => {
  let on: RealApp;
  let off: RealApp;
  beforeAll(async () => {
    [on, off] = await Promise.all([startRealApp({ MCP_HTTP: 'on', MCP_TOKEN: TOKEN }), startRealApp()]);
  });
  afterAll(async () => {
    await Promise.all([on?.stop(), off?.stop()]);
  });

  it('refuses a request without the token, and with a wrong one, before running anything', async () => {
    const url = `http://127.0.0.1:${on.port}/mcp`;
    const none = await fetch(url, { method: 'POST', headers: HEADERS, body: LIST });
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer');
    expect(await none.text()).not.toContain('runbooks_list');
    for (const authorization of [`Bearer ${TOKEN.slice(0, -1)}x`, `Bearer ${TOKEN}0`, TOKEN, 'Basic abc']) {
      const wrong = await fetch(url, { method: 'POST', headers: { ...HEADERS, authorization }, body: LIST });
      expect(wrong.status, authorization).toBe(401);
      expect(await wrong.text()).not.toContain('runbooks_list');
    }
    const right = await fetch(url, {
      method: 'POST',
      headers: { ...HEADERS, authorization: `Bearer ${TOKEN}` },
      body: LIST,
    });
    expect(right.status).toBe(200);
    expect(await right.text()).toContain('runbooks_list');
  });

  it("serves the SDK's client with the token: the same tools as stdio, over the app's store and pool", async () => {
    const client = new Client({ name: 'gc-incident-test', version: '1.0.0' });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(`http://127.0.0.1:${on.port}/mcp`), {
        requestInit: { headers: { authorization: `Bearer ${TOKEN}` } },
      }),
    );
    try {
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name)).toContain('simulate');
      const list = await client.callTool({ name: 'incidents_list', arguments: {} });
      expect(list.isError).toBeFalsy();
      expect(list.structuredContent).toEqual({ incidents: [] });
      const outside = await client.callTool({
        name: 'simulate',
        arguments: { workload: '../../etc/passwd' },
      });
      expect(outside.isError).toBe(true);
    } finally {
      await client.close();
    }
    expect(await on.alive()).toBe(true);
  });

  it('is not served at all by default (MCP_HTTP unset)', async () => {
    const res = await fetch(`http://127.0.0.1:${off.port}/mcp`, {
      method: 'POST',
      headers: { ...HEADERS, authorization: `Bearer ${TOKEN}` },
      body: LIST,
    });
    // Bolt's receiver answers a path it does not route with 4xx (400 today).
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(await res.text()).not.toContain('runbooks_list');
  });
});
