/** The package's own runbooks and workloads when the user has none, and a user's runbook overriding one by id. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  resolveContentDirs,
  SHIPPED_RUNBOOKS_DIR,
  SHIPPED_WORKLOADS_DIR,
  shippedContentNotice,
} from '../../src/content-dirs.js';
import { cli } from '../helpers/cli.js';
import { RUNBOOKS_DIR } from '../helpers/runbooks.js';

const none = () => false;

describe('where runbooks come from', () => {
  it('RUNBOOKS_DIR first, then ./runbooks, then the shipped folder', () => {
    expect(resolveContentDirs({ runbooksDir: '/srv/rb' }, () => true)).toMatchObject({
      runbooksDir: '/srv/rb',
      runbooksSource: 'RUNBOOKS_DIR',
      workloadsDir: './workloads',
    });
    expect(resolveContentDirs({}, (p) => p === './runbooks')).toMatchObject({
      runbooksDir: './runbooks',
      runbooksSource: './runbooks',
      workloadsDir: SHIPPED_WORKLOADS_DIR,
    });
    const shipped = resolveContentDirs({ runbooksDir: '  ' }, none);
    expect(shipped).toMatchObject({ runbooksDir: SHIPPED_RUNBOOKS_DIR, runbooksSource: 'shipped' });
    expect(resolve(shipped.runbooksDir)).toBe(resolve(RUNBOOKS_DIR));
  });

  it('says once, with the count, that the shipped runbooks are in use', () => {
    expect(shippedContentNotice(resolveContentDirs({}, none), '9.9.9')).toBe(
      "using the 6 runbooks shipped with gc-incident 9.9.9 (no RUNBOOKS_DIR and no ./runbooks; 'gc-incident init' starts your own)",
    );
    expect(shippedContentNotice(resolveContentDirs({ runbooksDir: '/x' }, none), '1')).toBeUndefined();
  });

  it("a user's folder overrides a shipped runbook by id and keeps the others", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gc-incident-override-'));
    const text = readFileSync(join(RUNBOOKS_DIR, 'gc-disabled-or-starved.yaml'), 'utf8').replace(
      'title: Collector disabled or starved while memory climbs',
      'title: Our own take on a disabled collector',
    );
    writeFileSync(join(dir, 'ours.yaml'), text);
    const run = await cli(['runbooks', '--json'], { RUNBOOKS_DIR: dir });
    expect(run.code).toBe(0);
    const list = JSON.parse(run.stdout) as { id: string; title: string; shipped: boolean; file: string }[];
    expect(list).toHaveLength(6);
    const ours = list.find((r) => r.id === 'gc-disabled-or-starved');
    expect(ours).toMatchObject({ title: 'Our own take on a disabled collector', shipped: false });
    expect(ours?.file).toBe(join(dir, 'ours.yaml'));
    expect(list.filter((r) => r.shipped)).toHaveLength(5);
  });

  it('a broken override hides the shipped runbook instead of silently falling back to it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gc-incident-override-'));
    const text = readFileSync(join(RUNBOOKS_DIR, 'gc-disabled-or-starved.yaml'), 'utf8').replace(
      '  severity: sev2',
      '  severity: sev9',
    );
    writeFileSync(join(dir, 'ours.yaml'), text);
    const run = await cli(['runbooks', '--json'], { RUNBOOKS_DIR: dir });
    expect(run.code).toBe(1);
    const ids = (JSON.parse(run.stdout) as { id: string }[]).map((r) => r.id);
    expect(ids).toHaveLength(5);
    expect(ids).not.toContain('gc-disabled-or-starved');
    expect(run.stderr).toContain('1 runbook file(s) skipped as invalid');
  });
});
