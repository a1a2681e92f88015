/**
 * What `validate` says about `when:` beyond the schema: checks and inputs that do not exist,
 * Python ranges no version satisfies, input values an enum never takes, and steps (or phases)
 * no outcome of triage reaches. Reachability tries every combination of the facts the
 * runbook's conditions read (check verdicts, the Python versions the runbook declares, the
 * collector's state, input values); missing facts are not a path (they leave a step to the person).
 */
import {
  type ConditionFacts,
  evaluateCondition,
  parsePythonRange,
  parseVersion,
  satisfies,
  type Verdict,
  type Version,
  witnessVersions,
} from './conditions.js';
import type { Condition, Runbook } from './types.js';

type Path = (string | number)[];
type Report = (path: Path, rule: string, message: string, key?: string) => void;

/** More combinations than this and reachability is not checked (the other rules still are). */
const MAX_COMBINATIONS = 50_000;

interface Guarded {
  readonly path: Path;
  readonly what: string;
  readonly conditions: readonly { condition: Condition; path: Path }[];
}

export function lintConditions(runbook: Runbook, report: Report): void {
  const checkIds = [...runbook.detection.checks, ...(runbook.triage.checks ?? [])].map((c) => c.id);
  const known = new Set(checkIds);
  const later = new Set(runbook.verification.checks.map((c) => c.id));
  const inputs = new Map((runbook.inputs ?? []).map((i) => [i.name, i]));

  const guarded: Guarded[] = [];
  const phase = (name: 'triage' | 'containment') => {
    const when = runbook[name].when;
    return when ? [{ condition: when, path: [name, 'when'] }] : [];
  };
  if (runbook.triage.when) guarded.push({ path: ['triage'], what: 'triage', conditions: phase('triage') });
  if (runbook.containment.when)
    guarded.push({ path: ['containment'], what: 'containment', conditions: phase('containment') });
  runbook.triage.steps.forEach((step, i) => {
    if (step.when)
      guarded.push({
        path: ['triage', 'steps', i],
        what: `step '${step.id}'`,
        conditions: [...phase('triage'), { condition: step.when, path: ['triage', 'steps', i, 'when'] }],
      });
  });
  runbook.containment.actions.forEach((action, i) => {
    if (action.when)
      guarded.push({
        path: ['containment', 'actions', i],
        what: `action '${action.id}'`,
        conditions: [
          ...phase('containment'),
          { condition: action.when, path: ['containment', 'actions', i, 'when'] },
        ],
      });
  });

  // Each condition once (a phase's is shared by its steps).
  const own = new Map<string, { condition: Condition; path: Path }>();
  for (const g of guarded) for (const c of g.conditions) own.set(c.path.join('/'), c);
  let sound = true;
  for (const { condition, path } of own.values()) {
    walk(condition, path, (atom, at) => {
      if ('check' in atom && !known.has(atom.check)) {
        sound = false;
        const where = later.has(atom.check)
          ? `'${atom.check}' is a verification check: it runs after triage and containment`
          : `no check '${atom.check}'`;
        report(
          [...at, 'check'],
          'runbook/when-unknown-check',
          `${where}; name a detection or triage check (${checkIds.join(', ') || 'none'})`,
        );
      }
      if ('python' in atom) {
        const range = parsePythonRange(atom.python);
        if (!range.ok) {
          sound = false;
          report([...at, 'python'], 'runbook/when-python-range', range.reason);
        } else if (!witnessVersions(range.comparators).some((v) => satisfies(v, range.comparators))) {
          sound = false;
          report(
            [...at, 'python'],
            'runbook/when-python-range',
            `no Python version is '${atom.python}'; the comparisons exclude each other`,
          );
        }
      }
      if ('input' in atom) {
        const input = inputs.get(atom.input);
        if (!input) {
          sound = false;
          report(
            [...at, 'input'],
            'runbook/when-unknown-input',
            `input '${atom.input}' is not declared (declared: ${[...inputs.keys()].join(', ') || 'none'})`,
          );
        } else if (input.enum) {
          const values = 'is' in atom ? [atom.is] : atom.in;
          values.forEach((value, j) => {
            if (!input.enum?.includes(value))
              report(
                'is' in atom ? [...at, 'is'] : [...at, 'in', j],
                'runbook/when-input-value',
                `input '${atom.input}' is never '${value}' (one of ${input.enum?.join(', ')})`,
              );
          });
        }
      }
    });
  }
  if (!sound) return;

  const combos = domains(
    runbook,
    [...own.values()].map((c) => c.condition),
  );
  if (!combos) return;
  for (const g of guarded) {
    if (combos.some((facts) => g.conditions.every((c) => evaluateCondition(c.condition, facts).met === true)))
      continue;
    // At the `when` key of the step (or phase) itself.
    const last = g.conditions[g.conditions.length - 1]?.path ?? [...g.path, 'when'];
    report(
      last.slice(0, -1),
      'runbook/when-unreachable',
      `no outcome of triage reaches ${g.what}: its 'when' is never met${
        g.conditions.length > 1 ? ' together with its phase' : ''
      } (for the Python versions this runbook declares: ${runbook.metadata.pythonVersions.join(', ')})`,
      'when',
    );
  }
}

