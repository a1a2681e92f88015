/**
 * `gc-incident check --wait` runs the driver's verification loop (watchVerification): the
 * schema's timing, the runbook's mode, and the io's clock and sleep, so a scripted clock walks
 * ten minutes of stableFor in no time. Real Prometheus; its own expression stands for the metric.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { labMissing, type Running, startPrometheus } from '../helpers/lab.js';
import { RUNBOOKS_DIR } from '../helpers/runbooks.js';

const missing = labMissing();
if (missing) console.log(missing);

const RUNBOOK = 'gc-thrash-allocation-churn';
const SHIPPED_QUERY = 'max(rate(python_gc_collections_total{job="{{job}}",generation="0"}[{{window}}]))';

/** A copy of the shipped runbook whose verification check reads `query` (stableFor 10m, interval 30s). */
function runbookWith(query: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'gc-incident-wait-'));
  const shipped = readFileSync(join(RUNBOOKS_DIR, `${RUNBOOK}.yaml`), 'utf8');
  const at = shipped.indexOf('verification:');
  writeFileSync(
    join(dir, `${RUNBOOK}.yaml`),
    shipped.slice(0, at) + shipped.slice(at).replace(SHIPPED_QUERY, query),
  );
  return dir;
}

/** A clock that moves only when the CLI sleeps. */
function scriptedTime() {
  let t = Date.parse('2026-12-02T12:00:00Z');
  const sleep = async (ms: number) => {
    t += ms;
  };
  return { clock: { now: () => new Date(t) }, sleep };
}

describe.skipIf(missing !== undefined)('check --wait through the driver', () => {
  let prom: Running;
  beforeAll(async () => {
    prom = await startPrometheus([]);
  }, 30_000);
  afterAll(async () => prom?.stop());

  const check = (dir: string) =>
    cli(
      ['check', RUNBOOK, '--input', 'job=gcsvc', '--phase', 'verification', '--wait'],
      { PROMETHEUS_URL: prom.url, RUNBOOKS_DIR: dir },
      scriptedTime(),
    );

  it('verifies once the criteria held for stableFor, one round per interval', async () => {
    const run = await check(runbookWith('vector(1)'));
    expect(run.stderr).toBe('');
    expect(run.stdout).toContain('verified: the criteria held for 10m');
    // Rounds at 0, 30 s, …, 10 min: stableFor / interval + 1.
    expect(run.stdout.match(/ passing /g)).toHaveLength(21);
    expect(run.code).toBe(0);
  });

  it('stops at the deadline (4 × stableFor by default) when the data never comes', async () => {
    const run = await check(runbookWith('vector(1) unless vector(1)'));
    expect(run.stdout).toContain('deadline passed: the criteria held only 0 s of 10m');
    // Rounds at 0, 30 s, …, 40 min: deadline / interval + 1.
    expect(run.stdout.match(/ failing /g)).toHaveLength(81);
    expect(run.code).toBe(1);
  });
});
