/**
 * Read-only HTTP actions (diagnose steps): GET only, no approval, and the same URL allow-list
 * and secret handling as containment actions. A real loopback server records what reaches it.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ActionDefinition,
  HttpActionRunner,
  loadHttpActions,
} from '../../src/adapters/http-actions/runner.js';
import { bundledSchemaValidator } from '../../src/composition/validation-context.js';
import { cli } from '../helpers/cli.js';
import { REPO } from '../helpers/runbooks.js';

let server: Server;
let base: string;
const seen: { line: string; headers: Record<string, unknown> }[] = [];
beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push({ line: `${req.method} ${req.url}`, headers: req.headers });
    if (req.url?.startsWith('/big')) {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(`"${'x'.repeat(300 * 1024)}"`);
    } else if (req.url?.startsWith('/html')) {
      res.writeHead(200, { 'Content-Type': 'text/html' });
      res.end('<html></html>');
    } else {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end('{"schema": "gc-incident/diagnostics/v1"}');
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
});

const runner = (defs: Record<string, ActionDefinition>, env: Record<string, string> = {}) =>
  new HttpActionRunner(new Map(Object.entries(defs)), (name) => env[name]);

describe('read-only HTTP actions', () => {
  it('refuse an action that is not marked read-only, before any request', async () => {
    seen.length = 0;
    const actions = runner({
      post: { method: 'POST', url: `${base}/admin/enable` },
      get: { method: 'GET', url: `${base}/debug/gc` },
    });
    for (const name of ['post', 'get'])
      await expect(actions.read(name, {})).rejects.toMatchObject({ code: 'ACTION_NOT_READ_ONLY' });
    expect(seen).toEqual([]);
    expect(actions.isReadOnly('get')).toBe(false);
  });

  it('refuse a read-only action whose method is not GET even if the file was not validated', async () => {
    seen.length = 0;
    const actions = runner({ del: { method: 'DELETE', readOnly: true, url: `${base}/debug/gc` } });
    await expect(actions.read('del', {})).rejects.toMatchObject({ code: 'ACTION_NOT_READ_ONLY' });
    expect(seen).toEqual([]);
  });

  it('the schema refuses readOnly with another method or a body', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gc-incident-ro-'));
    for (const [name, extra] of [
      ['post', 'method: POST'],
      ['body', "method: GET\n    body: '{}'"],
    ]) {
      const file = join(dir, `${name}.yaml`);
      writeFileSync(file, `actions:\n  diag:\n    ${extra}\n    readOnly: true\n    url: ${base}/debug/gc\n`);
      expect(() => loadHttpActions(file, bundledSchemaValidator())).toThrow(
        name === 'post' ? /a readOnly action must use method GET/ : /a readOnly action sends no body/,
      );
    }
  });

  it('keep the configured origin and path (the allow-list): inputs cannot leave it', async () => {
    seen.length = 0;
    const actions = runner({ diag: { method: 'GET', readOnly: true, url: `${base}/debug/{{job}}` } });
    for (const job of ['..', '%2e%2e', '.'])
      await expect(actions.read('diag', { job })).rejects.toMatchObject({ code: 'INPUT_INVALID' });
    expect(seen).toEqual([]);
    const call = await actions.read('diag', { job: 'gc?x=1' });
    expect(seen.map((s) => s.line)).toEqual(['GET /debug/gc%3Fx%3D1']);
    expect(call.url).toBe(`${base}/debug/gc%3Fx%3D1`);
  });

  it('send secrets from the environment and record none of them', async () => {
    seen.length = 0;
    const actions = runner(
      {
        diag: {
          method: 'GET',
          readOnly: true,
          url: `${base}/debug/gc?token=url-secret-1&job={{job}}`,
          headersFromEnv: { Authorization: 'DIAG_TOKEN' },
        },
      },
      { DIAG_TOKEN: 'Bearer header-secret-2' },
    );
    const call = await actions.read('diag', { job: 'api' });
    expect(seen[0]?.headers.authorization).toBe('Bearer header-secret-2');
    expect(call).toMatchObject({
      ok: true,
      status: 200,
      method: 'GET',
      body: { schema: 'gc-incident/diagnostics/v1' },
    });
    const recorded = JSON.stringify(call);
    expect(recorded).not.toContain('url-secret-1');
    expect(recorded).not.toContain('header-secret-2');
    expect(call.url).toContain('token=***');
    expect(call.url).toContain('job=api');
  });

  it('answer with an error, never a crash, for a body too large or not JSON', async () => {
    const actions = runner({
      big: { method: 'GET', readOnly: true, url: `${base}/big` },
      html: { method: 'GET', readOnly: true, url: `${base}/html` },
    });
    const big = await actions.read('big', {});
    expect(big).toMatchObject({ ok: false, error: 'the answer is larger than 256 KiB' });
    expect(big.body).toBeUndefined();
    const html = await actions.read('html', {});
    expect(html).toMatchObject({ ok: false, error: 'the answer is not JSON (Content-Type text/html)' });
  });

  it('validate refuses a diagnose step naming an action that is not read-only, at FILE:LINE:COL', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gc-incident-ro-'));
    const shipped = readFileSync(join(REPO, 'deploy', 'http-actions.yaml'), 'utf8');
    writeFileSync(join(dir, 'a.yaml'), shipped.replace('    readOnly: true\n', ''));
    const run = await cli(['validate', join(REPO, 'runbooks')], { HTTP_ACTIONS_FILE: join(dir, 'a.yaml') });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(
      /gc-disabled-or-starved\.yaml:\d+:\d+: error: a diagnose step may only call a read-only HTTP action: mark 'gc-diagnostics' 'readOnly: true'.* \[runbook\/http-action-not-read-only\]/,
    );
  });
});
