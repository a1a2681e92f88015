/**
 * Finds runbook test files and everything a run needs from disk: each file validated against
 * `schemas/runbook-test.schema.json`, its runbook found (the folder above `tests/`, the
 * file's own folder, else RUNBOOKS_DIR) and validated, and the runbook's source positions
 * kept so a failure can point at the runbook line of the check that decided.
 */
import { basename, dirname } from 'node:path';
import { type Diagnostic, sortDiagnostics } from '../../core/diagnostics.js';
import type { Runbook } from '../../core/runbook/types.js';
import { type CompiledGroup, compileTestFile } from '../../core/runbook-tests/compile.js';
import type { RunbookTestFile } from '../../core/runbook-tests/types.js';
import { type Locator, loadYaml } from '../../core/yaml/load-yaml.js';
import { type LoadedRunbook, type ValidationContext, validateRunbookPaths } from '../fs/runbook-files.js';
import { findYamlFiles, readCapped, TEST_FILE } from '../fs/yaml-files.js';

export const RUNBOOK_TEST_SCHEMA_ID = 'https://gc-incident.dev/schemas/runbook-test.schema.json';

export interface LoadedTestFile {
  readonly file: string;
  readonly runbook: Runbook;
  readonly runbookFile: string;
  readonly runbookLocate: Locator;
  readonly groups: CompiledGroup[];
}

export interface TestFileReport {
  readonly files: string[];
  readonly loaded: LoadedTestFile[];
  readonly diagnostics: Diagnostic[];
}

export function loadTestFiles(
  paths: readonly string[],
  runbooksDir: string,
  context: ValidationContext,
): TestFileReport {
  const found = findYamlFiles(paths, 'tests');
  const diagnostics: Diagnostic[] = [...found.problems];
  const loaded: LoadedTestFile[] = [];
  const folders = new Map<string, { runbooks: LoadedRunbook[]; diagnostics: Diagnostic[] }>();
  const runbooksIn = (dir: string) => {
    let report = folders.get(dir);
    if (!report) {
      const validated = validateRunbookPaths([dir], context);
      report = { runbooks: validated.runbooks, diagnostics: validated.diagnostics };
      folders.set(dir, report);
    }
    return report;
  };
  for (const file of found.files) {
    const fail = (message: string, rule = 'file/read', at = { line: 1, col: 1 }) =>
      diagnostics.push({ file, ...at, severity: 'error', rule, message });
    if (!TEST_FILE.test(file)) {
      fail('a runbook test file is named RUNBOOK_ID.test.yaml', 'test/file-name');
      continue;
    }
    let bytes: Uint8Array;
    try {
      bytes = readCapped(file);
    } catch (error) {
      fail(`cannot read the file: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
      continue;
    }
    const yaml = loadYaml(file, bytes);
    if (!yaml.ok) {
      diagnostics.push(...yaml.diagnostics);
      continue;
    }
    const { data, locate } = yaml.value;
    const schemaProblems = context.schemas.validate(RUNBOOK_TEST_SCHEMA_ID, data, file, locate);
    if (schemaProblems.length > 0) {
      diagnostics.push(...schemaProblems);
      continue;
    }
    const doc = data as RunbookTestFile;
    const id = doc.runbook ?? basename(file).replace(TEST_FILE, '');
    const at = doc.runbook ? locate.at(['runbook']) : { line: 1, col: 1 };
    // The runbook beside the tests wins; RUNBOOKS_DIR only serves tests kept away from any runbook.
    const dirs =
      basename(dirname(file)) === 'tests' ? [dirname(dirname(file)), dirname(file)] : [dirname(file)];
    let match: LoadedRunbook | undefined;
    let broken: Diagnostic[] = [];
    let nearby = 0;
    for (const dir of [...dirs, runbooksDir]) {
      if (dir === runbooksDir && nearby > 0) break;
      const report = runbooksIn(dir);
      match = report.runbooks.find((r) => r.runbook.metadata.id === id);
      if (match) break;
      nearby += report.runbooks.length + report.diagnostics.length;
      broken = broken.length > 0 ? broken : report.diagnostics;
    }
    if (!match) {
      fail(
        `no valid runbook '${id}' in ${dirs.join(', ')}${broken.length > 0 ? ` (${broken.length} problem(s) there: run 'gc-incident validate')` : ''}`,
        'test/runbook-not-found',
        at,
      );
      continue;
    }
    const runbookYaml = loadYaml(match.file, readCapped(match.file));
    if (!runbookYaml.ok) continue; // validated just above, so it loads
    const compiled = compileTestFile(doc, match.runbook, file, locate);
    diagnostics.push(...compiled.diagnostics);
    if (compiled.diagnostics.length > 0) continue;
    loaded.push({
      file,
      runbook: match.runbook,
      runbookFile: match.file,
      runbookLocate: runbookYaml.value.locate,
      groups: compiled.groups,
    });
  }
  return { files: found.files, loaded, diagnostics: sortDiagnostics(diagnostics) };
}
