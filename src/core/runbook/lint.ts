/**
 * Rules beyond the schema: things JSON Schema cannot say, checked on a runbook
 * that already passed the schema. Each finding points at the YAML source.
 */
import type { Diagnostic } from '../diagnostics.js';
import { parseDuration } from '../duration.js';
import { checkPromqlSyntax, describePromqlProblem } from '../promql/syntax.js';
import type { WorkloadDocument } from '../simulator/workload.js';
import { lintWorkload } from '../simulator/workload-lint.js';
import type { Locator } from '../yaml/load-yaml.js';
import { lintConditions } from './condition-lint.js';
import { lintDiagnoseAction } from './lint-diagnose.js';
import { checkPattern, matchesWhole } from './regex-policy.js';
import { fillSample, findPlaceholders } from './template.js';
import { type Check, DEFAULT_DATASOURCE, type Runbook, type RunbookInput } from './types.js';

export interface LintOptions {
  /** Datasource names configuration defines. A runbook naming any other is an error. */
  readonly datasources: ReadonlySet<string>;
  /** HTTP action names configuration defines; when given, a runbook naming any other is an error. */
  readonly httpActions?: ReadonlySet<string> | undefined;
  /** Those of `httpActions` marked `readOnly: true`: a diagnose step naming any other is an error. */
  readonly readOnlyHttpActions?: ReadonlySet<string> | undefined;
  /** HTTP action name → its URL and body templates, to check that an action sends its whatIf. */
  readonly httpActionTemplates?: ReadonlyMap<string, string> | undefined;
  /** Checks a referenced workload file; returns its diagnostics (empty when valid). Absent: refs are not followed. */
  readonly checkWorkloadRef?:
    | ((ref: string, from: { line: number; col: number }) => Diagnostic[])
    | undefined;
}

type Path = (string | number)[];

