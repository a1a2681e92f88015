/** `validate`'s reminder that a runbook has no test file (a warning: the runbook is still valid). */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Diagnostic } from '../../core/diagnostics.js';
import type { LoadedRunbook } from '../fs/runbook-files.js';

/** Where `gc-incident test` looks for a runbook's tests: `tests/ID.test.yaml` beside it, or beside it directly. */
export function testFileCandidates(runbookFile: string, id: string): string[] {
  const dir = dirname(runbookFile);
  return ['yaml', 'yml'].flatMap((ext) => [
    join(dir, 'tests', `${id}.test.${ext}`),
    join(dir, `${id}.test.${ext}`),
  ]);
}

export function untestedWarnings(runbooks: readonly LoadedRunbook[]): Diagnostic[] {
  return runbooks
    .filter(({ file, runbook }) => !testFileCandidates(file, runbook.metadata.id).some((f) => existsSync(f)))
    .map(({ file, runbook, idPosition }) => ({
      file,
      line: idPosition?.line ?? 1,
      col: idPosition?.col ?? 1,
      severity: 'warning',
      rule: 'runbook/untested',
      message: `runbook '${runbook.metadata.id}' has no test file (${join('tests', `${runbook.metadata.id}.test.yaml`)} beside it); start one with 'gc-incident test --init ${runbook.metadata.id}'`,
    }));
}
