/**
 * `gc-incident test` before it starts anything: a missing Prometheus is a clear error, an invalid
 * test file is reported at FILE:LINE:COL, and validate warns about a runbook without tests.
 * The runs against Prometheus are in runbook-tests.integration.test.ts.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { lineOf, RUNBOOKS_DIR, shippedCopy } from '../helpers/runbooks.js';

const THRASH = 'gc-thrash-allocation-churn';

describe('gc-incident test without Prometheus, and on invalid files', () => {
  it('says how to install promtool and prometheus when they are missing', async () => {
    const run = await cli(['test', RUNBOOKS_DIR], { PATH: '/nonexistent' });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /apt-get install --no-install-recommends prometheus.*\[PROMETHEUS_NOT_INSTALLED\]/,
    );
  });

  it('exits 2 with FILE:LINE:COL for an invalid test file, before starting anything', async () => {
    const { runbooks } = shippedCopy(THRASH);
    const file = join(runbooks, 'tests', `${THRASH}.test.yaml`);
    const text = readFileSync(file, 'utf8')
      .replace("values: '0+6000x60'", "values: '0+6000y60'")
      .replace('check: young-collection-rate', 'check: young-colection-rate')
      .replace('verification: holds', 'verification: hold');
    writeFileSync(file, text);
    const run = await cli(['test', file], { PATH: '/nonexistent' });
    expect(run.code).toBe(2);
    expect(run.stdout).toContain(
      `${file}:${lineOf(text, 'verification: hold')}:23: error: /tests/3/cases/0/verification: must be 'holds' or 'fails' [schema/enum]`,
    );
    writeFileSync(file, text.replace('verification: hold', 'verification: holds'));
    const lint = await cli(['test', file], { PATH: '/nonexistent' });
    expect(lint.code).toBe(2);
    expect(lint.stdout).toContain(`${file}:${lineOf(text, '0+6000y60')}:17: error: cannot read '0+6000y60'`);
    expect(lint.stdout).toContain(
      `${file}:${lineOf(text, 'young-colection-rate')}:16: error: case "the young-collection rate is 100/s": the runbook has no check 'young-colection-rate'`,
    );
  });

  it('validate warns runbook/untested for a runbook without a test file, and still exits 0', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gc-incident-untested-'));
    mkdirSync(join(dir, 'runbooks'));
    cpSync(
      join(RUNBOOKS_DIR, 'gc-disabled-or-starved.yaml'),
      join(dir, 'runbooks', 'gc-disabled-or-starved.yaml'),
    );
    const file = join(dir, 'runbooks', 'gc-disabled-or-starved.yaml');
    const run = await cli(['validate', file]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      `${file}:${lineOf(readFileSync(file, 'utf8'), 'id: gc-disabled-or-starved')}:7: warning: runbook 'gc-disabled-or-starved' has no test file`,
    );
    expect(run.stdout).toContain('[runbook/untested]');
    expect(existsSync(join(dir, 'runbooks', 'tests'))).toBe(false);
    expect((await cli(['validate', RUNBOOKS_DIR])).stdout).toBe('');
  });
});
