/**
 * A runbook test file, as `schemas/runbook-test.schema.json` defines it: input series in
 * promtool's notation and cases about detection, verification or one check's value.
 */

export interface InputSeries {
  series: string;
  values: string;
}

export interface TestCase {
  name: string;
  detection?: 'fires' | 'quiet';
  verification?: 'holds' | 'fails';
  check?: string;
  value?: number;
  tolerance?: number;
  eval_time?: string;
  from?: string;
  until?: string;
  /** Triage steps and containment actions that apply at eval_time (not skipped by `when:`). */
  runs?: string[];
  /** Triage steps and containment actions their `when:` skips at eval_time. */
  skips?: string[];
}

export interface TestGroup {
  name?: string;
  interval?: string;
  inputs?: Record<string, string | number>;
  input_series: InputSeries[];
  cases: TestCase[];
}

export interface RunbookTestFile {
  runbook?: string;
  interval?: string;
  tests: TestGroup[];
}

/** A parsed input series: its labels (with __name__) and one optional value per interval. */
export interface ExpandedSeries {
  readonly labels: Readonly<Record<string, string>>;
  readonly values: readonly (number | undefined)[];
}

export type CaseKind = 'detection' | 'verification' | 'check' | 'branches';

export function caseKind(c: TestCase): CaseKind | undefined {
  const kinds: CaseKind[] = [];
  if (c.detection !== undefined) kinds.push('detection');
  if (c.verification !== undefined) kinds.push('verification');
  if (c.check !== undefined) kinds.push('check');
  if (c.runs !== undefined || c.skips !== undefined) kinds.push('branches');
  return kinds.length === 1 ? kinds[0] : undefined;
}
