/**
 * Finding 9 (low): `gc-incident test` put no cap on a case's time span
 * (`until: 36500d` ran for hours). Replayed: the case is refused at its
 * `until` (file:line:col) before anything runs; so is a detection case
 * evaluated a century in; a week is still allowed.
 */
import { describe, expect, it } from 'vitest';
import { compileTestFile, MAX_CASE_SPAN_MS } from '../../src/core/runbook-tests/compile.js';
import { loadYaml } from '../../src/core/yaml/load-yaml.js';
import { shippedRunbook } from '../helpers/engine.js';

function compile(cases: string) {
  const text = `tests:\n  - inputs: { job: api }\n    input_series:\n      - series: 'up'\n        values: '1x10'\n    cases:\n${cases}`;
  const loaded = loadYaml('span.test.yaml', new TextEncoder().encode(text));
  if (!loaded.ok) throw new Error('fixture does not parse');
  return compileTestFile(
    loaded.value.data as never,
    shippedRunbook('gc-thrash-allocation-churn'),
    'span.test.yaml',
    loaded.value.locate,
  );
}

describe('the time span of a runbook test case', () => {
  it('refuses until: 36500d at its line and column, and runs nothing', () => {
    const out = compile(
      '      - name: forever\n        verification: holds\n        from: 0m\n        until: 36500d\n',
    );
    expect(out.diagnostics).toEqual([
      expect.objectContaining({
        rule: 'test/case-span',
        line: 10,
        col: 16,
        message: expect.stringContaining(
          'case "forever": reaches 876000h after the start; a case may span at most 7d',
        ),
      }),
    ]);
    expect(out.groups[0]?.cases).toEqual([]);
  });

  it('refuses a detection case evaluated a century in; a week is allowed', () => {
    const far = compile('      - name: late\n        detection: fires\n        eval_time: 36500d\n');
    expect(far.diagnostics.map((d) => d.rule)).toEqual(['test/case-span']);
    const week = compile('      - name: week\n        detection: fires\n        eval_time: 7d\n');
    expect(week.diagnostics).toEqual([]);
    expect(MAX_CASE_SPAN_MS).toBe(7 * 24 * 3600_000);
  });
});
