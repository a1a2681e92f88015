/**
 * A fleet incident's checks run per service (src/core/checks/fleet-checks.ts), through the
 * driver, against a fake Prometheus that answers by the `job` in the query: one summary line
 * per check, verification only when every queried service holds, a cap on services queried,
 * and the fleet table's per-service column.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SqliteStore } from '../../src/adapters/store/sqlite-store.js';
import { checkOutcomeLines } from '../../src/cli/walk/check-lines.js';
import { parseFleet } from '../../src/config-values.js';
import type { CheckEvaluation } from '../../src/core/checks/evaluate.js';
import { causeInputs, fleetStandings } from '../../src/core/checks/fleet-checks.js';
import { GcIncidentError } from '../../src/core/errors.js';
import { execOn } from '../../src/core/incident/driver/context.js';
import { IncidentDriver } from '../../src/core/incident/driver/driver.js';
import type { Narrator } from '../../src/core/incident/driver/ports.js';
import type { StepState } from '../../src/core/incident/model.js';
import { IncidentService } from '../../src/core/incident/service.js';
import type { MetricsClient } from '../../src/core/ports.js';
import { checkBatchMessages } from '../../src/slack/blocks/check-batch.js';
import { fleetTable } from '../../src/slack/blocks/fleet-table.js';
import { FakeClock, shippedRunbook } from '../helpers/engine.js';

const RUNBOOK = 'gc-cyclic-garbage-growth';
const MiB = 1024 * 1024;
const by = { id: 'U0CMD' };
const SERVICES = Array.from({ length: 15 }, (_, i) => `svc-${i + 1}`);

/** Per job: memory growth in bytes/min (undefined: the job has no series), uncollectable objects. */
type Answers = Record<string, { growth?: number | undefined; uncollectable?: number; fails?: boolean }>;

function jobOf(query: string): string {
  return /job="([^"]*)"/.exec(query)?.[1] ?? '';
}

async function setup(answers: Answers, options: { cap?: number; members?: string[] } = {}) {
  const store = new SqliteStore(join(mkdtempSync(join(tmpdir(), 'gc-fleet-')), 'gc.db'));
  await store.migrate();
  const clock = new FakeClock();
  const queries: string[] = [];
  const answer = (query: string) => {
    queries.push(query);
    const a = answers[jobOf(query)];
    if (a?.fails) throw new GcIncidentError('METRICS_QUERY_REJECTED', 'bad_data: 422', { query });
    const value = query.includes('uncollectable') ? a?.uncollectable : a?.growth;
    return value === undefined ? undefined : value;
  };
  const metrics: MetricsClient = {
    instant: async (_d, query) => {
      const v = answer(query);
      return v === undefined ? [] : [{ labels: {}, value: v }];
    },
    range: async (_d, query, start, end) => {
      const v = answer(query);
      if (v === undefined) return [];
      const points: [number, number][] = [];
      for (let t = start.getTime(); t <= end.getTime(); t += 60_000) points.push([t / 1000, v]);
      return [{ labels: {}, points }];
    },
  };
  const narrator = new Proxy({} as Narrator, { get: () => () => Promise.resolve() });
  const runbook = shippedRunbook(RUNBOOK);
  const driver = new IncidentDriver({
    service: new IncidentService(store, clock),
    runbookOf: () => ({ runbook, file: join('runbooks', `${RUNBOOK}.yaml`) }),
    narrator,
    decisions: { ask: async () => undefined },
    caps: { metrics, fleetCheckServices: options.cap },
    clock,
    sleep: async (ms) => clock.advance(ms),
  });
  const opened = await driver.open({
    runbook,
    runbookVersion: 'v',
    service: 'fleet',
    inputs: { job: 'svc-1' },
    commander: by.id,
    cause: `${RUNBOOK}{fleet}`,
  });
  const members = (options.members ?? SERVICES).map((job, i) => ({
    cause: `${RUNBOOK}{job=${JSON.stringify(job)}}`,
    service: job,
    // Half joined with their alert's inputs, half only by cause (the storm's earlier incidents).
    ...(i % 2 === 0 ? { inputs: { job } } : { incidentId: `GC-2026-${String(i).padStart(4, '0')}` }),
  }));
  const joined = await execOn(driver.deps, opened.incident, { type: 'join-fleet', members, actor: by.id });
  return { driver, incident: joined.incident, queries };
}

