/** Configured HTTP actions against the bundled GC service's real admin endpoints. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../src/adapters/store/sqlite-store.js';
import { cli } from '../helpers/cli.js';
import { labMissing, type Running, startService } from '../helpers/lab.js';
import { RUNBOOKS_DIR } from '../helpers/runbooks.js';

const missing = labMissing();

describe.skipIf(missing !== undefined)('HTTP actions', () => {
  let service: Running;
  let env: Record<string, string>;
  const state = async () =>
    (await (await fetch(`${service.url}/admin/state`)).json()) as { threshold: number[]; mode: string };

  beforeAll(async () => {
    service = await startService('steady');
    const dir = mkdtempSync(join(tmpdir(), 'gc-incident-actions-'));
    writeFileSync(
      join(dir, 'actions.yaml'),
      [
        'actions:',
        '  gc-set-threshold:',
        '    method: POST',
        `    url: ${service.url}/admin/threshold?t0=10000&t1=10&t2=10`,
        '    headersFromEnv: { X-Admin-Token: GC_ADMIN_TOKEN }',
        '    timeout: 5s',
        '  gc-mode:',
        '    method: POST',
        `    url: ${service.url}/admin/mode?name={{mode}}`,
        '  broken:',
        '    method: POST',
        `    url: ${service.url}/admin/nope`,
        '',
      ].join('\n'),
    );
    env = {
      HTTP_ACTIONS_FILE: join(dir, 'actions.yaml'),
      GC_ADMIN_TOKEN: 'not-printed-anywhere',
      DATABASE_URL: `sqlite:${join(dir, 'gc.db')}`,
      RUNBOOKS_DIR,
      USER: 'alice',
    };
  }, 60_000);
  afterAll(async () => service?.stop());

  it('calls the configured endpoint and reports status and duration, never secrets', async () => {
    const run = await cli(['action', 'gc-set-threshold'], env);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /^POST http:\/\/127\.0\.0\.1:\d+\/admin\/threshold\?t0=10000&t1=10&t2=10 → 200 in \d+ ms\n$/,
    );
    expect(run.stdout + run.stderr).not.toContain('not-printed-anywhere');
    expect((await state()).threshold).toEqual([10000, 10, 10]);
  });

  it('inputs are URL-encoded into the configured URL', async () => {
    const bad = await cli(['action', 'gc-mode', '--input', 'mode=churn&x=1'], env);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain('name=churn%26x%3D1');
    expect(bad.stdout).toContain('400');
    expect((await cli(['action', 'gc-mode', '--input', 'mode=cycles'], env)).code).toBe(0);
    expect((await state()).mode).toBe('cycles');
    await cli(['action', 'gc-mode', '--input', 'mode=steady'], env);
  });

  it('an unexpected status fails; an unknown action or a missing secret is a clear error', async () => {
    const broken = await cli(['action', 'broken'], env);
    expect(broken.code).toBe(1);
    expect(broken.stdout).toContain('404');
    expect((await cli(['action', 'nope'], env)).stderr).toContain('[ACTION_NOT_CONFIGURED]');
    const noSecret = await cli(['action', 'gc-set-threshold'], { ...env, GC_ADMIN_TOKEN: '' });
    expect(noSecret.stderr).toContain('GC_ADMIN_TOKEN');
  });

  it('a walk calls the containment action after asking, and records the call on the step', async () => {
    await cli(['action', 'gc-mode', '--input', 'mode=steady'], env);
    // no datasource: skip the metric steps (Enter); triage: command d, manual d; containment:
    // call raise-young-threshold y, disable-feature left pending
    const answers = ['', 'd', 'd', 'y', '', 'n', '', '', '', '', '', ''];
    const run = await cli(['walk', 'gc-thrash-allocation-churn', '--input', 'job=gcsvc'], env, { answers });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /Call HTTP action 'gc-set-threshold' now\? \[y\/N\]\s+→ POST .*: 200 in \d+ ms, done/,
    );
    const id = /Opened (GC-\d{4}-\d{4})/.exec(run.stdout)?.[1] ?? '';
    const store = new SqliteStore(env.DATABASE_URL?.slice('sqlite:'.length) ?? '');
    const step = (await store.load(id))?.steps.find((s) => s.id === 'raise-young-threshold');
    await store.close();
    expect(step).toMatchObject({
      status: 'done',
      result: { action: 'gc-set-threshold', status: 200, ok: true },
    });
    expect(JSON.stringify(step)).not.toContain('not-printed-anywhere');
  });
});
