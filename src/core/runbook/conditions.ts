/**
 * `when:` conditions (docs/runbook-format.md, "Branching runbooks: when:"): evaluated against what the incident
 * knows, in three values. `true` applies the step, `false` skips it (with the reason), and
 * `undefined` (a fact not known: a check with no verdict yet, no python_info, no collector
 * metric) leaves the step to the person: a runbook never hides a step on missing data.
 */
import type { Condition } from './types.js';

export type Verdict = 'firing' | 'ok' | 'unknown';

/** What conditions read. A check absent from `checks` has no verdict (not run, failed or skipped). */
export interface ConditionFacts {
  readonly checks: ReadonlyMap<string, Verdict>;
  /** The CPython most instances report (python_info's version label), e.g. "3.12.1". */
  readonly python?: string | undefined;
  readonly collector?:
    | { readonly enabled?: boolean | undefined; readonly frozen?: boolean | undefined }
    | undefined;
  readonly inputs: Readonly<Record<string, string>>;
}

export interface ConditionResult {
  /** true: met; false: not met; undefined: undecided (a fact is missing). */
  readonly met: boolean | undefined;
  /** Plain words, the same on every surface: what decided it. */
  readonly reason: string;
}

export function evaluateCondition(condition: Condition, facts: ConditionFacts): ConditionResult {
  if ('check' in condition) {
    const verdict = facts.checks.get(condition.check);
    if (verdict === undefined)
      return { met: undefined, reason: `check ${condition.check} has no verdict yet` };
    return {
      met: verdict === condition.is,
      reason: `check ${condition.check} is ${verdict}${verdict === condition.is ? '' : ` (not ${condition.is})`}`,
    };
  }
  if ('python' in condition) {
    if (facts.python === undefined)
      return { met: undefined, reason: 'the Python version is not reported (python_info)' };
    const range = parsePythonRange(condition.python);
    const version = parseVersion(facts.python);
    if (!range.ok || !version) return { met: undefined, reason: `cannot compare Python ${facts.python}` };
    const met = satisfies(version, range.comparators);
    return {
      met,
      reason: `Python ${facts.python} ${met ? 'matches' : 'is not'} ${compact(condition.python)}`,
    };
  }
  if ('collector' in condition) return collectorResult(condition.collector, facts);
  if ('input' in condition) {
    const value = facts.inputs[condition.input];
    if (value === undefined) return { met: undefined, reason: `input ${condition.input} is not set` };
    const wanted = 'is' in condition ? [condition.is] : condition.in;
    const met = wanted.includes(value);
    return {
      met,
      reason: `input ${condition.input} is '${value}'${met ? '' : ` (not ${wanted.map((w) => `'${w}'`).join(' or ')})`}`,
    };
  }
  if ('not' in condition) {
    const inner = evaluateCondition(condition.not, facts);
    return { met: inner.met === undefined ? undefined : !inner.met, reason: inner.reason };
  }
  const parts = ('any' in condition ? condition.any : condition.all).map((c) => evaluateCondition(c, facts));
  const decisive = 'any' in condition;
  // any: one true decides; all: one false decides; otherwise undecided beats the rest.
  const decider = parts.find((p) => p.met === decisive);
  if (decider) return decider;
  const open = parts.filter((p) => p.met === undefined);
  if (open.length > 0) return { met: undefined, reason: open.map((p) => p.reason).join('; ') };
  return { met: !decisive, reason: parts.map((p) => p.reason).join('; ') };
}

function collectorResult(
  wanted: { enabled?: boolean; frozen?: boolean },
  facts: ConditionFacts,
): ConditionResult {
  const reasons: string[] = [];
  for (const key of ['enabled', 'frozen'] as const) {
    const want = wanted[key];
    if (want === undefined) continue;
    const have = facts.collector?.[key];
    const metric = key === 'enabled' ? 'python_gc_enabled' : 'python_gc_frozen_objects';
    if (have === undefined)
      return { met: undefined, reason: `the collector's state is not exported (${metric})` };
    const word = key === 'enabled' ? (have ? 'enabled' : 'disabled') : have ? 'frozen' : 'not frozen';
    if (have !== want) return { met: false, reason: `the collector is ${word}` };
    reasons.push(`the collector is ${word}`);
  }
  return { met: true, reason: reasons.join(' and ') };
}

