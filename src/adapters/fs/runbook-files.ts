/**
 * Validates runbook files on disk and loads the catalogue the other commands
 * use. Workload files referenced by simulate steps are resolved next to the
 * runbook that names them.
 */
import { type Diagnostic, sortDiagnostics } from '../../core/diagnostics.js';
import type { LintOptions } from '../../core/runbook/lint.js';
import type { Runbook } from '../../core/runbook/types.js';
import {
  type ValidatedRunbook,
  validateRunbookBytes,
  validateWorkloadBytes,
} from '../../core/runbook/validate.js';
import type { SchemaValidator } from '../../core/schema-validator.js';
import { resolveWorkloadRef } from './file-root.js';
import { findYamlFiles, readCapped } from './yaml-files.js';

export interface ValidationContext {
  readonly schemas: SchemaValidator;
  readonly datasources: ReadonlySet<string>;
  readonly httpActions?: ReadonlySet<string> | undefined;
  /** The configured actions marked `readOnly: true` (the only ones a diagnose step may name). */
  readonly readOnlyHttpActions?: ReadonlySet<string> | undefined;
  /** Each configured action's URL and body templates (runbook/action-sends-fixed). */
  readonly httpActionTemplates?: ReadonlyMap<string, string> | undefined;
}

export interface LoadedRunbook {
  readonly file: string;
  readonly runbook: Runbook;
  readonly idPosition?: { line: number; col: number } | undefined;
}

export interface ValidationReport {
  readonly files: string[];
  readonly runbooks: LoadedRunbook[];
  readonly diagnostics: Diagnostic[];
  /** Findings that leave their runbooks loaded (runbook/effect-mismatch, …). */
  readonly warnings: Diagnostic[];
}

export function validateRunbookPaths(paths: readonly string[], context: ValidationContext): ValidationReport {
  const found = findYamlFiles(paths);
  const diagnostics: Diagnostic[] = [...found.problems];
  const warnings: Diagnostic[] = [];
  const runbooks: LoadedRunbook[] = [];
  for (const file of found.files) {
    let bytes: Uint8Array;
    try {
      bytes = readCapped(file);
    } catch (error) {
      diagnostics.push(
        fileProblem(file, `cannot read the file: ${(error as NodeJS.ErrnoException).code ?? 'error'}`),
      );
      continue;
    }
    const result = validateRunbookBytes(file, bytes, context.schemas, lintOptions(file, context));
    diagnostics.push(...result.diagnostics);
    warnings.push(...(result.warnings ?? []));
    if (result.runbook) runbooks.push({ file, runbook: result.runbook, idPosition: result.idPosition });
  }
  diagnostics.push(...duplicateIds(runbooks));
  return {
    files: found.files,
    runbooks,
    diagnostics: sortDiagnostics(diagnostics),
    warnings: sortDiagnostics(warnings),
  };
}

/**
 * A runbook given as text (an editor buffer, an assistant's draft) with the same checks as a file;
 * `file` names it in the diagnostics, and its workload refs are resolved next to it.
 */
export function validateRunbookText(
  file: string,
  text: string,
  context: ValidationContext,
): ValidatedRunbook {
  return validateRunbookBytes(
    file,
    new TextEncoder().encode(text),
    context.schemas,
    lintOptions(file, context),
  );
}

function lintOptions(file: string, context: ValidationContext): LintOptions {
  return {
    datasources: context.datasources,
    httpActions: context.httpActions,
    readOnlyHttpActions: context.readOnlyHttpActions,
    httpActionTemplates: context.httpActionTemplates,
    checkWorkloadRef: (ref, from) => checkWorkloadRef(file, ref, from, context.schemas),
  };
}

function checkWorkloadRef(
  runbookFile: string,
  ref: string,
  from: { line: number; col: number },
  schemas: SchemaValidator,
): Diagnostic[] {
  const problem = (message: string): Diagnostic[] => [
    {
      file: runbookFile,
      line: from.line,
      col: from.col,
      severity: 'error',
      rule: 'runbook/workload-ref',
      message,
    },
  ];
  let target: string;
  try {
    target = resolveWorkloadRef(runbookFile, ref);
  } catch (error) {
    return problem(`workload file '${ref}': ${(error as Error).message}`);
  }
  let bytes: Uint8Array;
  try {
    bytes = readCapped(target);
  } catch {
    return problem(`workload file '${ref}' does not exist (looked for ${target})`);
  }
  return validateWorkloadBytes(target, bytes, schemas).diagnostics;
}

function duplicateIds(runbooks: readonly LoadedRunbook[]): Diagnostic[] {
  const first = new Map<string, string>();
  const out: Diagnostic[] = [];
  for (const { file, runbook, idPosition } of runbooks) {
    const id = runbook.metadata.id;
    const previous = first.get(id);
    if (previous) {
      out.push({
        ...fileProblem(file, `runbook id '${id}' is also used by ${previous}; ids must be unique`),
        rule: 'runbook/duplicate-runbook-id',
        line: idPosition?.line ?? 1,
        col: idPosition?.col ?? 1,
      });
    } else {
      first.set(id, file);
    }
  }
  return out;
}

function fileProblem(file: string, message: string): Diagnostic {
  return { file, line: 1, col: 1, severity: 'error', rule: 'file/read', message };
}
