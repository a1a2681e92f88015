/**
 * `validate` warns where a runbook would show one threshold and send another: its title or
 * effect against its whatIf, and (with HTTP_ACTIONS_FILE) an HTTP action that sends values of
 * its own instead of the {{threshold0}}… placeholders the action fills.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { lineOf, REPO, RUNBOOKS_DIR } from '../helpers/runbooks.js';

const shipped = join(RUNBOOKS_DIR, 'gc-thrash-allocation-churn.yaml');
const dir = mkdtempSync(join(tmpdir(), 'gc-incident-effect-'));

function actionsFile(url: string): string {
  const file = join(dir, `actions-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, `actions:\n  gc-set-threshold:\n    method: POST\n    url: ${url}\n`);
  return file;
}

describe('validate: what an action shows is what it sends', () => {
  it('warns, with file:line:col, where the effect names other thresholds than whatIf; exit 0', async () => {
    const text = readFileSync(shipped, 'utf8').replace(
      'gc.set_threshold(100000, 10, 10)',
      'gc.set_threshold(10000, 10, 10)',
    );
    expect(text).toContain('gc.set_threshold(10000, 10, 10)');
    const file = join(dir, 'mismatch.yaml');
    writeFileSync(file, text);
    const run = await cli(['validate', file]);
    expect(run.code).toBe(0);
    const line = lineOf(text, 'effect: Runs');
    const col = (text.split('\n')[line - 1] ?? '').indexOf('Runs') + 1;
    expect(run.stdout.split('\n').filter((l) => l.includes('effect-mismatch'))).toEqual([
      `${file}:${line}:${col}: warning: effect names thresholds 10000, 10, 10, but whatIf is threshold=100000,10,10 (what is simulated and sent); make them the same [runbook/effect-mismatch]`,
    ]);
  });

  it('warns where the HTTP action sends fixed values instead of the placeholders', async () => {
    const fixed = await cli(['validate', shipped], {
      HTTP_ACTIONS_FILE: actionsFile('http://127.0.0.1:1/admin/threshold?t0=10000&t1=10&t2=10'),
    });
    expect(fixed.code).toBe(0);
    expect(fixed.stdout).toMatch(
      /:\d+:\d+: warning: HTTP action 'gc-set-threshold' sends values of its own, not this action's threshold=100000,10,10: write \{\{threshold0\}\}, \{\{threshold1\}\}, \{\{threshold2\}\} in its URL or body \(HTTP_ACTIONS_FILE\) \[runbook\/action-sends-fixed\]\n$/,
    );
    const placeholders = await cli(['validate', shipped], {
      HTTP_ACTIONS_FILE: actionsFile(
        'http://127.0.0.1:1/admin/threshold?t0={{threshold0}}&t1={{threshold1}}&t2={{threshold2}}',
      ),
    });
    expect(placeholders.stdout).not.toContain('action-sends-fixed');
  });

  it('the shipped runbooks with the shipped deploy/http-actions.yaml have no such warning', async () => {
    const run = await cli(['validate', RUNBOOKS_DIR], {
      HTTP_ACTIONS_FILE: join(REPO, 'deploy/http-actions.yaml'),
    });
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/6 files checked, no problems found/);
  });

  it('warns where the HTTP action needs placeholders the action does not fill', async () => {
    const text = readFileSync(shipped, 'utf8').replace(
      'whatIf: "threshold=100000,10,10"',
      'whatIf: "threshold=100000"',
    );
    expect(text).toContain('whatIf: "threshold=100000"\n');
    const file = join(dir, 'short.yaml');
    writeFileSync(file, text);
    const run = await cli(['validate', file], {
      HTTP_ACTIONS_FILE: actionsFile(
        'http://127.0.0.1:1/admin/threshold?t0={{threshold0}}&t1={{threshold1}}&t2={{threshold2}}',
      ),
    });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      "warning: HTTP action 'gc-set-threshold' needs {{threshold1}}, {{threshold2}}, which this action does not give: write all three thresholds in its whatIf (threshold=T0,T1,T2) [runbook/action-parameters]",
    );
  });
});
