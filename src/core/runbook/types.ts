/**
 * The runbook model, as `schemas/runbook.schema.json` defines it. A value of
 * these types has passed schema validation and the semantic lint.
 */
import type { Objective } from '../simulator/objective.js';
import type { ModelledPython } from '../simulator/workload.js';

export type Severity = 'sev1' | 'sev2' | 'sev3' | 'sev4';
/** The CPython versions a runbook applies to are the versions the simulator models. */
export type PythonVersion = ModelledPython;
export type Operator = '>' | '>=' | '<' | '<=' | '==' | '!=';
export type Reduce = 'any' | 'all' | 'min' | 'max' | 'avg' | 'sum';
/**
 * How a value reads (checks/measure.ts), as the schema's `unit` enum lists them. `bytes-per-minute`
 * is what `deriv(…_bytes[…]) * 60` answers; `bytes-per-second`, `deriv` or `rate` alone.
 */
export const UNITS = [
  'none',
  'ratio',
  'percent',
  'seconds',
  'bytes',
  'bytes-per-second',
  'bytes-per-minute',
  'per-second',
  'objects',
] as const;
export type Unit = (typeof UNITS)[number];
export type Role = 'commander' | 'service-owner' | 'scribe' | 'responder';

export interface Link {
  title: string;
  url: string;
  kind?: 'dashboard' | 'doc' | 'runbook' | 'source' | 'other';
}

export interface RunbookMetadata {
  id: string;
  title: string;
  summary: string;
  owner: { team: string; slackChannel: string; escalation?: string };
  severity: Severity;
  services: string[];
  alerts: string[];
  pythonVersions: PythonVersion[];
  links?: Link[];
  lastReviewed: string;
  tags?: string[];
  /**
   * The inputs that identify one cause: alerts with equal values share one incident (default:
   * `job` when the runbook has it, else every input filled from an alert label).
   */
  incidentKey?: string[];
}

export interface RunbookInput {
  name: string;
  description: string;
  type: 'string' | 'integer' | 'number' | 'duration';
  pattern?: string;
  enum?: string[];
  default?: string | number;
  required?: boolean;
  sources: ('user' | 'alert-label')[];
  alertLabel?: string;
}

/**
 * What a ratio check's value stands for, so people read the quantity, not the ratio: the
 * value times `one` is `quantity` in `unit` ("p99 pause 32 ms" for 3.2 with one: 0.01 s).
 */
export interface RatioOf {
  quantity: string;
  unit: Exclude<Unit, 'ratio'>;
  /** What a ratio of 1 is, in `unit`. */
  one: number;
}

export interface Check {
  id: string;
  title: string;
  guidance?: string;
  query: string;
  datasource?: string;
  operator: Operator;
  threshold: number;
  unit?: Unit;
  /** With `unit: ratio`: one entry, or one per alternative of an `a or b` query, in order. */
  ratioOf?: RatioOf[];
  reduce?: Reduce;
  for?: string;
  noData?: 'ok' | 'breach' | 'unknown';
}

/** When a step, action or phase applies (docs/runbook-format.md, "Branching runbooks: when:"). */
export type Condition =
  | { check: string; is: 'firing' | 'ok' | 'unknown' }
  | { python: string }
  | { collector: { enabled?: boolean; frozen?: boolean } }
  | { input: string; is: string }
  | { input: string; in: string[] }
  | { any: Condition[] }
  | { all: Condition[] }
  | { not: Condition };

interface StepBase {
  id: string;
  title: string;
  guidance: string;
  optional?: boolean;
  when?: Condition;
}

export interface QueryStep extends StepBase {
  kind: 'query';
  query: string;
  datasource?: string;
  type?: 'instant' | 'range';
  range?: string;
  step?: string;
  chart?: boolean;
  unit?: Unit;
  threshold?: number;
  /**
   * Which way is bad: with more series than a query step keeps, the worst this way are kept
   * (highest for > and >=, the default; lowest for < and <=), those beyond `threshold` first.
   */
  operator?: '>' | '>=' | '<' | '<=';
}

export interface SimulateStep extends StepBase {
  kind: 'simulate';
  /** `fit`: fitted to the incident's job when it can be, else the `ref` workload. */
  workload: ({ ref: string } | { inline: Record<string, unknown> }) & { fit?: { window?: string } };
  whatIf?: string[];
  /** What the what-ifs are ranked on (core/simulator/objective.ts); gc-time when absent. */
  objective?: Objective;
}

export interface CommandStep extends StepBase {
  kind: 'command';
  command: string;
  language?: 'shell' | 'python' | 'pycon' | 'promql' | 'text';
  where?: string;
}

export interface LinkStep extends StepBase {
  kind: 'link';
  url: string;
}

export interface ManualStep extends StepBase {
  kind: 'manual';
  checklist?: string[];
}

/** Reads the service's GC state through a read-only HTTP action (gc_incident_exporter.serve_diagnostics()). */
export interface DiagnoseStep extends StepBase {
  kind: 'diagnose';
  httpAction: string;
}

export type TriageStep = QueryStep | SimulateStep | CommandStep | LinkStep | ManualStep | DiagnoseStep;

/** `commander` is short for `{role: commander}`. */
export type Approver = Role | { role: Role } | { user: string } | { group: string };

export interface ContainmentAction {
  id: string;
  title: string;
  kind: 'manual' | 'http' | 'command';
  category: 'mitigation' | 'kill-switch' | 'fallback';
  strategy: string;
  risk: 'low' | 'medium' | 'high';
  effect: string;
  guidance: string;
  rollback?: string;
  httpAction?: string;
  command?: string;
  whatIf?: string;
  confirmation?: { required: boolean; approvers?: Approver[] };
  when?: Condition;
}

export interface FollowUpItem {
  id: string;
  title: string;
  type: 'prevent' | 'mitigate' | 'detect' | 'process' | 'test' | 'docs';
  /** `service-owner` is short for `{role: service-owner}`. */
  owner: Role | { role: Role } | { user: string };
  due: string;
  reminders?: string[];
  description?: string;
  requiredBeforeClose?: boolean;
}

export interface Runbook {
  apiVersion: 'gc-incident/v1';
  kind: 'Runbook';
  metadata: RunbookMetadata;
  datasource?: string;
  inputs?: RunbookInput[];
  detection: { mode?: 'any' | 'all'; guidance?: string; checks: Check[] };
  triage: { guidance?: string; when?: Condition; checks?: Check[]; steps: TriageStep[] };
  containment: { guidance?: string; when?: Condition; actions: ContainmentAction[] };
  verification: {
    mode?: 'any' | 'all';
    guidance?: string;
    stableFor: string;
    deadline?: string;
    interval?: string;
    checks: Check[];
  };
  followUp: { guidance?: string; items: FollowUpItem[] };
}

export const DEFAULT_DATASOURCE = 'default';

/** Every check of a runbook: detection, triage (they decide `when:`) and verification. */
export function allChecks(runbook: Runbook): Check[] {
  return [...runbook.detection.checks, ...(runbook.triage.checks ?? []), ...runbook.verification.checks];
}
