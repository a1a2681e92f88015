/** `when:` conditions: three-valued evaluation, Python ranges, and what validate refuses (with positions). */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  type ConditionFacts,
  evaluateCondition,
  parsePythonRange,
  parseVersion,
  satisfies,
} from '../../src/core/runbook/conditions.js';
import type { Condition } from '../../src/core/runbook/types.js';
import { lineOf, REPO, readText, validateText } from '../helpers/runbooks.js';

const facts = (over: Partial<ConditionFacts> = {}): ConditionFacts => ({
  checks: new Map([
    ['churn', 'firing'],
    ['growth', 'ok'],
    ['nodata', 'unknown'],
  ]),
  python: '3.12.4',
  collector: { enabled: true, frozen: false },
  inputs: { job: 'api', region: 'eu' },
  ...over,
});
const met = (c: Condition, f = facts()) => evaluateCondition(c, f).met;

describe('evaluating when:', () => {
  it('a check verdict: firing, ok and unknown (ran, no data) are all decided values', () => {
    expect(met({ check: 'churn', is: 'firing' })).toBe(true);
    expect(met({ check: 'growth', is: 'firing' })).toBe(false);
    expect(met({ check: 'nodata', is: 'unknown' })).toBe(true);
    expect(evaluateCondition({ check: 'growth', is: 'firing' }, facts()).reason).toBe(
      'check growth is ok (not firing)',
    );
  });

  it('a check with no verdict (not run, failed, skipped) leaves the condition undecided', () => {
    const r = evaluateCondition({ check: 'later', is: 'firing' }, facts());
    expect(r).toEqual({ met: undefined, reason: 'check later has no verdict yet' });
    expect(met({ not: { check: 'later', is: 'ok' } })).toBeUndefined();
  });

  it('Python ranges read the reported version; ==3.12 names the whole series', () => {
    expect(met({ python: '>=3.12' })).toBe(true);
    expect(met({ python: '>=3.8,<3.12' })).toBe(false);
    expect(met({ python: '==3.12' })).toBe(true);
    expect(met({ python: '!=3.12' })).toBe(false);
    expect(met({ python: '==3.12.0' })).toBe(false);
    expect(met({ python: '<3.12.5' })).toBe(true);
    expect(met({ python: '>=3.12' }, facts({ python: undefined }))).toBeUndefined();
    expect(evaluateCondition({ python: '>= 3.13' }, facts()).reason).toBe('Python 3.12.4 is not >=3.13');
  });

  it('the collector state and inputs', () => {
    expect(met({ collector: { enabled: false } })).toBe(false);
    expect(met({ collector: { enabled: true, frozen: false } })).toBe(true);
    expect(met({ collector: { frozen: true } }, facts({ collector: undefined }))).toBeUndefined();
    expect(met({ input: 'region', is: 'eu' })).toBe(true);
    expect(met({ input: 'region', in: ['us', 'ap'] })).toBe(false);
    expect(met({ input: 'missing', is: 'x' })).toBeUndefined();
  });

  it('any/all/not in three values: a decisive part decides even beside an undecided one', () => {
    const undecided: Condition = { check: 'later', is: 'firing' };
    expect(met({ any: [undecided, { check: 'churn', is: 'firing' }] })).toBe(true);
    expect(met({ any: [undecided, { check: 'growth', is: 'firing' }] })).toBeUndefined();
    expect(met({ all: [undecided, { check: 'growth', is: 'firing' }] })).toBe(false);
    expect(met({ all: [undecided, { check: 'churn', is: 'firing' }] })).toBeUndefined();
    expect(met({ not: { all: [{ check: 'churn', is: 'firing' }, { python: '>=3.12' }] } })).toBe(false);
    const r = evaluateCondition(
      {
        any: [
          { check: 'growth', is: 'firing' },
          { input: 'region', is: 'us' },
        ],
      },
      facts(),
    );
    expect(r).toEqual({
      met: false,
      reason: "check growth is ok (not firing); input region is 'eu' (not 'us')",
    });
  });

  it('parses version ranges and versions as python_info reports them', () => {
    expect(parseVersion('3.14.0rc1')).toEqual([3, 14, 0]);
    const range = parsePythonRange('>=3.8, <3.12');
    expect(range.ok).toBe(true);
    if (range.ok) expect(satisfies([3, 11, 9], range.comparators)).toBe(true);
    expect(parsePythonRange('~=3.12').ok).toBe(false);
  });
});