/** 15 services: 4 growing above 5 MiB/min (svc-3 the worst), svc-9 with no series, the rest flat. */
function storm(): Answers {
  const out: Answers = {};
  for (const s of SERVICES) out[s] = { growth: 0.2 * MiB, uncollectable: 0 };
  for (const [s, g] of [
    ['svc-2', 6 * MiB],
    ['svc-3', 12.5 * MiB],
    ['svc-7', 8 * MiB],
    ['svc-12', 5.5 * MiB],
  ] as const)
    out[s] = { growth: g, uncollectable: 0 };
  out['svc-9'] = { growth: undefined };
  return out;
}

describe('a fleet incident’s checks, per service', () => {
  it('15 services, 4 above the limit and 1 without data: one summary line, each service queried by its job', async () => {
    const { driver, incident, queries } = await setup(storm());
    const detected = await driver.enterPhase(incident, 'detection', by);
    const step = detected.steps.find((s) => s.id === 'memory-climbing');
    expect(step?.status).toBe('done');
    expect((step?.result as { reason?: string } | undefined)?.reason).toBe(
      '4/15 services above the limit (worst: svc-3 12.5 MiB/min); 1 service: no data (svc-9)',
    );
    const result = step?.result as { outcome: string; fleet: { queried: number; holding: number } };
    expect(result.outcome).toBe('holds');
    expect(result.fleet).toMatchObject({ queried: 15, holding: 4 });
    // The Slack chart draws the worst service, queried with its own validated inputs.
    expect(result.fleet).toMatchObject({ worst: { service: 'svc-3', inputs: { job: 'svc-3' } } });
    // Every service's own job reached PromQL, once per check, and no other.
    const climbing = queries.filter((q) => q.includes('process_resident_memory_bytes'));
    expect(new Set(climbing.map(jobOf))).toEqual(new Set(SERVICES));
    expect(climbing).toHaveLength(15);
    // The card's table: per service, where it stood on the latest checks.
    const standings = fleetStandings(detected);
    const over = [...standings].filter(([, s]) => s.standing === 'bad').map(([n]) => n);
    expect(over.sort()).toEqual(['svc-12', 'svc-2', 'svc-3', 'svc-7']);
    expect(standings.get('svc-9')?.standing).toBe('no-data');
    // The thread's check message says the same line.
    const batch = checkBatchMessages([
      { step: step as StepState, evaluation: step?.result as CheckEvaluation },
    ]);
    expect(JSON.stringify(batch)).toContain('4/15 services above the limit (worst: svc-3 12.5 MiB/min)');
    // The terminal too (its check line and the card's figure come from the same core figure).
    const terminal = checkOutcomeLines(
      step as StepState,
      step?.result as CheckEvaluation,
      shippedRunbook(RUNBOOK),
    );
    expect(terminal).toMatch(/^ {2}→ the symptom is present: 4\/15 services above the limit .*svc-9\) ✗\n/);
    expect(terminal).toContain('service="svc-3"');
    const table = JSON.stringify(fleetTable(detected));
    expect(table).toContain('4 over the limit');
    expect(table).toMatch(/svc-3 +\d\d:\d\d +✗ 12\.5 MiB\/min/);
    expect(table).toMatch(/svc-9 +\d\d:\d\d +\? no data/);
  });

  it('a member whose key input fails the runbook’s pattern is refused before PromQL, never counted as holding', async () => {
    const hostile = 'x"} or vector(1) or {a="';
    const { driver, incident, queries } = await setup(storm(), { members: ['svc-1', 'svc-2', hostile] });
    const detected = await driver.enterPhase(incident, 'detection', by);
    const found = detected.steps.find((s) => s.id === 'memory-climbing');
    const reason = (found?.result as { reason?: string } | undefined)?.reason;
    expect(reason).toMatch(
      /^1\/3 services above the limit .*; 1 service: inputs refused, not queried \(x"\} or/,
    );
    expect(queries.some((q) => q.includes('vector(1)'))).toBe(false);
  });

  it('verification holds on every service, and not when one service has no data ("14/15" is not verified)', async () => {
    const calm: Answers = {};
    for (const s of SERVICES) calm[s] = { growth: 0.1 * MiB, uncollectable: 0 };
    const ok = await setup(calm);
    const verified = await ok.driver.verify(ok.incident, by);
    const stable = verified.steps.find((s) => s.id === 'memory-stable');
    expect(stable?.status).toBe('done');
    expect((stable?.result as { reason?: string } | undefined)?.reason).toContain(
      'verified on all 15 services',
    );

    const oneSilent = { ...calm, 'svc-11': { growth: undefined, uncollectable: 0 } };
    const bad = await setup(oneSilent);
    const failed = await bad.driver.verify(bad.incident, by);
    const step = failed.steps.find((s) => s.id === 'memory-stable');
    expect(step?.status).toBe('failed');
    const result = step?.result as { outcome: string; reason: string };
    expect(result.outcome).toBe('unknown');
    expect(result.reason).toBe(
      '14/15 services below the limit; 1 service: no data (svc-11); not verified: holds on 14 of 15 services',
    );
  });

  it('a service whose query fails keeps verification from holding', async () => {
    const calm: Answers = {};
    for (const s of SERVICES) calm[s] = { growth: 0.1 * MiB, uncollectable: 0 };
    const { driver, incident } = await setup({ ...calm, 'svc-4': { fails: true } });
    const verified = await driver.verify(incident, by);
    const step = verified.steps.find((s) => s.id === 'memory-stable');
    expect(step?.status).toBe('failed');
    expect((step?.result as { reason?: string } | undefined)?.reason).toContain(
      '1 service: query failed (svc-4)',
    );
  });

  it('queries at most the configured number of services, and says so', async () => {
    const { driver, incident, queries } = await setup(storm(), { cap: 5 });
    const detected = await driver.enterPhase(incident, 'detection', by);
    const result = detected.steps.find((s) => s.id === 'memory-climbing')?.result as {
      reason: string;
      fleet: { queried: number; services: number };
    };
    expect(result.fleet).toMatchObject({ queried: 5, services: 15 });
    expect(result.reason).toBe(
      '2/5 services above the limit (worst: svc-3 12.5 MiB/min); 1 service: no data (svc-9); queried 5 of 15 services (at most 5 per check)',
    );
    expect(queries.filter((q) => q.includes('process_resident_memory_bytes'))).toHaveLength(5);
    // Services in the fleet itself first (those without an incident of their own).
    expect(queries.filter((q) => q.includes('process_resident_memory_bytes')).map(jobOf)).toEqual([
      'svc-1',
      'svc-3',
      'svc-5',
      'svc-7',
      'svc-9',
    ]);
    expect(JSON.stringify(fleetTable(detected))).toContain('10 not queried');
  });

  it('services past the cap were not measured: every queried one holding is not verified', async () => {
    const calm: Answers = {};
    for (const s of SERVICES) calm[s] = { growth: 0.1 * MiB, uncollectable: 0 };
    const { driver, incident } = await setup(calm, { cap: 5 });
    const verified = await driver.verify(incident, by);
    const step = verified.steps.find((s) => s.id === 'memory-stable');
    expect(step?.status).toBe('failed');
    const result = step?.result as { outcome: string; reason: string };
    expect(result.outcome).toBe('unknown');
    expect(result.reason).toBe(
      '5/5 services below the limit; queried 5 of 15 services (at most 5 per check); not verified: holds on 5 of 15 services (10 not queried)',
    );
  });

  it('ALERT_FLEET’s third part sets how many services a fleet check queries', () => {
    expect(parseFleet('10/5m/20')).toEqual({ keys: 10, windowMs: 300_000, checkServices: 20 });
    expect(parseFleet('10/5m')).toEqual({ keys: 10, windowMs: 300_000 });
    expect(() => parseFleet('10/5m/0')).toThrow(/SERVICES \(1–1000\)/);
    expect(() => parseFleet('10/5m/x')).toThrow(/ALERT_FLEET/);
  });

  it('reads a cause’s inputs back as cause.ts writes them', () => {
    expect(causeInputs('rb{job="a\\"b",zone="eu-1"}')).toEqual({ job: 'a"b', zone: 'eu-1' });
    expect(causeInputs('rb{fleet}')).toEqual({});
  });
});