export function lintRunbook(
  runbook: Runbook,
  file: string,
  locate: Locator,
  options: LintOptions,
): Diagnostic[] {
  const out: Diagnostic[] = [];
  const report = (path: Path, rule: string, message: string, key?: string) => {
    const pos = locate.at(path, { key });
    out.push({
      file,
      line: pos.line,
      col: pos.col,
      severity: 'error',
      rule,
      message,
      pointer: toPointer(path),
    });
  };
  const reportInScalar = (path: Path, offset: number, rule: string, message: string) => {
    const info = locate.scalarStart(path);
    const base = locate.at(path);
    // Plain and quoted one-line scalars map offsets to columns exactly; block scalars report their start.
    let col = base.col;
    let line = base.line;
    if (info && (info.type === 'PLAIN' || info.type === 'QUOTE_DOUBLE' || info.type === 'QUOTE_SINGLE')) {
      line = info.line;
      col = info.col + offset + (info.type === 'PLAIN' ? 0 : 1);
    }
    out.push({ file, line, col, severity: 'error', rule, message, pointer: toPointer(path) });
  };

  const inputs = new Map<string, RunbookInput>();
  (runbook.inputs ?? []).forEach((input, i) => {
    if (inputs.has(input.name)) {
      report(['inputs', i, 'name'], 'runbook/duplicate-input', `input '${input.name}' is declared twice`);
    }
    inputs.set(input.name, input);
    lintInputDefault(input, ['inputs', i], report);
  });
  // An incident key names inputs alerts fill: anything else would never match two alerts.
  (runbook.metadata.incidentKey ?? []).forEach((name, i) => {
    if (inputs.get(name)?.sources.includes('alert-label')) return;
    report(
      ['metadata', 'incidentKey', i],
      'runbook/incident-key',
      inputs.has(name)
        ? `incidentKey names input '${name}', which is not filled from an alert label; add 'alert-label' to its sources`
        : `incidentKey names input '${name}', which is not declared (declared: ${[...inputs.keys()].join(', ') || 'none'})`,
    );
  });

  // Step ids are unique across the whole runbook: incidents, buttons and reminders refer to steps by id.
  const seenIds = new Map<string, string>();
  const claimId = (id: string, path: Path) => {
    const previous = seenIds.get(id);
    if (previous) {
      report(
        [...path, 'id'],
        'runbook/duplicate-id',
        `step id '${id}' is already used at ${previous}; ids must be unique`,
      );
    } else {
      seenIds.set(id, toPointer(path));
    }
  };

  const checkDatasource = (name: string | undefined, path: Path) => {
    if (name === undefined || options.datasources.has(name)) return;
    const known = [...options.datasources].sort().join(', ') || 'none';
    report(
      path,
      'runbook/unknown-datasource',
      `datasource '${name}' is not configured (configured: ${known}); add it to the datasources file or pass --datasource ${name}`,
    );
  };

  const checkTemplate = (text: string, path: Path, strict: boolean) => {
    const { placeholders, problems } = findPlaceholders(text, strict);
    for (const p of problems) reportInScalar(path, p.offset, 'runbook/template', p.message);
    for (const p of placeholders) {
      if (!inputs.has(p.name)) {
        const declared = [...inputs.keys()].join(', ') || 'none';
        reportInScalar(
          path,
          p.start,
          'runbook/undefined-input',
          `'{{${p.name}}}' refers to an input that is not declared (declared: ${declared}); add it under 'inputs'`,
        );
      }
    }
  };

  const checkQuery = (query: string, path: Path) => {
    checkTemplate(query, path, true);
    const { text, toSource } = fillSample(query, (name) => sampleValue(inputs.get(name)));
    const problem = checkPromqlSyntax(text);
    if (problem) {
      const offset = toSource(problem.offset);
      reportInScalar(path, offset, 'runbook/promql', describePromqlProblem(query, offset, problem.atEnd));
    }
  };

  const checkDuration = (value: string | undefined, path: Path): number | undefined => {
    if (value === undefined) return undefined;
    const parsed = parseDuration(value);
    if (!parsed.ok) {
      report(path, 'runbook/duration', `'${value}' is not a valid duration: ${parsed.reason}`);
      return undefined;
    }
    if (parsed.ms === 0) {
      report(path, 'runbook/duration', `'${value}' is zero; use a positive duration`);
      return undefined;
    }
    return parsed.ms;
  };

  const lintCheck = (check: Check, path: Path) => {
    claimId(check.id, path);
    checkQuery(check.query, [...path, 'query']);
    checkDatasource(check.datasource, [...path, 'datasource']);
    checkDuration(check.for, [...path, 'for']);
    if (!Number.isFinite(check.threshold)) {
      report([...path, 'threshold'], 'runbook/threshold', 'threshold must be a finite number');
    }
  };

  checkDatasource(runbook.datasource ?? DEFAULT_DATASOURCE, runbook.datasource ? ['datasource'] : []);

  runbook.detection.checks.forEach((check, i) => {
    lintCheck(check, ['detection', 'checks', i]);
  });

  (runbook.triage.checks ?? []).forEach((check, i) => {
    lintCheck(check, ['triage', 'checks', i]);
  });

  runbook.triage.steps.forEach((step, i) => {
    const path: Path = ['triage', 'steps', i];
    claimId(step.id, path);
    switch (step.kind) {
      case 'query': {
        checkQuery(step.query, [...path, 'query']);
        checkDatasource(step.datasource, [...path, 'datasource']);
        const range = checkDuration(step.range, [...path, 'range']);
        const stepMs = checkDuration(step.step, [...path, 'step']);
        if (step.type !== 'range' && (step.range || step.step || step.chart)) {
          report(path, 'runbook/query-type', "'range', 'step' and 'chart' need 'type: range'", 'type');
        }
        if (range !== undefined && stepMs !== undefined && stepMs > range) {
          report(
            [...path, 'step'],
            'runbook/duration',
            `step ${step.step} is longer than the range ${step.range}`,
          );
        } else if (range !== undefined && stepMs !== undefined && range / stepMs > 11000) {
          // Prometheus refuses more than 11,000 points per series.
          report(
            [...path, 'step'],
            'runbook/duration',
            `range/step gives more than 11,000 points; use a longer step`,
          );
        }
        break;
      }
      case 'command':
        checkTemplate(step.command, [...path, 'command'], false);
        break;
      case 'link':
        checkTemplate(step.url, [...path, 'url'], true);
        break;
      case 'simulate':
        if (step.objective && (step.whatIf ?? []).length === 0)
          report(
            [...path, 'objective'],
            'simulate/objective-without-what-if',
            `objective '${step.objective}' ranks mitigations, but this step has no whatIf to rank; add whatIf or remove objective`,
            'objective',
          );
        if ('ref' in step.workload && options.checkWorkloadRef) {
          out.push(...options.checkWorkloadRef(step.workload.ref, locate.at([...path, 'workload', 'ref'])));
        } else if ('inline' in step.workload) {
          out.push(
            ...lintWorkload(step.workload.inline as unknown as WorkloadDocument, file, locate, [
              ...path,
              'workload',
              'inline',
            ]),
          );
        }
        break;
      case 'manual':
        break;
      case 'diagnose':
        lintDiagnoseAction(step.httpAction, [...path, 'httpAction'], options, report);
        break;
    }
  });

  runbook.containment.actions.forEach((action, i) => {
    const path: Path = ['containment', 'actions', i];
    claimId(action.id, path);
    if (action.command !== undefined) checkTemplate(action.command, [...path, 'command'], false);
    if (
      action.httpAction !== undefined &&
      options.httpActions &&
      !options.httpActions.has(action.httpAction)
    ) {
      report(
        [...path, 'httpAction'],
        'runbook/unknown-http-action',
        `HTTP action '${action.httpAction}' is not defined in HTTP_ACTIONS_FILE (defined: ${[...options.httpActions].sort().join(', ') || 'none'})`,
      );
    }
    if (action.kind !== 'http' && action.httpAction !== undefined) {
      report(
        [...path, 'httpAction'],
        'runbook/http-action',
        "'httpAction' only applies to actions of kind 'http'",
      );
    }
  });

  const verification = runbook.verification;
  const stable = checkDuration(verification.stableFor, ['verification', 'stableFor']);
  const deadline = checkDuration(verification.deadline, ['verification', 'deadline']);
  const interval = checkDuration(verification.interval, ['verification', 'interval']);
  if (stable !== undefined && deadline !== undefined && deadline < stable) {
    report(
      ['verification', 'deadline'],
      'runbook/duration',
      `deadline ${verification.deadline} is shorter than stableFor ${verification.stableFor}; verification could never pass`,
    );
  }
  if (stable !== undefined && interval !== undefined && interval > stable) {
    report(
      ['verification', 'interval'],
      'runbook/duration',
      `interval ${verification.interval} is longer than stableFor ${verification.stableFor}; re-check at least once within the window`,
    );
  }
  verification.checks.forEach((check, i) => {
    lintCheck(check, ['verification', 'checks', i]);
  });

  runbook.followUp.items.forEach((item, i) => {
    const path: Path = ['followUp', 'items', i];
    claimId(item.id, path);
    const due = checkDuration(item.due, [...path, 'due']);
    (item.reminders ?? []).forEach((reminder, j) => {
      const before = checkDuration(reminder, [...path, 'reminders', j]);
      if (due !== undefined && before !== undefined && before >= due) {
        report(
          [...path, 'reminders', j],
          'runbook/duration',
          `reminder ${reminder} before the due date falls before follow-up starts (due is ${item.due})`,
        );
      }
    });
  });

  lintConditions(runbook, report);

  return out;
}

