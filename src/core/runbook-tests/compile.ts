/**
 * A schema-valid test file against its runbook: every case of one kind, every duration,
 * series and value readable, inputs accepted as an incident would accept them, every
 * named check present. The result is a plan the runner can evaluate without more checks.
 */
import type { Diagnostic } from '../diagnostics.js';
import { parseDuration } from '../duration.js';
import { isGcIncidentError } from '../errors.js';
import { resolveInputs } from '../incident/inputs.js';
import { allChecks, type Runbook } from '../runbook/types.js';
import type { Locator, Position } from '../yaml/load-yaml.js';
import { expandValues, parseSeriesSelector } from './series-notation.js';
import { caseKind, type ExpandedSeries, type RunbookTestFile, type TestCase } from './types.js';

export type PlannedCase =
  | { kind: 'detection'; expect: 'fires' | 'quiet'; atMs: number }
  | { kind: 'verification'; expect: 'holds' | 'fails'; fromMs: number; untilMs: number }
  | { kind: 'check'; checkId: string; value: number; tolerance: number; atMs: number }
  | { kind: 'branches'; runs: string[]; skips: string[]; atMs: number };

export interface CompiledCase {
  readonly name: string;
  readonly position: Position;
  readonly plan: PlannedCase;
}

export interface CompiledGroup {
  readonly name: string;
  readonly intervalMs: number;
  readonly inputs: Record<string, string>;
  readonly series: ExpandedSeries[];
  readonly cases: CompiledCase[];
  /** The latest time the group's samples or cases reach, in ms from its start. */
  readonly extentMs: number;
}

const DEFAULT_INTERVAL_MS = 60_000;
/** Samples one file may expand to (promtool's notation makes a few bytes into many samples). */
export const MAX_SAMPLES_PER_FILE = 1_000_000;
/**
 * The latest time a case may reach (eval_time, until), from its group's start: Prometheus
 * evaluates every step up to it, so `until: 36500d` ran for hours.
 */
export const MAX_CASE_SPAN_MS = 7 * 24 * 3600_000;

export function compileTestFile(
  doc: RunbookTestFile,
  runbook: Runbook,
  file: string,
  locate: Locator,
): { groups: CompiledGroup[]; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const problem = (path: (string | number)[], rule: string, message: string, key?: string) => {
    const at = locate.at(path, { key });
    diagnostics.push({ file, line: at.line, col: at.col, severity: 'error', rule, message });
  };
  const ms = (text: string | undefined, path: (string | number)[], fallback: number): number => {
    if (text === undefined) return fallback;
    const parsed = parseDuration(text);
    if (parsed.ok) return parsed.ms;
    problem(path, 'test/duration', `'${text}' is not a duration: ${parsed.reason}`);
    return fallback;
  };
  const fileInterval = ms(doc.interval, ['interval'], DEFAULT_INTERVAL_MS);
  const checkIds = new Set(allChecks(runbook).map((c) => c.id));
  const guardedIds = new Set([
    ...runbook.triage.steps.map((s) => s.id),
    ...runbook.containment.actions.map((a) => a.id),
  ]);
  const deadlineMs = verificationDeadlineMs(runbook);
  const groups: CompiledGroup[] = [];
  let samples = 0;
  doc.tests.forEach((group, gi) => {
    const at = (...rest: (string | number)[]) => ['tests', gi, ...rest];
    const intervalMs = ms(group.interval, at('interval'), fileInterval);
    if (intervalMs <= 0) problem(at('interval'), 'test/duration', 'the interval must be longer than 0');
    let inputs: Record<string, string> = {};
    try {
      const given = Object.fromEntries(Object.entries(group.inputs ?? {}).map(([k, v]) => [k, String(v)]));
      inputs = resolveInputs(runbook, given);
    } catch (error) {
      if (!isGcIncidentError(error)) throw error;
      problem(group.inputs ? at('inputs') : at(), 'test/inputs', error.message);
    }
    const series: ExpandedSeries[] = [];
    let longest = 0;
    group.input_series.forEach((s, si) => {
      const labels = parseSeriesSelector(s.series);
      const values = expandValues(s.values);
      if (!labels.ok) problem(at('input_series', si, 'series'), 'test/series', labels.reason);
      if (!values.ok) problem(at('input_series', si, 'values'), 'test/values', values.reason);
      if (labels.ok && values.ok) {
        samples += values.value.length;
        if (samples > MAX_SAMPLES_PER_FILE) {
          // Said once, at the series that crosses the cap.
          if (samples - values.value.length <= MAX_SAMPLES_PER_FILE)
            problem(
              at('input_series', si, 'values'),
              'test/too-many-samples',
              `the file expands to more than ${MAX_SAMPLES_PER_FILE} samples; use fewer or shorter series`,
            );
          return;
        }
        series.push({ labels: labels.value, values: values.value });
        longest = Math.max(longest, values.value.length);
      }
    });
    const cases: CompiledCase[] = [];
    let extentMs = longest * intervalMs;
    group.cases.forEach((c, ci) => {
      const path = at('cases', ci);
      const plan = planCase(c, path, { ms, problem, checkIds, guardedIds, deadlineMs });
      if (!plan) return;
      const endMs = plan.kind === 'verification' ? plan.untilMs : plan.atMs;
      if (endMs > MAX_CASE_SPAN_MS) {
        const key = plan.kind === 'verification' ? 'until' : 'eval_time';
        problem(
          [...path, c[key] === undefined ? 'from' : key],
          'test/case-span',
          `case "${c.name}": reaches ${Math.round(endMs / 3600_000)}h after the start; a case may span at most 7d (168h): test a shorter stretch`,
        );
        return;
      }
      extentMs = Math.max(extentMs, plan.kind === 'verification' ? plan.untilMs : plan.atMs);
      cases.push({ name: c.name, position: locate.at(path, { key: 'name' }), plan });
    });
    groups.push({ name: group.name ?? `tests[${gi}]`, intervalMs, inputs, series, cases, extentMs });
  });
  return { groups, diagnostics };
}

