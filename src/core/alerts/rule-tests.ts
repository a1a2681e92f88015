/**
 * A `promtool test rules` file for one runbook's generated alert, per service: two
 * jobs whose series breach give two alerts, each with its own `job` and its rule
 * labels; a quiet job beside them gives none, and alone gives none. The breaching and
 * quiet series come from a small per-runbook fixture whose series name `{{job}}`.
 */
import { renderQuery } from '../incident/render-query.js';
import { alertRule, type RuleOptions, seriesLabels } from '../runbook/alert-rules.js';
import type { Runbook } from '../runbook/types.js';

export interface SeriesTemplate {
  /** A series selector; `{{job}}` is replaced by each job (escaped as PromQL string contents). */
  readonly series: string;
  /** promtool's expanding notation, e.g. `0+6000x60`. */
  readonly values: string;
}

export interface AlertFixture {
  readonly breach: readonly SeriesTemplate[];
  readonly quiet: readonly SeriesTemplate[];
  /** When the alert must be firing (past its `for`); default 40m. */
  readonly evalTime?: string;
}

export const BREACHING_JOBS = ['svc-a', 'svc-b'] as const;
export const QUIET_JOB = 'svc-quiet';

function seriesFor(templates: readonly SeriesTemplate[], job: string) {
  return templates.map((t) => ({ series: renderQuery(t.series, { job }), values: t.values }));
}

/** What Prometheus renders from the generated annotations for one alert's labels. */
function renderAnnotation(text: string, labels: Readonly<Record<string, string>>): string {
  return text
    .replace(/\{\{ \$labels\.([a-zA-Z_][a-zA-Z0-9_]*) \}\}/g, (_, l: string) => labels[l] ?? '')
    .replaceAll('{{ "{{" }}', '{{');
}

export function alertRuleTest(
  runbook: Runbook,
  fixture: AlertFixture,
  options: RuleOptions,
  ruleFile: string,
): Record<string, unknown> {
  const rule = alertRule(runbook, options);
  const alertname = rule.alert as string;
  const evalTime = fixture.evalTime ?? '40m';
  const kept = seriesLabels(runbook);
  const expected = (job: string) => {
    const series: Record<string, string> = {};
    for (const l of kept) if (l.seriesLabel === 'job') series.job = job;
    const labels: Record<string, string> = {
      ...(rule.labels as Record<string, string>),
      ...series,
    };
    for (const [k, v] of Object.entries(labels)) labels[k] = renderAnnotation(v, series);
    const annotations = Object.fromEntries(
      Object.entries(rule.annotations as Record<string, string>).map(([k, v]) => [
        k,
        renderAnnotation(v, series),
      ]),
    );
    return { exp_labels: labels, exp_annotations: annotations };
  };
  return {
    rule_files: [ruleFile],
    evaluation_interval: '1m',
    tests: [
      {
        name: `${runbook.metadata.id}: two services breach, one is quiet`,
        interval: '1m',
        input_series: [
          ...BREACHING_JOBS.flatMap((job) => seriesFor(fixture.breach, job)),
          ...seriesFor(fixture.quiet, QUIET_JOB),
        ],
        alert_rule_test: [{ eval_time: evalTime, alertname, exp_alerts: BREACHING_JOBS.map(expected) }],
      },
      {
        name: `${runbook.metadata.id}: a quiet service alone`,
        interval: '1m',
        input_series: seriesFor(fixture.quiet, QUIET_JOB),
        alert_rule_test: [{ eval_time: evalTime, alertname, exp_alerts: [] }],
      },
    ],
  };
}
