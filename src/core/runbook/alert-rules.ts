/**
 * A Prometheus alerting rule per runbook, built from its detection checks, so
 * the alert that opens an incident and the checks that confirm it cannot drift
 * apart. Rules are per service: inputs filled from alert labels (`job`, `instance`)
 * become "any value" matchers and are kept through every aggregation, thresholds
 * are compared per series, and checks are joined `on` those labels; so two
 * services thrashing give two alerts, each carrying the label its incident needs.
 * Other inputs take their defaults (or a value given for a lab).
 */
import { stringify } from 'yaml';
import { isWholeAggregation, keepLabels } from '../alerts/per-series.js';
import { parseDuration } from '../duration.js';
import { renderQuery } from '../incident/render-query.js';
import type { Check, Runbook } from './types.js';

export interface RuleOptions {
  /** `{id}` is replaced by the runbook id. */
  readonly runbookUrl: string;
  /** Replaces every check's `for` (a lab wants seconds, not the runbook's ten minutes). */
  readonly holdFor?: string | undefined;
  /** Values for inputs that are not per service, instead of their defaults. */
  readonly inputs?: Readonly<Record<string, string>> | undefined;
  /** Thresholds by check id instead of the runbook's (a lab machine is not the production service). */
  readonly thresholds?: Readonly<Record<string, number>> | undefined;
}

/** An input filled from an alert label, and the series label its queries match it on. */
export interface SeriesLabel {
  readonly input: string;
  /** The label in the queries' matchers (`job="{{job}}"`). */
  readonly seriesLabel: string;
  /** The alert label the intake reads the input from. */
  readonly alertLabel: string;
}

export function alertName(runbook: Runbook): string {
  return (
    runbook.metadata.alerts[0] ??
    `GC${runbook.metadata.id
      .split('-')
      .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
      .join('')}`
  );
}

const MATCHER = /([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*"\{\{\s*([a-z_][a-z0-9_]*)\s*\}\}"/g;

/** The per-service labels of a runbook: its alert-label inputs that its detection queries match on. */
export function seriesLabels(runbook: Runbook): SeriesLabel[] {
  const found = new Map<string, SeriesLabel>();
  for (const input of runbook.inputs ?? []) {
    if (!input.sources.includes('alert-label')) continue;
    for (const check of runbook.detection.checks) {
      for (const [, label, name] of check.query.matchAll(MATCHER)) {
        if (name === input.name && label && !found.has(input.name)) {
          found.set(input.name, {
            input: input.name,
            seriesLabel: label,
            alertLabel: input.alertLabel ?? input.name,
          });
        }
      }
    }
  }
  return [...found.values()];
}

function resolveTemplate(runbook: Runbook, query: string, options: RuleOptions): string {
  const perSeries = new Set(seriesLabels(runbook).map((l) => l.input));
  // label="{{name}}" for a per-service input matches any value; the label is kept per series.
  const out = query.replace(MATCHER, (whole, label: string, name: string) =>
    perSeries.has(name) ? `${label}=~".+"` : whole,
  );
  const values: Record<string, string> = {};
  for (const input of runbook.inputs ?? []) {
    const value = options.inputs?.[input.name] ?? input.default;
    if (value !== undefined) values[input.name] = String(value);
  }
  return renderQuery(out, values);
}

function by(labels: readonly string[]): string {
  return labels.length > 0 ? ` by (${labels.join(', ')})` : '';
}

/** One check as a PromQL condition that returns series only while it breaches, per service. */
export function checkCondition(runbook: Runbook, check: Check, options: RuleOptions): string {
  const keep = seriesLabels(runbook).map((l) => l.seriesLabel);
  const query = keepLabels(resolveTemplate(runbook, check.query.trim(), options), keep);
  const t = options.thresholds?.[check.id] ?? check.threshold;
  // An aggregation kept by the service labels has one series per service already: reducing it
  // again per service changes nothing, so the rule stays readable.
  if (keep.length > 0 && isWholeAggregation(query)) return `${query} ${check.operator} ${t}`;
  switch (check.reduce ?? 'any') {
    case 'any':
      return `(${query}) ${check.operator} ${t}`;
    case 'all': {
      // Every series of the service breaches: its extreme series on the safe side breaches.
      const extreme = check.operator.startsWith('>') ? 'min' : 'max';
      return `${extreme}${by(keep)} (${query}) ${check.operator} ${t}`;
    }
    default:
      return `${check.reduce}${by(keep)} (${query}) ${check.operator} ${t}`;
  }
}

/** Literal text inside a Prometheus annotation, which is a Go template. */
function templateLiteral(text: string): string {
  return text.replace(/\{\{/g, '{{ "{{" }}');
}

export function runbookUrl(template: string, id: string): string {
  return template.replaceAll('{id}', id);
}

export function alertRule(runbook: Runbook, options: RuleOptions): Record<string, unknown> {
  const checks = runbook.detection.checks;
  const labels = seriesLabels(runbook);
  const on = ` on (${labels.map((l) => l.seriesLabel).join(', ')}) `;
  const joiner = (runbook.detection.mode ?? 'any') === 'all' ? ` and${on}` : ` or${on}`;
  const expr = checks.map((c) => `(${checkCondition(runbook, c, options)})`).join(joiner);
  const hold = options.holdFor ? parseDuration(options.holdFor) : undefined;
  const longest =
    hold?.ok === true
      ? hold.ms
      : Math.max(
          0,
          ...checks.map((c) => (c.for ? parseDuration(c.for) : undefined)).map((d) => (d?.ok ? d.ms : 0)),
        );
  const ruleLabels: Record<string, string> = {
    severity: runbook.metadata.severity,
    runbook_id: runbook.metadata.id,
  };
  // The intake reads each input from its alert label; copy it when the series label differs.
  for (const l of labels) {
    if (l.alertLabel !== l.seriesLabel) ruleLabels[l.alertLabel] = `{{ $labels.${l.seriesLabel} }}`;
  }
  const where = labels.map((l) => `{{ $labels.${l.seriesLabel} }}`).join(' ');
  const rule: Record<string, unknown> = {
    alert: alertName(runbook),
    expr,
    labels: ruleLabels,
    annotations: {
      summary: `${templateLiteral(runbook.metadata.title)}${where ? ` (${where})` : ''}`,
      description: templateLiteral(runbook.metadata.summary.trim().replace(/\s+/g, ' ')),
      runbook_url: runbookUrl(options.runbookUrl, runbook.metadata.id),
    },
  };
  if (longest > 0) rule.for = `${Math.round(longest / 1000)}s`;
  return rule;
}

export function alertRulesFile(runbooks: readonly Runbook[], options: RuleOptions): string {
  const rules = [...runbooks]
    .sort((a, b) => a.metadata.id.localeCompare(b.metadata.id))
    .map((r) => alertRule(r, options));
  return `# Generated by 'gc-incident rules' from the runbooks' detection checks. Do not edit: regenerate.\n${stringify(
    { groups: [{ name: 'gc-incident', rules }] },
    { lineWidth: 0 },
  )}`;
}
