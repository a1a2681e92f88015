/**
 * Where a workload comes from on the command line: a YAML file, or a runbook's
 * simulate step written RUNBOOK_ID:STEP_ID (its what-ifs come along).
 */

import { dirname, join } from 'node:path';
import type { Diagnostic } from '../../core/diagnostics.js';
import { GcIncidentError } from '../../core/errors.js';
import { validateWorkloadBytes } from '../../core/runbook/validate.js';
import type { SchemaValidator } from '../../core/schema-validator.js';
import type { Objective } from '../../core/simulator/objective.js';
import type { WorkloadDocument } from '../../core/simulator/workload.js';
import { lintWorkload } from '../../core/simulator/workload-lint.js';
import { resolveInRoot } from './file-root.js';
import { loadRunbookCatalogue } from './runbook-catalogue.js';
import type { ValidationContext } from './runbook-files.js';
import { readYamlFile } from './yaml-files.js';

export interface WorkloadSource {
  readonly doc: WorkloadDocument;
  /** What-ifs declared by the runbook step, when the workload came from one. */
  readonly whatIf: readonly string[];
  /** A runbook step's objective: what its what-ifs are ranked on. */
  readonly objective?: Objective | undefined;
  readonly label: string;
}

export type WorkloadLoad = { ok: true; source: WorkloadSource } | { ok: false; diagnostics: Diagnostic[] };

const STEP_REF = /^([a-z0-9][a-z0-9-]{1,61}[a-z0-9]):([a-z0-9][a-z0-9_-]{0,62})$/;

export function loadWorkload(spec: string, context: ValidationContext, runbooksDir: string): WorkloadLoad {
  const step = STEP_REF.exec(spec);
  if (step && !/\.ya?ml$/.test(spec))
    return fromRunbookStep(step[1] ?? '', step[2] ?? '', context, runbooksDir);
  return fromFile(spec, context.schemas);
}

function fromFile(file: string, schemas: SchemaValidator): WorkloadLoad {
  const read = readYamlFile(file, 'no such workload file');
  if (!read.ok) return read;
  const result = validateWorkloadBytes(file, read.bytes, schemas);
  if (!result.data) return { ok: false, diagnostics: result.diagnostics };
  return { ok: true, source: { doc: result.data, whatIf: [], label: file } };
}

function fromRunbookStep(
  runbookId: string,
  stepId: string,
  context: ValidationContext,
  runbooksDir: string,
): WorkloadLoad {
  const report = loadRunbookCatalogue(runbooksDir, context);
  const found = report.runbooks.find((r) => r.runbook.metadata.id === runbookId);
  if (!found) {
    throw new GcIncidentError(
      'RUNBOOK_NOT_FOUND',
      `no valid runbook '${runbookId}' in ${runbooksDir} (run 'gc-incident runbooks' to list them)`,
      { runbookId },
    );
  }
  const step = found.runbook.triage.steps.find((s) => s.id === stepId);
  if (step?.kind !== 'simulate') {
    const steps = found.runbook.triage.steps.filter((s) => s.kind === 'simulate').map((s) => s.id);
    throw new GcIncidentError(
      'USAGE',
      `runbook '${runbookId}' has no simulate step '${stepId}' (simulate steps: ${steps.join(', ') || 'none'})`,
      { runbookId, stepId },
    );
  }
  const label = `${runbookId}:${stepId}`;
  if ('ref' in step.workload) {
    const loaded = fromFile(join(dirname(found.file), step.workload.ref), context.schemas);
    return loaded.ok
      ? {
          ok: true,
          source: { ...loaded.source, whatIf: step.whatIf ?? [], objective: step.objective, label },
        }
      : loaded;
  }
  const doc = step.workload.inline as unknown as WorkloadDocument;
  const problems = lintWorkload(doc, found.file, {
    at: () => ({ line: 1, col: 1 }),
    scalarStart: () => undefined,
  });
  if (problems.length > 0) return { ok: false, diagnostics: problems };
  return {
    ok: true,
    source: { doc: { name: label, ...doc }, whatIf: step.whatIf ?? [], objective: step.objective, label },
  };
}

const WORKLOAD_NAME = /^[a-z0-9][a-z0-9._-]{0,99}$/;

/**
 * A workload named as `/gc-incident simulate` and the MCP server take it: a runbook step
 * (RUNBOOK_ID:STEP_ID or RUNBOOK_ID/STEP_ID), else NAME.yaml in the workloads folder; never a
 * path elsewhere (the name may come from a Slack message or a remote assistant).
 */
export function loadNamedWorkload(
  target: string,
  workloadsDir: string,
  runbooksDir: string,
  context: ValidationContext,
) {
  const stepRef = target.replace('/', ':');
  let spec: string;
  if (/^[a-z0-9-]+:[a-z0-9_-]+$/.test(stepRef)) spec = stepRef;
  else if (WORKLOAD_NAME.test(target) && !target.includes('..'))
    spec = resolveInRoot(workloadsDir, target.endsWith('.yaml') ? target : `${target}.yaml`);
  else
    throw new GcIncidentError(
      'USAGE',
      `'${target.slice(0, 60)}' is neither a workload name nor RUNBOOK_ID/STEP_ID`,
    );
  const loaded = loadWorkload(spec, context, runbooksDir);
  if (!loaded.ok) {
    const first = loaded.diagnostics[0];
    throw new GcIncidentError(
      'USAGE',
      `workload '${target.slice(0, 60)}': ${first ? first.message : 'invalid'}`,
    );
  }
  return {
    doc: loaded.source.doc,
    whatIf: loaded.source.whatIf,
    objective: loaded.source.objective,
    label: target,
  };
}
