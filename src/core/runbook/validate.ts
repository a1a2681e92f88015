/**
 * One runbook file from bytes to a typed `Runbook`, or to every problem in it:
 * YAML first (stop there if it does not parse), then the schema, then the lint.
 */
import type { Diagnostic } from '../diagnostics.js';
import { dedupeDiagnostics, sortDiagnostics } from '../diagnostics.js';
import type { SchemaValidator } from '../schema-validator.js';
import type { WorkloadDocument } from '../simulator/workload.js';
import { lintWorkload } from '../simulator/workload-lint.js';
import { loadYaml } from '../yaml/load-yaml.js';
import { type LintOptions, lintRunbook } from './lint.js';
import { lintActionEffects } from './lint-action-effect.js';
import { lintUnits } from './lint-unit.js';
import type { Runbook } from './types.js';

export const RUNBOOK_SCHEMA_ID = 'https://gc-incident.dev/schemas/runbook.schema.json';
export const WORKLOAD_SCHEMA_ID = 'https://gc-incident.dev/schemas/workload.schema.json';

export interface ValidatedRunbook {
  readonly file: string;
  readonly runbook: Runbook | undefined;
  readonly diagnostics: Diagnostic[];
  /** Findings that leave the runbook usable (shown by `validate`, exit code 0). */
  readonly warnings?: Diagnostic[] | undefined;
  /** Where `metadata.id` is written, for problems that span files (duplicate ids). */
  readonly idPosition?: { line: number; col: number } | undefined;
}

export function validateRunbookBytes(
  file: string,
  bytes: Uint8Array,
  schemas: SchemaValidator,
  options: LintOptions,
): ValidatedRunbook {
  const loaded = loadYaml(file, bytes);
  if (!loaded.ok) return { file, runbook: undefined, diagnostics: loaded.diagnostics };
  const { data, locate } = loaded.value;
  const schemaProblems = schemas.validate(RUNBOOK_SCHEMA_ID, data, file, locate);
  if (schemaProblems.length > 0) {
    return { file, runbook: undefined, diagnostics: sortDiagnostics(dedupeDiagnostics(schemaProblems)) };
  }
  const runbook = data as Runbook;
  const lintProblems = lintRunbook(runbook, file, locate, options);
  if (lintProblems.length > 0) {
    return { file, runbook: undefined, diagnostics: sortDiagnostics(dedupeDiagnostics(lintProblems)) };
  }
  const warnings = [
    ...lintActionEffects(runbook, file, locate, options.httpActionTemplates),
    ...lintUnits(runbook, file, locate),
  ];
  return { file, runbook, diagnostics: [], warnings, idPosition: locate.at(['metadata', 'id']) };
}

export function validateWorkloadBytes(
  file: string,
  bytes: Uint8Array,
  schemas: SchemaValidator,
): { data: WorkloadDocument | undefined; diagnostics: Diagnostic[] } {
  const loaded = loadYaml(file, bytes);
  if (!loaded.ok) return { data: undefined, diagnostics: loaded.diagnostics };
  const problems = schemas.validate(WORKLOAD_SCHEMA_ID, loaded.value.data, file, loaded.value.locate);
  if (problems.length > 0)
    return { data: undefined, diagnostics: sortDiagnostics(dedupeDiagnostics(problems)) };
  const doc = loaded.value.data as WorkloadDocument;
  const lint = lintWorkload(doc, file, loaded.value.locate);
  return { data: lint.length === 0 ? doc : undefined, diagnostics: sortDiagnostics(lint) };
}
