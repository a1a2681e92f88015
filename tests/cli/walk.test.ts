import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SqliteStore } from '../../src/adapters/store/sqlite-store.js';
import { fold } from '../../src/core/incident/apply.js';
import { cli } from '../helpers/cli.js';
import { FakeClock } from '../helpers/engine.js';
import { RUNBOOKS_DIR } from '../helpers/runbooks.js';

const env = () => {
  const path = join(mkdtempSync(join(tmpdir(), 'gc-incident-walk-')), 'gc.db');
  return { path, vars: { DATABASE_URL: `sqlite:${path}`, RUNBOOKS_DIR, USER: 'alice' } };
};

describe('gc-incident walk', () => {
  it('--auto runs the simulator, skips metric steps without a datasource, leaves manual steps pending', async () => {
    const { path, vars } = env();
    const run = await cli(['walk', 'gc-full-collection-latency', '--input', 'job=checkout', '--auto'], vars, {
      clock: new FakeClock(),
    });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Opened GC-2026-0001');
    expect(run.stdout).toContain(
      'sum by (job) (rate(python_gc_collections_total{job="checkout",generation="2"}[5m]))',
    );
    expect(run.stdout).toMatch(/baseline\s+3\.12/);
    expect(run.stdout).toContain('Stopped before containment');
    const store = new SqliteStore(path);
    const incident = await store.load('GC-2026-0001');
    const timeline = await store.timeline('GC-2026-0001');
    expect(incident?.steps.find((s) => s.id === 'simulate-heap')?.status).toBe('done');
    expect(incident?.steps.find((s) => s.id === 'full-collection-pauses')).toMatchObject({
      status: 'skipped',
    });
    expect(incident?.steps.find((s) => s.id === 'recent-changes')?.status).toBe('pending');
    expect(timeline.every((e) => e.actor === 'cli:alice')).toBe(true);
    expect(timeline[0]?.at).toBe('2026-11-23T10:00:00.000Z');
    expect(fold(timeline)).toEqual(incident);
    await store.close();
  });

  it('interactively: steps are done or skipped with a reason, actions approved, status set', async () => {
    const { path, vars } = env();
    // detection: the datasource is unavailable → one prompt, s(kip every metric step)
    // → triage: the queries and triage checks already skipped, so no `when:` is decided and every
    //   branch's step is asked: churn command d, growth manual d, upgrade manual d; simulate runs,
    //   measure command d, recent-changes s + reason
    // → containment: freeze d, raise-thresholds approve y + d, pin-previous-python d,
    //   shift-traffic approve n → mitigated y
    // → verification (auto, skipped): verified by hand? Enter (left unverified) → resolved y
    // → follow-up: d, d, d, d
    const answers = [
      's',
      'd',
      'd',
      'd',
      'd',
      's',
      'checked deploys: none',
      'd',
      'y',
      'd',
      'd',
      'n',
      'y',
      '',
      'y',
      'd',
      'd',
      'd',
      'd',
    ];
    const run = await cli(['walk', 'gc-full-collection-latency', '-i', 'job=checkout'], vars, { answers });
    expect(run.code).toBe(0);
    const store = new SqliteStore(path);
    const incident = await store.load('GC-2026-0001');
    await store.close();
    expect(incident?.status).toBe('resolved');
    expect(incident?.phase).toBe('follow-up');
    const step = (id: string) => incident?.steps.find((s) => s.id === id);
    expect(step('measure-pauses')?.status).toBe('done');
    expect(step('recent-changes')).toMatchObject({ status: 'skipped', reason: 'checked deploys: none' });
    expect(step('raise-thresholds')).toMatchObject({ status: 'done', approvedBy: 'cli:alice' });
    expect(step('shift-traffic')?.status).toBe('pending');
    expect(step('docs')?.status).toBe('done');
  });

  it('bad inputs and unknown runbooks get clear errors', async () => {
    const { vars } = env();
    const bad = await cli(['walk', 'gc-full-collection-latency', '--input', 'job=a"}or vector(1)'], vars);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('[INPUT_INVALID]');
    const missing = await cli(['walk', 'gc-full-collection-latency'], vars);
    expect(missing.stderr).toContain("input 'job' is required");
    const unknown = await cli(['walk', 'no-such-runbook'], vars);
    expect(unknown.stderr).toContain('[RUNBOOK_NOT_FOUND]');
    const malformed = await cli(['walk', 'gc-full-collection-latency', '--input', 'job'], vars);
    expect(malformed.code).toBe(2);
  });
});

describe('gc-incident incidents and show', () => {
  it('list incidents and print one with its timeline', async () => {
    const { vars } = env();
    await cli(['walk', 'gc-thrash-allocation-churn', '--input', 'job=api', '--auto'], vars);
    await cli(['walk', 'gc-disabled-or-starved', '--input', 'job=worker', '--auto'], vars);
    const list = await cli(['incidents'], vars);
    expect(list.stdout.split('\n')[0]).toMatch(
      /^ID\s+SEVERITY\s+STATUS\s+PHASE\s+OPENED \(UTC\)\s+SERVICE\s+RUNBOOK$/,
    );
    expect(list.stdout).toMatch(/GC-\d{4}-0002\s+sev2\s+open\s+triage/);
    expect(list.stdout).toContain('gc-thrash-allocation-churn');
    const json = JSON.parse((await cli(['incidents', '--json', '--limit', '1'], vars)).stdout);
    expect(json).toHaveLength(1);
    const id = String(json[0].id);
    const show = await cli(['show', id], vars);
    expect(show.stdout).toContain(`${id}: Collector disabled or starved`);
    // Each check with its operator and threshold, run or not (without a datasource, none ran).
    expect(show.stdout).toMatch(/PHASE\s+STEP\s+KIND\s+STATUS\s+CHECK\s+NOTE/);
    expect(show.stdout).toMatch(
      /verification\s+collections-running\s+check\s+skipped\s+>= 1 object \(skipped\)/,
    );
    expect(show.stdout).toMatch(/verification\s+memory-flat\s+check\s+skipped\s+< 1 MiB\/min \(skipped\)/);
    expect(show.stdout).toMatch(
      /Timeline \(UTC\)\n\d{4}-\d\d-\d\d \d\d:\d\d:\d\d {2}#1 {2}cli:alice {2}opened from runbook gc-disabled-or-starved/,
    );
    const nope = await cli(['show', 'GC-1999-0001'], vars);
    expect(nope.code).toBe(1);
    expect(nope.stderr).toContain('[INCIDENT_NOT_FOUND]');
  });

  it('a malformed DATABASE_URL names the variable', async () => {
    const run = await cli(['incidents'], { DATABASE_URL: 'mysql://x' });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('DATABASE_URL');
  });
});