function walk(condition: Condition, path: Path, visit: (atom: Condition, path: Path) => void): void {
  if ('not' in condition) {
    walk(condition.not, [...path, 'not'], visit);
  } else if ('any' in condition || 'all' in condition) {
    const key = 'any' in condition ? 'any' : 'all';
    const parts = 'any' in condition ? condition.any : condition.all;
    for (const [i, c] of parts.entries()) walk(c, [...path, key, i], visit);
  } else {
    visit(condition, path);
  }
}

/** Every combination of the decided facts the conditions read, or undefined when there are too many. */
function domains(runbook: Runbook, conditions: readonly Condition[]): ConditionFacts[] | undefined {
  const checks = new Set<string>();
  const pythons: Version[] = [];
  const collector = new Set<'enabled' | 'frozen'>();
  const inputValues = new Map<string, Set<string>>();
  const declared = new Map((runbook.inputs ?? []).map((i) => [i.name, i]));
  for (const condition of conditions)
    walk(condition, [], (atom) => {
      if ('check' in atom) checks.add(atom.check);
      if ('python' in atom) {
        const range = parsePythonRange(atom.python);
        if (range.ok) pythons.push(...witnessVersions(range.comparators));
      }
      if ('collector' in atom)
        for (const key of ['enabled', 'frozen'] as const)
          if (atom.collector[key] !== undefined) collector.add(key);
      if ('input' in atom) {
        const values = inputValues.get(atom.input) ?? new Set<string>(declared.get(atom.input)?.enum ?? []);
        if (!declared.get(atom.input)?.enum)
          for (const v of 'is' in atom ? [atom.is] : atom.in) values.add(v);
        values.add('\u0000another value');
        inputValues.set(atom.input, values);
      }
    });

  // The Python versions a service may report: the runbook's declared series, cut at every bound.
  const series = runbook.metadata.pythonVersions
    .map((v) => parseVersion(v))
    .filter((v): v is Version => v !== undefined);
  const inSeries = (v: Version) => series.some((s) => s[0] === v[0] && s[1] === v[1]);
  const versions = [
    ...series.flatMap((s) => [[s[0], s[1], 0] as const, [s[0], s[1], 999] as const]),
    ...pythons,
  ]
    .filter((v) => series.length === 0 || inSeries(v))
    .map((v) => v.join('.'));

  const axes: { set: (f: MutableFacts, value: string) => void; values: string[] }[] = [];
  for (const id of checks)
    axes.push({ values: ['firing', 'ok', 'unknown'], set: (f, v) => f.checks.set(id, v as Verdict) });
  if (pythons.length > 0) axes.push({ values: [...new Set(versions)], set: (f, v) => (f.python = v) });
  for (const key of collector)
    axes.push({ values: ['true', 'false'], set: (f, v) => (f.collector[key] = v === 'true') });
  for (const [name, values] of inputValues)
    axes.push({ values: [...values], set: (f, v) => (f.inputs[name] = v) });

  const total = axes.reduce((n, a) => n * Math.max(1, a.values.length), 1);
  if (total > MAX_COMBINATIONS) return undefined;
  const out: ConditionFacts[] = [];
  const build = (i: number, picked: string[]) => {
    if (i === axes.length) {
      const facts: MutableFacts = { checks: new Map(), collector: {}, inputs: {} };
      for (const [j, axis] of axes.entries()) axis.set(facts, picked[j] as string);
      out.push(facts);
      return;
    }
    for (const value of axes[i]?.values ?? []) build(i + 1, [...picked, value]);
  };
  build(0, []);
  return out;
}

interface MutableFacts {
  checks: Map<string, Verdict>;
  python?: string;
  collector: { enabled?: boolean; frozen?: boolean };
  inputs: Record<string, string>;
}
