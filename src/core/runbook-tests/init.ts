/**
 * A starting test file for a runbook (`gc-incident test --init`): one input series per metric
 * selector in its checks, the thresholds as comments, and the four cases every runbook
 * should have. The values are placeholders for the author to replace: only they know what
 * "thrashing" and "healthy" look like for their service.
 */
import { renderQuery } from '../incident/render-query.js';
import type { Check, Runbook, RunbookInput } from '../runbook/types.js';

const SELECTOR = /([a-zA-Z_:][a-zA-Z0-9_:]*)\s*\{([^{}]*)\}/g;
const MATCHER = /([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!=|!~|=)\s*"((?:[^"\\]|\\.)*)"/g;

export function initialTestFile(runbook: Runbook): string {
  const inputs = exampleInputs(runbook.inputs ?? []);
  const triage = runbook.triage.checks ?? [];
  const checks = [...runbook.detection.checks, ...triage, ...runbook.verification.checks];
  const defaults = Object.fromEntries(
    (runbook.inputs ?? []).filter((i) => i.default !== undefined).map((i) => [i.name, String(i.default)]),
  );
  const series = [...new Set(checks.flatMap((c) => selectors(c, { ...defaults, ...inputs })))];
  const describe = (c: Check) =>
    `#   ${c.id}: ${oneLine(c.query)} ${c.operator} ${c.threshold}${c.for ? ` for ${c.for}` : ''}`;
  const first = runbook.detection.checks[0];
  const inputLine = Object.keys(inputs).length
    ? `    inputs: { ${Object.entries(inputs)
        .map(([k, v]) => `${k}: ${JSON.stringify(v)}`)
        .join(', ')} }\n`
    : '';
  const seriesBlock = (values: (s: string) => string) =>
    series
      .map((s) => `      - series: '${s.replace(/'/g, "''")}'\n        values: '${values(s)}'\n`)
      .join('');
  const counter = (s: string) => /_total\b|_count\b|_sum\b|_bucket\b/.test(s);
  const group = (name: string, comment: string, values: (s: string) => string, cases: string) =>
    `  - name: ${name}\n    # ${comment}\n${inputLine}    input_series:\n${seriesBlock(values)}    cases:\n${cases}`;
  return [
    `# Tests for runbook ${runbook.metadata.id}, started by 'gc-incident test --init'.`,
    "# Replace every value marked TODO: series use promtool's notation, one value per interval",
    "# ('0+600x90' counts up by 600 each minute for 90 minutes). Run with 'gc-incident test'.",
    `# Detection (mode ${runbook.detection.mode ?? 'any'}) fires when:`,
    ...runbook.detection.checks.map(describe),
    ...(triage.length > 0
      ? [
          "# Triage checks (read by the runbook's 'when:' conditions; test a branch with 'runs:'/'skips:'):",
          ...triage.map(describe),
        ]
      : []),
    `# Verification (mode ${runbook.verification.mode ?? 'all'}) holds when these hold for ${runbook.verification.stableFor}:`,
    ...runbook.verification.checks.map(describe),
    `runbook: ${runbook.metadata.id}`,
    'interval: 1m',
    'tests:',
    group(
      'incident',
      'TODO: values that breach every detection threshold',
      (s) => (counter(s) ? '0+600x90' : '100x90'),
      [
        '      - name: detection fires on the incident\n        detection: fires\n        eval_time: 60m\n',
        first
          ? `      - name: ${first.id} on the incident\n        check: ${first.id}\n        eval_time: 60m\n        value: 0 # TODO: the value you expect\n`
          : '',
      ].join(''),
    ),
    group(
      'healthy, near the thresholds',
      'TODO: values just on the safe side of every threshold',
      (s) => (counter(s) ? '0+1x90' : '1x90'),
      '      - name: detection stays quiet when healthy\n        detection: quiet\n        eval_time: 60m\n',
    ),
    group(
      'recovery after the mitigation at 30m',
      'TODO: incident values until 30m, then healthy ones',
      (s) => (counter(s) ? '0+600x30 18000+1x60' : '100x30 1x60'),
      '      - name: verification holds after recovery\n        verification: holds\n        from: 30m\n        until: 90m\n',
    ),
    group(
      'relapse after the mitigation at 30m',
      'TODO: healthy for a while after 30m, then incident values again',
      (s) => (counter(s) ? '0+600x30 18000+1x10 18010+600x50' : '100x30 1x10 100x50'),
      '      - name: verification fails on a relapse\n        verification: fails\n        from: 30m\n        until: 90m\n',
    ),
  ].join('\n');
}

function selectors(check: Check, inputs: Readonly<Record<string, string>>): string[] {
  let query: string;
  try {
    query = renderQuery(check.query, inputs);
  } catch {
    return [];
  }
  return [...query.matchAll(SELECTOR)].map(([, name, body]) => {
    const labels = [...(body ?? '').matchAll(MATCHER)]
      .filter(([, , op]) => op === '=')
      .map(([, label, , value]) => `${label}="${value}"`);
    return `${name}{${labels.join(',')}}`;
  });
}

function exampleInputs(inputs: readonly RunbookInput[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const input of inputs) {
    if (input.default !== undefined) continue;
    out[input.name] =
      input.enum?.[0] ??
      (input.type === 'duration'
        ? '5m'
        : input.type === 'string'
          ? input.name === 'job'
            ? 'api'
            : 'example'
          : '1');
  }
  return out;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
