import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { lineOf, REPO, RUNBOOKS_DIR } from '../helpers/runbooks.js';

const shipped = join(RUNBOOKS_DIR, 'gc-thrash-allocation-churn.yaml');

function brokenCopy(): { dir: string; file: string; text: string } {
  const dir = mkdtempSync(join(tmpdir(), 'gc-incident-validate-'));
  const text = readFileSync(shipped, 'utf8').replace('  severity: sev3', '  severity: sev3\n  sevrity: sev2');
  const file = join(dir, 'broken.yaml');
  writeFileSync(file, text);
  return { dir, file, text };
}

describe('gc-incident validate', () => {
  it('exits 0 on the shipped runbooks and says so', async () => {
    const run = await cli(['validate', RUNBOOKS_DIR]);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/6 files checked, no problems found/);
  });

  it('defaults to RUNBOOKS_DIR', async () => {
    const run = await cli(['validate'], { RUNBOOKS_DIR });
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/files checked/);
  });

  it('exits 1 and prints FILE:LINE:COL: error: MESSAGE [rule]', async () => {
    const { file, text } = brokenCopy();
    const run = await cli(['validate', file]);
    expect(run.code).toBe(1);
    const line = lineOf(text, 'sevrity');
    expect(run.stdout).toBe(
      `${file}:${line}:3: error: /metadata: unknown property 'sevrity' [schema/additionalProperties]\n`,
    );
  });

  it('--format json prints a machine-readable list', async () => {
    const { file, text } = brokenCopy();
    const run = await cli(['validate', '--format', 'json', file]);
    expect(run.code).toBe(1);
    const parsed = JSON.parse(run.stdout) as { files: number; errors: number; diagnostics: unknown[] };
    expect(parsed).toEqual({
      files: 1,
      errors: 1,
      diagnostics: [
        {
          file,
          line: lineOf(text, 'sevrity'),
          col: 3,
          severity: 'error',
          rule: 'schema/additionalProperties',
          message: "/metadata: unknown property 'sevrity'",
          pointer: '/metadata',
        },
      ],
    });
  });

  it('--format github prints workflow annotations with escaped properties', async () => {
    const { file, text } = brokenCopy();
    const run = await cli(['validate', '-f', 'github', file]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe(
      `::error file=${file},line=${lineOf(text, 'sevrity')},col=3,title=schema/additionalProperties::/metadata: unknown property 'sevrity'\n`,
    );
  });

  it('a missing path is a problem (exit 1), an unknown option a usage error (exit 2)', async () => {
    const missing = await cli(['validate', join(REPO, 'no-such-folder')]);
    expect(missing.code).toBe(1);
    expect(missing.stdout).toContain('no such file or folder [file/not-found]');
    const usage = await cli(['validate', '--format', 'xml']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('Allowed choices are text, json, github');
    const unknown = await cli(['validate', '--nope']);
    expect(unknown.code).toBe(2);
  });

  it('a datasources file adds datasource names; a broken one is reported', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gc-incident-ds-'));
    const runbook = readFileSync(shipped, 'utf8').replace(/^inputs:/m, 'datasource: thanos\ninputs:');
    writeFileSync(join(dir, 'rb.yaml'), runbook);
    const without = await cli(['validate', join(dir, 'rb.yaml')]);
    expect(without.code).toBe(1);
    expect(without.stdout).toContain('[runbook/unknown-datasource]');
    writeFileSync(join(dir, 'ds.yaml'), 'datasources:\n  thanos:\n    url: http://127.0.0.1:10902\n');
    const withFile = await cli(['validate', join(dir, 'rb.yaml')], {
      DATASOURCES_FILE: join(dir, 'ds.yaml'),
    });
    expect(withFile.code).toBe(0);
    const withFlag = await cli(['validate', '--datasource', 'thanos', '--', join(dir, 'rb.yaml')]);
    expect(withFlag.code).toBe(0);
    writeFileSync(join(dir, 'bad-ds.yaml'), 'datasources:\n  thanos:\n    url: 42\n');
    const bad = await cli(['validate', join(dir, 'rb.yaml')], { DATASOURCES_FILE: join(dir, 'bad-ds.yaml') });
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain(
      `${join(dir, 'bad-ds.yaml')}:3:10: error: /datasources/thanos/url: must be string`,
    );
  });

  it('with HTTP_ACTIONS_FILE set, unknown httpAction names are reported', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gc-incident-actions-'));
    writeFileSync(
      join(dir, 'actions.yaml'),
      'actions:\n  gc-collect:\n    method: POST\n    url: http://127.0.0.1:1/admin/collect\n',
    );
    const run = await cli(['validate', RUNBOOKS_DIR], { HTTP_ACTIONS_FILE: join(dir, 'actions.yaml') });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(
      /gc-full-collection-latency\.yaml:\d+:\d+: error: \/containment\/actions\/1\/httpAction|HTTP action 'gc-set-threshold' is not defined in HTTP_ACTIONS_FILE \(defined: gc-collect\) \[runbook\/unknown-http-action\]/,
    );
    expect(run.stdout).not.toContain("'gc-collect' is not defined");
    writeFileSync(
      join(dir, 'actions.yaml'),
      `${['gc-collect', 'gc-set-threshold', 'gc-enable', 'gc-freeze-refork'].reduce(
        (y, n) => `${y}  ${n}:\n    method: POST\n    url: http://127.0.0.1:1/x\n`,
        'actions:\n',
      )}  gc-diagnostics:\n    method: GET\n    readOnly: true\n    url: http://127.0.0.1:1/debug/gc\n`,
    );
    expect(
      (await cli(['validate', RUNBOOKS_DIR], { HTTP_ACTIONS_FILE: join(dir, 'actions.yaml') })).code,
    ).toBe(0);
  });

  it('a malformed PROMETHEUS_URL is a configuration error naming the variable', async () => {
    const run = await cli(['validate', RUNBOOKS_DIR], { PROMETHEUS_URL: 'not a url' });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('PROMETHEUS_URL');
    expect(run.stderr).toContain('[CONFIG_INVALID]');
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('two runbooks with the same id are reported', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gc-incident-dup-'));
    const text = readFileSync(shipped, 'utf8');
    writeFileSync(join(dir, 'a.yaml'), text);
    writeFileSync(join(dir, 'b.yaml'), text);
    const run = await cli(['validate', dir]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(`${join(dir, 'b.yaml')}:${lineOf(text, '  id: ')}:7: error: runbook id`);
  });
});

