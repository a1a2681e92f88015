/** Alert rules generated from the runbooks pass promtool, and fire on the series that should fire them. */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { alertRule } from '../../src/core/runbook/alert-rules.js';
import { cli } from '../helpers/cli.js';
import { shippedRunbook } from '../helpers/engine.js';
import { RUNBOOKS_DIR } from '../helpers/runbooks.js';

const noPromtool = existsSync('/usr/bin/promtool')
  ? undefined
  : 'promtool not installed (apt-get install prometheus): rule tests skipped';
if (noPromtool) console.log(noPromtool);

describe.skipIf(noPromtool !== undefined)('gc-incident rules', () => {
  it('prints one alert per runbook that promtool check rules accepts', async () => {
    const run = await cli(['rules'], { RUNBOOKS_DIR });
    expect(run.code).toBe(0);
    const dir = mkdtempSync(join(tmpdir(), 'gc-incident-rules-'));
    writeFileSync(join(dir, 'gc-rules.yml'), run.stdout);
    const out = execFileSync('promtool', ['check', 'rules', join(dir, 'gc-rules.yml')], { encoding: 'utf8' });
    expect(out).toContain('SUCCESS: 6 rules found');
    expect(run.stdout).toContain('runbook_id: gc-prefork-copy-on-write');
  });

  it('promtool test rules: the thrash alert fires under churn and stays silent without it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gc-incident-rules-'));
    writeFileSync(join(dir, 'gc-rules.yml'), (await cli(['rules'], { RUNBOOKS_DIR })).stdout);
    const runbook = shippedRunbook('gc-thrash-allocation-churn');
    const rule = alertRule(runbook, { runbookUrl: 'runbooks/{id}.yaml' });
    const fixture = {
      rule_files: ['gc-rules.yml'],
      evaluation_interval: '1m',
      tests: [
        {
          // 100 young collections per second and 90 % CPU: thrash.
          interval: '1m',
          input_series: [
            { series: 'python_gc_collections_total{job="api",generation="0"}', values: '0+6000x40' },
            { series: 'process_cpu_seconds_total{job="api"}', values: '0+54x40' },
          ],
          alert_rule_test: [
            { eval_time: '8m', alertname: 'PythonGCThrash', exp_alerts: [] },
            {
              eval_time: '20m',
              alertname: 'PythonGCThrash',
              exp_alerts: [
                {
                  exp_labels: { severity: 'sev3', runbook_id: 'gc-thrash-allocation-churn' },
                  exp_annotations: rule.annotations,
                },
              ],
            },
          ],
        },
        {
          // Same collection rate but an idle CPU: the runbook needs both (mode all).
          interval: '1m',
          input_series: [
            { series: 'python_gc_collections_total{job="api",generation="0"}', values: '0+6000x40' },
            { series: 'process_cpu_seconds_total{job="api"}', values: '0+6x40' },
          ],
          alert_rule_test: [{ eval_time: '20m', alertname: 'PythonGCThrash', exp_alerts: [] }],
        },
      ],
    };
    writeFileSync(join(dir, 'test.yml'), stringify(fixture));
    const result = spawnSync('promtool', ['test', 'rules', join(dir, 'test.yml')], {
      encoding: 'utf8',
      cwd: dir,
    });
    expect(result.stdout + result.stderr).toContain('SUCCESS');
    expect(result.status).toBe(0);
  });
});