const minimal = readText(join(REPO, 'tests/fixtures/runbooks/minimal.yaml'));
const rules = (text: string) => validateText(text, 'minimal.yaml');
/** The minimal runbook with `when` lines after the freeze action's id (6-space indent). */
const withActionWhen = (lines: string) => minimal.replace('    - id: freeze\n', `    - id: freeze\n${lines}`);
const colOf = (text: string, line: number, needle: string) =>
  (text.split('\n')[line - 1] ?? '').indexOf(needle) + 1;

describe('validate refuses bad when:', () => {
  it('a valid condition on a detection check passes', () => {
    expect(rules(withActionWhen('      when: { check: gen2, is: firing }\n'))).toEqual([]);
  });

  it('an unknown check id, at the id', () => {
    const text = withActionWhen('      when: { check: gen3, is: firing }\n');
    const line = lineOf(text, 'check: gen3');
    expect(rules(text)).toEqual([
      expect.objectContaining({
        rule: 'runbook/when-unknown-check',
        file: 'minimal.yaml',
        line,
        col: colOf(text, line, 'gen3'),
        message: expect.stringContaining("no check 'gen3'"),
      }),
    ]);
  });

  it('a verification check runs too late to decide anything', () => {
    const text = withActionWhen('      when: { check: gen2-ok, is: ok }\n');
    expect(rules(text)).toEqual([
      expect.objectContaining({
        rule: 'runbook/when-unknown-check',
        message: expect.stringContaining('is a verification check'),
      }),
    ]);
  });

  it('an impossible Python range, at the range', () => {
    const text = withActionWhen('      when:\n        all:\n          - python: ">=3.13,<3.9"\n');
    const line = lineOf(text, '>=3.13,<3.9');
    expect(rules(text)).toEqual([
      expect.objectContaining({
        rule: 'runbook/when-python-range',
        line,
        col: colOf(text, line, '">=3.13'),
      }),
    ]);
  });

  it('an unknown input, and a value an enum never takes', () => {
    expect(rules(withActionWhen('      when: { input: region, is: eu }\n')).map((d) => d.rule)).toEqual([
      'runbook/when-unknown-input',
    ]);
    const withEnum = withActionWhen('      when: { input: job, in: [app, web] }\n').replace(
      '    pattern: "[a-z]+"\n',
      '    pattern: "[a-z]+"\n    enum: [app, api]\n',
    );
    const d = rules(withEnum);
    expect(d.map((x) => x.rule)).toEqual(['runbook/when-input-value']);
    expect(d[0]?.pointer).toBe('/containment/actions/0/when/in/1');
  });

  it('a step no outcome reaches: contradictory verdicts, or a Python the runbook does not declare', () => {
    const contradiction = withActionWhen(
      '      when:\n        all:\n          - { check: gen2, is: firing }\n          - { not: { check: gen2, is: firing } }\n',
    );
    const d = rules(contradiction);
    expect(d).toEqual([
      expect.objectContaining({
        rule: 'runbook/when-unreachable',
        line: lineOf(contradiction, '      when:'),
      }),
    ]);
    expect(d[0]?.message).toContain("action 'freeze'");
    // The minimal runbook declares 3.12 only.
    expect(rules(withActionWhen('      when: { python: ">=3.13" }\n')).map((x) => x.rule)).toEqual([
      'runbook/when-unreachable',
    ]);
    expect(rules(withActionWhen('      when: { python: ">=3.12.2" }\n'))).toEqual([]);
  });

  it('a step is unreachable when its phase and its own condition exclude each other', () => {
    const text = withActionWhen('      when: { check: gen2, is: ok }\n').replace(
      'containment:\n',
      'containment:\n  when: { check: gen2, is: firing }\n',
    );
    const d = rules(text);
    expect(d.map((x) => x.rule)).toEqual(['runbook/when-unreachable']);
    expect(d[0]?.message).toContain('together with its phase');
  });

  it('the schema refuses a malformed condition', () => {
    const d = rules(withActionWhen('      when: { check: gen2, is: burning }\n'));
    expect(d.length).toBeGreaterThan(0);
    expect(d.every((x) => x.rule.startsWith('schema/'))).toBe(true);
    expect(rules(withActionWhen('      when: { python: "3.12+" }\n')).length).toBeGreaterThan(0);
  });
});