describe('gc-incident runbooks', () => {
  it('lists id, severity, title and alerts from RUNBOOKS_DIR', async () => {
    const run = await cli(['runbooks'], { RUNBOOKS_DIR });
    expect(run.code).toBe(0);
    expect(run.stdout.split('\n')[0]).toMatch(/^ID\s+SEVERITY\s+TITLE\s+ALERTS\s+FROM$/);
    expect(run.stdout).toMatch(/gc-prefork-copy-on-write\s+sev2\s+Copy-on-write/);
  });

  it('--json prints every runbook', async () => {
    const run = await cli(['runbooks', '--json'], { RUNBOOKS_DIR });
    const list = JSON.parse(run.stdout) as { id: string; alerts: string[] }[];
    expect(list.length).toBeGreaterThanOrEqual(6);
    expect(list.find((r) => r.id === 'gc-disabled-or-starved')?.alerts).toEqual(['PythonGCStalled']);
  });

  it('skips invalid runbooks and says why', async () => {
    const { dir } = brokenCopy();
    writeFileSync(join(dir, 'good.yaml'), readFileSync(join(RUNBOOKS_DIR, 'gc-disabled-or-starved.yaml')));
    const run = await cli(['runbooks', '--dir', dir]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('gc-disabled-or-starved');
    expect(run.stdout).not.toContain('gc-thrash-allocation-churn');
    expect(run.stderr).toContain('1 runbook file(s) skipped as invalid');
  });
});
