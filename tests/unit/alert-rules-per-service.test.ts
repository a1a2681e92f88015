/** Generated alert rules keep the service label through every aggregation and match. */
import { describe, expect, it } from 'vitest';
import { keepLabels } from '../../src/core/alerts/per-series.js';
import { runbookUrlTemplate } from '../../src/core/alerts/runbook-url.js';
import { GcIncidentError } from '../../src/core/errors.js';
import { escapePromqlString } from '../../src/core/incident/render-query.js';
import { alertRule, seriesLabels } from '../../src/core/runbook/alert-rules.js';
import { shippedRunbook } from '../helpers/engine.js';

const code = (f: () => unknown) => {
  try {
    f();
  } catch (error) {
    return error instanceof GcIncidentError ? error.code : String(error);
  }
  return undefined;
};

describe('keepLabels', () => {
  it('adds the labels to aggregations without a modifier, with by, and to on()', () => {
    expect(keepLabels('max(rate(x[5m]))', ['job'])).toBe('max by (job) (rate(x[5m]))');
    expect(keepLabels('sum by (le) (x)', ['job', 'instance'])).toBe('sum by (le, job, instance) (x)');
    expect(keepLabels('sum(x) by (job)', ['job'])).toBe('sum(x) by (job)');
    expect(keepLabels('count(count by (version) (x))', ['job'])).toBe(
      'count by (job) (count by (version, job) (x))',
    );
    expect(keepLabels('a / on (instance) group_left b', ['job'])).toBe('a / on (instance, job) group_left b');
    expect(keepLabels('a / on () b', ['job'])).toBe('a / on (job) b');
    expect(keepLabels('rate(x[5m]) > 1', ['job'])).toBe('rate(x[5m]) > 1');
    expect(keepLabels('histogram_quantile(0.9, sum(rate(b[5m])))', ['job'])).toBe(
      'histogram_quantile(0.9, sum by (job) (rate(b[5m])))',
    );
  });

  it('refuses a query that removes the service label, with a code', () => {
    expect(code(() => keepLabels('sum without (job) (x)', ['job']))).toBe('ALERT_RULE_UNSUPPORTED');
    expect(code(() => keepLabels('a + ignoring (job) b', ['job']))).toBe('ALERT_RULE_UNSUPPORTED');
    expect(keepLabels('sum without (instance) (x)', ['job'])).toBe('sum without (instance) (x)');
  });
});

const thrash = shippedRunbook('gc-thrash-allocation-churn');

describe('alert rules per service', () => {
  it('the thrash rule compares each job to its threshold and joins the checks on job', () => {
    const runbook = thrash;
    expect(seriesLabels(runbook)).toEqual([{ input: 'job', seriesLabel: 'job', alertLabel: 'job' }]);
    const rule = alertRule(runbook, { runbookUrl: 'https://rb.example/{id}' });
    expect(rule.expr).toBe(
      '(max by (job) (rate(python_gc_collections_total{job=~".+",generation="0"}[5m])) > 50)' +
        ' and on (job) ' +
        '(max by (job) (rate(process_cpu_seconds_total{job=~".+"}[5m])) > 0.7)',
    );
    expect(rule.labels).toEqual({ severity: 'sev3', runbook_id: 'gc-thrash-allocation-churn' });
    expect(rule.for).toBe('600s');
    expect((rule.annotations as Record<string, string>).runbook_url).toBe(
      'https://rb.example/gc-thrash-allocation-churn',
    );
  });

  it('a lab can shorten the hold time and the windows without editing the runbook', () => {
    const rule = alertRule(thrash, {
      runbookUrl: 'https://rb.example/{id}',
      holdFor: '5s',
      inputs: { window: '15s' },
    });
    expect(rule.for).toBe('5s');
    expect(rule.expr).toContain('[15s]');
    expect(rule.expr).not.toContain('[5m]');
  });

  it('a runbook title cannot inject Go template syntax into the annotations', () => {
    const hostile = { ...thrash, metadata: { ...thrash.metadata, title: 'x {{ $value }} y' } };
    const rule = alertRule(hostile, { runbookUrl: 'https://rb.example/{id}' });
    expect((rule.annotations as Record<string, string>).summary).toBe(
      'x {{ "{{" }} $value }} y ({{ $labels.job }})',
    );
  });
});

describe('runbook_url', () => {
  it('takes an absolute base (appending /{id}.yaml) or a template, and refuses relative ones', () => {
    expect(runbookUrlTemplate('https://git.example/rb/', 'X')).toBe('https://git.example/rb/{id}.yaml');
    expect(runbookUrlTemplate('https://wiki.example/{id}', 'X')).toBe('https://wiki.example/{id}');
    expect(code(() => runbookUrlTemplate('runbooks/{id}.yaml', 'X'))).toBe('CONFIG_INVALID');
    expect(code(() => runbookUrlTemplate('file:///etc/{id}', 'X'))).toBe('CONFIG_INVALID');
  });
});

describe('escapePromqlString', () => {
  it("escapes per Prometheus's lexer: no \\' inside double quotes, U+FFFD and controls escaped", () => {
    expect(escapePromqlString(`a'b"c\\d`)).toBe(`a'b\\"c\\\\d`);
    expect(escapePromqlString('l1\nl2\r\t')).toBe('l1\\nl2\\r\\t');
    expect(escapePromqlString('\u0001\u007f\ufffd')).toBe('\\x01\\x7f\\uFFFD');
    expect(escapePromqlString('é {} ` 🙂')).toBe('é {} ` 🙂');
    expect(code(() => escapePromqlString('a\ud800b'))).toBe('INPUT_INVALID');
  });
});
