/**
 * Alert rules generated from the shipped runbooks pass promtool, and fire per service:
 * for every shipped runbook a generated `promtool test rules` file proves that two
 * breaching jobs give two alerts with their own labels and a quiet job gives none.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { type AlertFixture, alertRuleTest } from '../../src/core/alerts/rule-tests.js';
import { cli } from '../helpers/cli.js';
import { shippedRunbook } from '../helpers/engine.js';
import { REPO, RUNBOOKS_DIR } from '../helpers/runbooks.js';

const noPromtool = existsSync('/usr/bin/promtool')
  ? undefined
  : 'promtool not installed (apt-get install prometheus): rule tests skipped';
if (noPromtool) console.log(noPromtool);

const URL_TEMPLATE = 'https://runbooks.example/{id}';
const fixtures = parse(readFileSync(join(REPO, 'tests/fixtures/alerts/series.yaml'), 'utf8')) as Record<
  string,
  AlertFixture
>;
const shipped = readdirSync(RUNBOOKS_DIR)
  .filter((f) => f.endsWith('.yaml'))
  .map((f) => f.replace(/\.yaml$/, ''))
  .sort();

describe.skipIf(noPromtool !== undefined)('gc-incident rules', () => {
  it('prints one alert per runbook that promtool check rules accepts, every one per job', async () => {
    const run = await cli(['rules', '--runbook-url', URL_TEMPLATE], { RUNBOOKS_DIR });
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    const dir = mkdtempSync(join(tmpdir(), 'gc-incident-rules-'));
    writeFileSync(join(dir, 'gc-rules.yml'), run.stdout);
    const out = execFileSync('promtool', ['check', 'rules', join(dir, 'gc-rules.yml')], { encoding: 'utf8' });
    expect(out).toContain(`SUCCESS: ${shipped.length} rules found`);
    const rules = (parse(run.stdout) as { groups: { rules: { expr: string; labels: object }[] }[] }).groups[0]
      ?.rules;
    expect(rules).toHaveLength(shipped.length);
    for (const rule of rules ?? []) {
      expect(rule.expr).toContain('by (job)');
      expect(rule.expr).not.toMatch(/\b(?:max|min|sum|avg|count)\(/);
    }
  });

  it('without RUNBOOK_BASE_URL or --runbook-url it warns that the links are relative', async () => {
    const run = await cli(['rules'], { RUNBOOKS_DIR });
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('RUNBOOK_BASE_URL');
    const withBase = await cli(['rules'], { RUNBOOKS_DIR, RUNBOOK_BASE_URL: 'https://git.example/rb' });
    expect(withBase.stderr).toBe('');
    expect(withBase.stdout).toContain('runbook_url: https://git.example/rb/gc-thrash-allocation-churn.yaml');
  });

  it('every shipped runbook has series that breach and series that stay quiet', () => {
    expect(Object.keys(fixtures).sort()).toEqual(shipped);
  });

  it('promtool test rules, per runbook: two breaching jobs give two alerts, a quiet job none', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gc-incident-rules-'));
    writeFileSync(
      join(dir, 'gc-rules.yml'),
      (await cli(['rules', '--runbook-url', URL_TEMPLATE], { RUNBOOKS_DIR })).stdout,
    );
    const files = shipped.map((id) => {
      const fixture = fixtures[id] as AlertFixture;
      const test = alertRuleTest(shippedRunbook(id), fixture, { runbookUrl: URL_TEMPLATE }, 'gc-rules.yml');
      writeFileSync(join(dir, `${id}.test.yml`), stringify(test));
      return `${id}.test.yml`;
    });
    // One promtool run for all the files keeps the test fast.
    const result = spawnSync('promtool', ['test', 'rules', ...files], { encoding: 'utf8', cwd: dir });
    const output = result.stdout + result.stderr;
    for (const f of files) expect(output).toContain(`Unit Testing:  ${f}`);
    expect(output, output).not.toContain('FAILED');
    expect(result.status, output).toBe(0);
  });
});
