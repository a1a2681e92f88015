/** Rules beyond the schema, each proven on one change to a minimal valid runbook. */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lineOf, REPO, readText, validateText } from '../helpers/runbooks.js';

const minimal = readText(join(REPO, 'tests/fixtures/runbooks/minimal.yaml'));
const rules = (text: string, datasources?: string[]) => validateText(text, 'minimal.yaml', datasources);

describe('runbook rules', () => {
  it('the minimal fixture is valid', () => {
    expect(rules(minimal)).toEqual([]);
  });

  it('duplicate step ids are reported at the second one', () => {
    const text = minimal.replace('    - id: gen2-ok', '    - id: gen2');
    const d = rules(text);
    expect(d).toEqual([
      expect.objectContaining({
        rule: 'runbook/duplicate-id',
        line: text.split('\n').lastIndexOf('    - id: gen2') + 1,
        col: 11,
      }),
    ]);
    expect(d[0]?.message).toContain('/detection/checks/0');
  });

  it('a template naming an undeclared input is reported at the placeholder', () => {
    const text = minimal.replace(
      'rate(python_gc_collections_total{job="{{job}}"}[5m])',
      'rate(x{job="{{jbo}}"}[5m])',
    );
    const line = lineOf(text, '{{jbo}}');
    const col = (text.split('\n')[line - 1] ?? '').indexOf('{{jbo}}') + 1;
    expect(rules(text)).toEqual([
      expect.objectContaining({
        rule: 'runbook/undefined-input',
        line,
        col,
        message: expect.stringContaining('jbo'),
      }),
    ]);
  });

  it('PromQL that does not parse is reported at the column where the parser stops', () => {
    const text = minimal.replace(
      'query: rate(python_gc_collections_total{job="{{job}}"}[5m])',
      'query: rate(python_gc_collections_total{job="{{job}}"}[5m]',
    );
    const line = text.split('\n').findIndex((l) => l.endsWith('[5m]')) + 1;
    const d = rules(text);
    expect(d).toHaveLength(1);
    expect(d[0]).toMatchObject({ rule: 'runbook/promql', line });
    const lineText = text.split('\n')[line - 1] ?? '';
    expect(d[0]?.col).toBe(lineText.length + 1);
  });

  it('an unknown PromQL function is a parse error', () => {
    const text = minimal.replace('query: rate(python_gc', 'query: ratez(python_gc');
    expect(rules(text).map((d) => d.rule)).toEqual(['runbook/promql']);
  });

  it('durations with units out of order are refused with the reason', () => {
    const text = minimal.replace('stableFor: 10m', 'stableFor: 5m1h');
    expect(rules(text)).toEqual([
      expect.objectContaining({
        rule: 'runbook/duration',
        line: lineOf(text, 'stableFor: 5m1h'),
        message: expect.stringContaining('largest to smallest'),
      }),
    ]);
  });

  it('a duration that is not one fails the schema with an author-friendly message', () => {
    const text = minimal.replace('stableFor: 10m', 'stableFor: 10 minutes');
    expect(rules(text)).toEqual([
      expect.objectContaining({
        rule: 'schema/pattern',
        message: expect.stringContaining('Prometheus-style duration'),
      }),
    ]);
  });

  it('an unknown datasource is an error unless configured', () => {
    const text = minimal.replace(
      '      threshold: 0.01\ntriage',
      '      threshold: 0.01\n      datasource: thanos\ntriage',
    );
    expect(rules(text)).toEqual([
      expect.objectContaining({
        rule: 'runbook/unknown-datasource',
        line: lineOf(text, 'datasource: thanos'),
      }),
    ]);
    expect(rules(text, ['default', 'thanos'])).toEqual([]);
  });

  it('a URL instead of a datasource name is refused', () => {
    const text = minimal.replace('inputs:', 'datasource: http://prometheus:9090\ninputs:');
    expect(rules(text)).toEqual([
      expect.objectContaining({
        rule: 'schema/pattern',
        message: expect.stringContaining('URLs belong in configuration'),
      }),
    ]);
  });

  it('a high-risk action needs confirmation and a rollback', () => {
    const text = minimal.replace('      risk: low', '      risk: high');
    const d = rules(text);
    const messages = d.map((x) => x.message);
    expect(messages).toContainEqual(expect.stringContaining("needs a 'rollback'"));
    expect(messages).toContainEqual(expect.stringContaining("needs 'confirmation"));
    const fixed = text.replace(
      '      guidance: Do it.',
      '      guidance: Do it.\n      rollback: unfreeze\n      confirmation:\n        required: true',
    );
    expect(rules(fixed)).toEqual([]);
    const unconfirmed = fixed.replace('        required: true', '        required: false');
    expect(rules(unconfirmed).map((x) => x.message)).toContainEqual(
      expect.stringContaining('confirmation.required: true'),
    );
  });

  it('an http action must name a configured action, never a URL', () => {
    const text = minimal.replace('      kind: manual', '      kind: http');
    expect(rules(text).map((d) => d.message)).toContainEqual(expect.stringContaining("needs 'httpAction'"));
    const withUrl = text.replace(
      '      guidance: Do it.',
      '      guidance: Do it.\n      httpAction: http://evil/x',
    );
    expect(rules(withUrl).map((d) => d.rule)).toContain('schema/pattern');
  });

  it('an input default must match its pattern', () => {
    const text = minimal.replace('    default: app', '    default: App-1');
    expect(rules(text)).toEqual([
      expect.objectContaining({ rule: 'runbook/input-default', line: lineOf(text, 'default: App-1') }),
    ]);
  });

  it('an unquoted 3.10 is caught with a hint to quote it', () => {
    const text = minimal.replace('pythonVersions: ["3.12"]', 'pythonVersions: [3.10]');
    expect(rules(text)[0]?.message).toContain('quote it');
  });

  it('an operator that YAML would misread is explained', () => {
    const text = minimal.replace('      operator: ">"', '      operator: gt');
    expect(rules(text)[0]?.message).toContain('one of >, >=');
  });

  it('a triage step of an unknown kind names the allowed kinds', () => {
    const text = minimal.replace('      kind: query', '      kind: sql');
    expect(rules(text)).toEqual([
      expect.objectContaining({
        line: lineOf(text, 'kind: sql') - 1,
        message: expect.stringContaining('query, simulate, command, link, manual or diagnose'),
      }),
    ]);
  });

  it('verification whose deadline is shorter than stableFor can never pass', () => {
    const text = minimal.replace('  stableFor: 10m', '  stableFor: 10m\n  deadline: 5m');
    expect(rules(text)).toEqual([
      expect.objectContaining({ rule: 'runbook/duration', line: lineOf(text, 'deadline: 5m') }),
    ]);
  });

  it('range options on an instant query are flagged', () => {
    const text = minimal.replace('      type: range\n', '');
    expect(rules(text).map((d) => d.rule)).toEqual(['runbook/query-type']);
  });
});
