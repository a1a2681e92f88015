/**
 * What a diagnose step records on the incident (the step's result, on the timeline's
 * step.completed event, so the postmortem has it), and the baseline later simulate steps take
 * from it: the service's real thresholds and whether it froze objects.
 */
import type { Incident } from '../incident/model.js';
import type { GcState } from './gc-state.js';
import { summaryLine } from './render.js';

export const DIAGNOSE_RESULT = 'gc-diagnostics';

export interface DiagnoseResult {
  readonly kind: typeof DIAGNOSE_RESULT;
  readonly action: string;
  readonly method: string;
  /** Redacted like every action URL. */
  readonly url: string;
  readonly status: number | null | undefined;
  readonly durationMs: number;
  readonly state: GcState;
}

export function isDiagnoseResult(value: unknown): value is DiagnoseResult {
  return (
    !!value &&
    typeof value === 'object' &&
    (value as { kind?: unknown }).kind === DIAGNOSE_RESULT &&
    typeof (value as { state?: unknown }).state === 'object'
  );
}

/** The GC configuration a diagnose step observed, for a simulation's baseline. */
export interface ObservedGc {
  /** The diagnose step it came from. */
  readonly stepId: string;
  readonly thresholds: readonly [number, number, number];
  readonly frozen: number;
}

/** From the incident's most recently completed diagnose step; undefined when none ran. */
export function observedGc(incident: Incident): ObservedGc | undefined {
  const done = incident.steps
    .filter((s) => s.kind === 'diagnose' && s.status === 'done' && isDiagnoseResult(s.result))
    .sort((a, b) => (a.updatedAt ?? '').localeCompare(b.updatedAt ?? ''));
  const last = done[done.length - 1];
  if (!last || !isDiagnoseResult(last.result)) return undefined;
  const [t0, t1, t2] = last.result.state.thresholds;
  if (t0 === undefined || t1 === undefined || t2 === undefined) return undefined;
  return { stepId: last.id, thresholds: [t0, t1, t2], frozen: last.result.state.frozen };
}

/** One line for the timeline and the postmortem. */
export function diagnoseOutcome(result: DiagnoseResult): string {
  return `GC state from ${result.method} ${result.url}: ${summaryLine(result.state)}`;
}
