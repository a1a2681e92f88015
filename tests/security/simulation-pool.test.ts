/**
 * Defect 3 of #15: any Slack user could saturate the simulator (16 requests of
 * 40 what-ifs: 16 worker threads on 2 CPUs, unfinished after 120 s). Now: at
 * most 8 what-ifs per request with a clear message; one pool sized to the
 * CPUs with a queue where incident steps go first and a per-user limit; a
 * wall-clock limit per run that stops the worker and says so.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSimulationInWorker } from '../../src/adapters/simulator/worker-runner.js';
import { asSimulationRequest, SimulationPool } from '../../src/adapters/workers/simulation-pool.js';
import type { SimulationResult } from '../../src/core/simulator/simulate.js';
import { normalizeWorkload, type Workload } from '../../src/core/simulator/workload.js';
import { SlackHarness } from '../helpers/slack-app.js';

// Lifetimes make the simulator run step by step (repeating collections are replayed in
// microseconds): several seconds of work, well past the 300 ms limit below.
const LONG = normalizeWorkload({
  name: 'long',
  python: '3.12',
  iterations: 20_000_000,
  each_iteration: [{ keep: 3, lifetime: 1000 }, { cycle: { size: 7, lifetime: 50 } }],
});

describe('what-ifs per Slack request', () => {
  let h: SlackHarness;
  beforeAll(async () => {
    h = await SlackHarness.start();
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('refuses more than 8 what-ifs with a clear message and runs nothing', async () => {
    const posts = h.api.calls.filter((c) => c.method === 'chat.postMessage').length;
    const whatIfs = Array.from({ length: 9 }, (_, i) => `threshold=${700 + i}`).join(' ');
    const sent = await h.slash(`simulate full-collection-latency ${whatIfs}`);
    expect(sent.status).toBe(200);
    const answer = String(h.answersTo(sent.responseUrl)[0]?.text);
    expect(answer).toContain('at most 8 what-ifs');
    expect(answer).toContain('9');
    expect(h.api.calls.filter((c) => c.method === 'chat.postMessage').length).toBe(posts);
  });
});

describe('the simulation pool', () => {
  it('stops a run at its wall-clock limit (the worker is terminated) and says so', async () => {
    const pool = new SimulationPool({ run: runSimulationInWorker, size: 1, timeoutMs: 300 });
    const error = await pool.run(LONG).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'SIMULATION_TIMEOUT' });
    expect(String((error as Error).message)).toMatch(/ran longer than/);
    expect(pool.load).toEqual({ running: 0, queued: 0 });
  });

  it('runs at most `size` at once and puts incident steps before waiting ad-hoc runs', async () => {
    const started: string[] = [];
    let active = 0;
    let peak = 0;
    const gates: (() => void)[] = [];
    const run = (workload: Workload) =>
      new Promise<SimulationResult>((resolve) => {
        started.push(workload.name);
        active++;
        peak = Math.max(peak, active);
        gates.push(() => {
          active--;
          resolve({} as SimulationResult);
        });
      });
    const pool = new SimulationPool({ run, size: 1 });
    const w = (name: string) => ({ ...LONG, name });
    const all = [
      asSimulationRequest({ user: 'U1', priority: 'adhoc' }, () => pool.run(w('adhoc-1'))),
      asSimulationRequest({ user: 'U2', priority: 'adhoc' }, () => pool.run(w('adhoc-2'))),
      pool.run(w('incident-1')),
    ];
    for (let i = 0; i < 3; i++) {
      await new Promise((r) => setTimeout(r, 10));
      gates.shift()?.();
    }
    await Promise.all(all);
    expect(peak).toBe(1);
    expect(started).toEqual(['adhoc-1', 'incident-1', 'adhoc-2']);
  });

  it('refuses a user more than their share, with SIMULATION_BUSY', () => {
    const pool = new SimulationPool({ run: () => new Promise(() => {}), size: 1, perUser: 2 });
    asSimulationRequest({ user: 'U1', priority: 'adhoc' }, () => {
      void pool.run(LONG);
      void pool.run(LONG);
      expect(() => pool.run(LONG)).toThrow(expect.objectContaining({ code: 'SIMULATION_BUSY' }));
    });
    expect(() => pool.admit('U1', 1)).toThrow(/already have 2/);
    expect(() => pool.admit('U2', 1)).not.toThrow();
  });
});
