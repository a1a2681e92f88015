/**
 * `gc-incident test`: the shipped runbooks' test files pass, and a copy whose detection
 * threshold is raised far above the test series fails at the runbook line of that threshold.
 * Checks are evaluated by Debian's Prometheus (promtool builds the block, prometheus serves it).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findExecutable } from '../../src/adapters/lab/lab.js';
import { cli } from '../helpers/cli.js';
import { lineOf, RUNBOOKS_DIR, shippedCopy } from '../helpers/runbooks.js';

const env = { PATH: process.env.PATH };
const noEngine =
  findExecutable('promtool', env.PATH) && findExecutable('prometheus', env.PATH)
    ? undefined
    : 'promtool or prometheus not installed (apt-get install prometheus): gc-incident test runs skipped';
if (noEngine) console.log(noEngine);

const THRASH = 'gc-thrash-allocation-churn';

/** Raises the young-collection detection threshold from 50 to 5000 and returns the line it is on. */
function raiseThreshold(file: string): number {
  const text = readFileSync(file, 'utf8');
  const start = text.indexOf('- id: young-collection-rate');
  const at = text.indexOf('threshold: 50', start);
  writeFileSync(file, `${text.slice(0, at)}threshold: 5000${text.slice(at + 'threshold: 50'.length)}`);
  return text.slice(0, at).split('\n').length;
}

describe.skipIf(noEngine !== undefined)('gc-incident test', () => {
  it('passes every case of the shipped runbooks', async () => {
    const run = await cli(['test', RUNBOOKS_DIR], env);
    expect(run.stderr).toMatch(/^6 test files, \d+ cases: \d+ passed, 0 failed\n$/);
    expect(run.code).toBe(0);
    expect(run.stdout.match(/^ok {3}.*\.test\.yaml \(\d+ cases\)$/gm)).toHaveLength(6);
  });

  it('a detection threshold raised above the test values fails at the runbook line of that threshold', async () => {
    const { runbooks, file } = shippedCopy(THRASH);
    const line = raiseThreshold(file);
    const run = await cli(['test', runbooks], env);
    expect(run.code).toBe(1);
    const testFile = join(runbooks, 'tests', `${THRASH}.test.yaml`);
    const caseLine = lineOf(
      readFileSync(testFile, 'utf8'),
      'name: detection fires on 100 young collections/s',
    );
    expect(run.stdout).toContain(
      `${file}:${line}:18: case "detection fires on 100 young collections/s and 90% CPU": expected fires, got quiet (young-collection-rate = 100 < 5000) [${testFile}:${caseLine}:9]\n`,
    );
    // Only that runbook's fires case fails; its quiet cases still pass at 5000.
    expect(run.stdout.match(/: case "/g)).toHaveLength(1);
    expect(run.stdout).toContain(`FAIL ${testFile} (1 of 6 cases failed)`);
    expect(run.stderr).toMatch(/1 failed/);

    const github = await cli(
      ['test', '--format', 'github', join(runbooks, 'tests', `${THRASH}.test.yaml`)],
      env,
    );
    expect(github.code).toBe(1);
    expect(github.stdout).toMatch(
      new RegExp(
        `^::error file=${file.replace(/[/.]/g, (c) => `\\${c}`)},line=${line},col=18,title=runbook test .*::case "detection fires on 100 young collections/s and 90%25 CPU": expected fires, got quiet \\(young-collection-rate = 100 < 5000\\)\n$`,
      ),
    );
  });

  it('reports JSON with every case, its verdict and the runbook position', async () => {
    const run = await cli(
      ['test', '--format', 'json', join(RUNBOOKS_DIR, 'tests', `${THRASH}.test.yaml`)],
      env,
    );
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as {
      cases: number;
      failed: number;
      results: {
        case: string;
        pass: boolean;
        expected: string;
        got: string;
        runbook: { file: string; line: number };
      }[];
    };
    expect(report.failed).toBe(0);
    expect(report.cases).toBe(report.results.length);
    const value = report.results.find((r) => r.expected.startsWith('young-collection-rate ='));
    expect(value?.got).toBe('100');
    expect(value?.runbook.line).toBe(
      lineOf(
        readFileSync(join(RUNBOOKS_DIR, `${THRASH}.yaml`), 'utf8'),
        'query: max(rate(python_gc_collections_total{job="{{job}}",generation="0"}',
      ),
    );
  });

  it('--init writes a valid starting file from the runbook, and refuses to overwrite it', async () => {
    const { runbooks } = shippedCopy(THRASH);
    const written = join(runbooks, 'tests', 'gc-full-collection-latency.test.yaml');
    const { rmSync } = await import('node:fs');
    rmSync(written);
    const init = await cli(['test', '--init', 'gc-full-collection-latency'], {
      ...env,
      RUNBOOKS_DIR: runbooks,
    });
    expect(init.code).toBe(0);
    expect(init.stdout).toContain(written);
    const text = readFileSync(written, 'utf8');
    expect(text).toContain('series: \'python_gc_collections_total{job="api",generation="2"}\'');
    expect(text).toContain('#   full-collection-pauses: (histogram_quantile(0.99');
    // The triage checks the runbook's `when:` conditions read are listed too.
    expect(text).toMatch(/# Triage checks .*'when:'/);
    expect(text).toMatch(/#\s+old-generation-growth: /);
    // Valid (exit 1, not 2): the placeholder values fail some cases until the author replaces them.
    const run = await cli(['test', written], env);
    expect(run.stderr).not.toMatch(/problem/);
    expect([0, 1]).toContain(run.code);
    const again = await cli(['test', '--init', 'gc-full-collection-latency'], {
      ...env,
      RUNBOOKS_DIR: runbooks,
    });
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/already exists/);
  });
});
