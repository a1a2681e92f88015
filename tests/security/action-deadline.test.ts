/**
 * Finding 10 (low): HTTP action and diagnose timeouts counted per chunk, not
 * in total: a server dripping a byte every 1.5 s kept a 2 s action running
 * 18 s, and the step stayed `running` and could not be skipped. Replayed: a
 * loopback server that drips forever; the action and the read-only call end
 * at their 1 s deadline saying so; a running step is skipped with a reason
 * and the skip stands when the step's late result arrives.
 */
import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpActionRunner } from '../../src/adapters/http-actions/runner.js';
import { SqliteStore } from '../../src/adapters/store/sqlite-store.js';
import { IncidentDriver } from '../../src/core/incident/driver/driver.js';
import type { Narrator } from '../../src/core/incident/driver/ports.js';
import { IncidentService } from '../../src/core/incident/service.js';
import { FakeClock, shippedRunbook } from '../helpers/engine.js';

let server: Server;
let url = '';
beforeAll(async () => {
  // Headers at once, then one byte every 300 ms, never the end.
  server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write('[');
    const drip = setInterval(() => res.write(' '), 300);
    res.on('close', () => clearInterval(drip));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

describe('HTTP action timeouts are total deadlines', () => {
  const runner = () =>
    new HttpActionRunner(
      new Map([
        ['drip', { method: 'POST' as const, url: `${url}/admin`, timeout: '1s', expectStatus: [200] }],
        ['drip-read', { method: 'GET' as const, readOnly: true, url: `${url}/debug/gc`, timeout: '1s' }],
      ]),
      () => undefined,
    );

  it('a dripping server cannot extend an action or a diagnose read past its timeout', async () => {
    // An action: its status came in time; the answer it drips is dropped at the deadline.
    let started = performance.now();
    const action = await runner().run('drip', {});
    expect(performance.now() - started).toBeLessThan(3000);
    expect(action.status).toBe(200);
    // A diagnose read needs the whole answer: it fails at the deadline, saying so.
    started = performance.now();
    const read = await runner().read('drip-read', {});
    expect(performance.now() - started).toBeLessThan(3000);
    expect(read.ok).toBe(false);
    expect(read.error).toContain("no complete answer within 1s (the action's timeout, answer included)");
  });
});

describe('a running step can be skipped with a reason', () => {
  it('the skip stands when the step finishes later', async () => {
    const store = new SqliteStore(join(mkdtempSync(join(tmpdir(), 'gc-skip-running-')), 'gc.db'));
    await store.migrate();
    const clock = new FakeClock();
    const service = new IncidentService(store, clock);
    let release: () => void = () => {};
    const held = new Promise<void>((r) => {
      release = r;
    });
    const narrator = new Proxy({}, { get: () => async () => undefined }) as unknown as Narrator;
    const runbook = shippedRunbook('gc-thrash-allocation-churn');
    const driver = new IncidentDriver({
      service,
      runbookOf: () => ({ runbook, file: join('runbooks', 'gc-thrash-allocation-churn.yaml') }),
      narrator,
      decisions: { ask: async () => undefined },
      caps: {
        simulate: async () => {
          await held;
          return { summary: { python: '3.12' }, results: [] };
        },
      },
      clock,
      sleep: async (ms) => clock.advance(ms),
    });
    const { incident } = await driver.open({
      runbook,
      runbookVersion: 'v',
      inputs: { job: 'api' },
      commander: 'U0CMD',
    });
    const running = driver.runStep(incident, 'simulate-churn', { id: 'U0CMD' });
    await new Promise((r) => setTimeout(r, 50));
    expect((await service.get(incident.id)).steps.find((s) => s.id === 'simulate-churn')?.status).toBe(
      'running',
    );
    await service.execute(incident.id, {
      type: 'skip-step',
      stepId: 'simulate-churn',
      reason: 'stuck: the simulator never answered',
      actor: 'U0CMD',
    });
    release();
    await running;
    const step = (await service.get(incident.id)).steps.find((s) => s.id === 'simulate-churn');
    expect(step?.status).toBe('skipped');
    expect(step?.reason).toBe('stuck: the simulator never answered');
    await store.close();
  });
});