/** Whether `condition` can need this fact before it is known: the check ids it reads. */
export function checksIn(condition: Condition): string[] {
  if ('check' in condition) return [condition.check];
  if ('not' in condition) return checksIn(condition.not);
  if ('any' in condition) return condition.any.flatMap(checksIn);
  if ('all' in condition) return condition.all.flatMap(checksIn);
  return [];
}

/** The skip reason recorded on the timeline, shown on the card and in the terminal. */
export function skipReason(result: ConditionResult, phaseWide: boolean): string {
  return `${phaseWide ? 'phase ' : ''}when: not met: ${result.reason}`;
}

// ---- Python version ranges -------------------------------------------------------------------

export type Version = readonly [number, number, number];
export type Comparator = {
  readonly op: '>=' | '<=' | '==' | '!=' | '>' | '<';
  readonly v: Version;
  readonly parts: number;
};

export function parseVersion(text: string): Version | undefined {
  const m = /^\s*(\d+)(?:\.(\d+))?(?:\.(\d+))?/.exec(text);
  if (!m) return undefined;
  return [Number(m[1]), Number(m[2] ?? 0), Number(m[3] ?? 0)];
}

export function parsePythonRange(
  text: string,
): { ok: true; comparators: Comparator[] } | { ok: false; reason: string } {
  const comparators: Comparator[] = [];
  for (const part of text.split(',')) {
    const m = /^\s*(>=|<=|==|!=|>|<)\s*(\d+(?:\.\d+){0,2})\s*$/.exec(part);
    if (!m) return { ok: false, reason: `'${part.trim()}' is not a comparison such as >=3.12` };
    const v = parseVersion(m[2] as string) as Version;
    comparators.push({ op: m[1] as Comparator['op'], v, parts: (m[2] as string).split('.').length });
  }
  return { ok: true, comparators };
}

function cmp(a: Version, b: Version): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}

/** `==3.12` and `!=3.12` name the whole 3.12 series; other comparisons read 3.12 as 3.12.0. */
function matches(v: Version, c: Comparator): boolean {
  const series = c.parts < 3 && (c.op === '==' || c.op === '!=');
  const equal = series ? v[0] === c.v[0] && (c.parts < 2 || v[1] === c.v[1]) : cmp(v, c.v) === 0;
  switch (c.op) {
    case '==':
      return equal;
    case '!=':
      return !equal;
    case '>=':
      return cmp(v, c.v) >= 0;
    case '<=':
      return cmp(v, c.v) <= 0;
    case '>':
      return cmp(v, c.v) > 0;
    case '<':
      return cmp(v, c.v) < 0;
  }
}

export function satisfies(v: Version, comparators: readonly Comparator[]): boolean {
  return comparators.every((c) => matches(v, c));
}

/**
 * Versions that decide every comparison's outcome: each bound, its neighbours and its series'
 * ends. A range no version satisfies has no witness among them (the bounds cut the line into
 * intervals and each interval holds one of these).
 */
export function witnessVersions(comparators: readonly Comparator[]): Version[] {
  const out: Version[] = [[0, 0, 0]];
  for (const { v } of comparators) {
    const [a, b, c] = v;
    out.push(v, [a, b, c + 1], [a, b, 999], [a, b + 1, 0], [a + 1, 0, 0]);
    if (c > 0) out.push([a, b, c - 1]);
    else if (b > 0) out.push([a, b - 1, 999]);
    else if (a > 0) out.push([a - 1, 999, 999]);
  }
  return out;
}

function compact(text: string): string {
  return text.replace(/\s+/g, '');
}