/** The deadline an incident gives verification: the runbook's, else 4 x stableFor and at least 1h. */
export function verificationDeadlineMs(runbook: Runbook): number {
  const v = runbook.verification;
  const stable = parseDuration(v.stableFor);
  const deadline = v.deadline ? parseDuration(v.deadline) : undefined;
  if (deadline?.ok) return deadline.ms;
  return Math.max(4 * (stable.ok ? stable.ms : 15 * 60_000), 60 * 60_000);
}

function planCase(
  c: TestCase,
  path: (string | number)[],
  tools: {
    ms: (text: string | undefined, path: (string | number)[], fallback: number) => number;
    problem: (path: (string | number)[], rule: string, message: string, key?: string) => void;
    checkIds: ReadonlySet<string>;
    guardedIds: ReadonlySet<string>;
    deadlineMs: number;
  },
): PlannedCase | undefined {
  const { ms, problem } = tools;
  const kind = caseKind(c);
  const misplaced = (keys: (keyof TestCase)[]) => {
    for (const key of keys)
      if (c[key] !== undefined)
        problem(path, 'test/case', `case "${c.name}": '${key}' does not apply to a ${kind} case`, key);
  };
  const need = (key: keyof TestCase) => {
    if (c[key] === undefined) problem(path, 'test/case', `case "${c.name}": a ${kind} case needs '${key}'`);
    return c[key] !== undefined;
  };
  switch (kind) {
    case 'detection':
      misplaced(['from', 'until', 'value', 'tolerance']);
      if (!need('eval_time') || !c.detection) return undefined;
      return { kind, expect: c.detection, atMs: ms(c.eval_time, [...path, 'eval_time'], 0) };
    case 'verification': {
      misplaced(['eval_time', 'value', 'tolerance']);
      if (!need('from') || !c.verification) return undefined;
      const fromMs = ms(c.from, [...path, 'from'], 0);
      const untilMs = ms(c.until, [...path, 'until'], fromMs + tools.deadlineMs);
      if (untilMs <= fromMs)
        problem([...path, 'until'], 'test/case', `case "${c.name}": 'until' must be after 'from'`);
      return { kind, expect: c.verification, fromMs, untilMs };
    }
    case 'check':
      misplaced(['from', 'until']);
      if (!need('eval_time') || !need('value') || c.check === undefined || c.value === undefined)
        return undefined;
      if (!tools.checkIds.has(c.check)) {
        problem(
          [...path, 'check'],
          'test/unknown-check',
          `case "${c.name}": the runbook has no check '${c.check}' (checks: ${[...tools.checkIds].join(', ')})`,
        );
        return undefined;
      }
      return {
        kind,
        checkId: c.check,
        value: c.value,
        tolerance: c.tolerance ?? Math.abs(c.value) * 1e-6,
        atMs: ms(c.eval_time, [...path, 'eval_time'], 0),
      };
    case 'branches': {
      misplaced(['from', 'until', 'value', 'tolerance']);
      if (!need('eval_time')) return undefined;
      let known = true;
      for (const key of ['runs', 'skips'] as const)
        (c[key] ?? []).forEach((id, i) => {
          if (tools.guardedIds.has(id)) return;
          known = false;
          problem(
            [...path, key, i],
            'test/unknown-step',
            `case "${c.name}": the runbook has no triage step or containment action '${id}'`,
          );
        });
      if (!known) return undefined;
      return {
        kind,
        runs: c.runs ?? [],
        skips: c.skips ?? [],
        atMs: ms(c.eval_time, [...path, 'eval_time'], 0),
      };
    }
    default:
      problem(
        path,
        'test/case',
        `case "${c.name}": give exactly one of detection (with eval_time), verification (with from), check (with value and eval_time) or runs/skips (with eval_time)`,
      );
      return undefined;
  }
}