function lintInputDefault(
  input: RunbookInput,
  path: Path,
  report: (path: Path, rule: string, message: string) => void,
): void {
  const patternCheck = input.pattern === undefined ? undefined : checkPattern(input.pattern);
  if (patternCheck && !patternCheck.ok)
    report([...path, 'pattern'], 'runbook/input-pattern', patternCheck.reason);
  if (input.default === undefined) return;
  const value = String(input.default);
  if (input.pattern !== undefined && patternCheck?.ok) {
    if (!matchesWhole(input.pattern, value)) {
      report(
        [...path, 'default'],
        'runbook/input-default',
        `default '${value}' does not match the input's pattern`,
      );
    }
  }
  if (input.enum !== undefined && !input.enum.includes(value)) {
    report(
      [...path, 'default'],
      'runbook/input-default',
      `default '${value}' is not one of ${input.enum.join(', ')}`,
    );
  }
  if (input.type === 'integer' && !/^-?[0-9]+$/.test(value)) {
    report([...path, 'default'], 'runbook/input-default', `default '${value}' is not an integer`);
  }
  if (input.type === 'number' && !Number.isFinite(Number(value))) {
    report([...path, 'default'], 'runbook/input-default', `default '${value}' is not a number`);
  }
  if (input.type === 'duration' && !parseDuration(value).ok) {
    report([...path, 'default'], 'runbook/input-default', `default '${value}' is not a duration such as 5m`);
  }
}

/** A value of the input's type that PromQL accepts wherever such an input may appear. */
function sampleValue(input: RunbookInput | undefined): string {
  switch (input?.type) {
    case 'duration':
      return '5m';
    case 'integer':
    case 'number':
      return '1';
    default:
      return 'x';
  }
}

function toPointer(path: Path): string {
  return path.length === 0
    ? '/'
    : `/${path.map((p) => String(p).replace(/~/g, '~0').replace(/\//g, '~1')).join('/')}`;
}
