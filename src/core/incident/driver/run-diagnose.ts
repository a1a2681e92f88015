/**
 * A diagnose step: the service's GC state read through a read-only HTTP action (GET, no
 * approval), checked and bounded (src/core/diagnose/gc-state.ts), recorded as the step's result
 * and shown by the surfaces as a table.
 */
import { parseGcState } from '../../diagnose/gc-state.js';
import { DIAGNOSE_RESULT, type DiagnoseResult } from '../../diagnose/result.js';
import { GcIncidentError } from '../../errors.js';
import type { Incident, StepState } from '../model.js';
import type { DriverDeps } from './context.js';
import type { StepOutput } from './ports.js';

export async function runDiagnose(
  deps: DriverDeps,
  incident: Incident,
  step: StepState,
): Promise<{ result: DiagnoseResult; output: StepOutput }> {
  const { runbook } = deps.runbookOf(incident);
  const declared = runbook.triage.steps.find((s) => s.id === step.id);
  if (declared?.kind !== 'diagnose')
    throw new GcIncidentError('STEP_NOT_FOUND', `no diagnose step '${step.id}' in the runbook`);
  const read = deps.caps.actions?.read;
  if (!deps.caps.actions || !read)
    throw new GcIncidentError(
      'ACTION_NOT_CONFIGURED',
      `no HTTP actions are configured here: set HTTP_ACTIONS_FILE with a read-only action '${declared.httpAction}' (readOnly: true, GET) pointing at the service's diagnostics endpoint`,
      { action: declared.httpAction },
    );
  const call = await read.call(deps.caps.actions, declared.httpAction, incident.inputs);
  if (!call.ok)
    throw new GcIncidentError(
      'DIAGNOSTICS_INVALID',
      `${call.method} ${call.url} → ${call.status ?? 'no response'}: ${call.error ?? 'failed'}`,
      { action: declared.httpAction },
    );
  const result: DiagnoseResult = {
    kind: DIAGNOSE_RESULT,
    action: declared.httpAction,
    method: call.method,
    url: call.url,
    status: call.status,
    durationMs: call.durationMs,
    state: parseGcState(call.body),
  };
  return { result, output: { kind: 'diagnose', result } };
}
