/** Finds one runbook by id in the runbook folder, with the hash of the file it came from. */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { GcIncidentError } from '../../core/errors.js';
import type { Runbook } from '../../core/runbook/types.js';
import { loadRunbookCatalogue } from './runbook-catalogue.js';
import type { ValidationContext } from './runbook-files.js';

export interface CatalogEntry {
  readonly runbook: Runbook;
  readonly file: string;
  /** sha256 of the file's bytes: the exact version an incident follows. */
  readonly version: string;
}

export function findRunbook(id: string, dir: string, context: ValidationContext): CatalogEntry {
  const report = loadRunbookCatalogue(dir, context);
  const found = report.runbooks.find((r) => r.runbook.metadata.id === id);
  if (!found) {
    const broken =
      report.diagnostics.length > 0
        ? ` (${report.diagnostics.length} problem(s) in the folder: run 'gc-incident validate ${dir}')`
        : '';
    throw new GcIncidentError(
      'RUNBOOK_NOT_FOUND',
      `no valid runbook '${id}' in ${dir}; available: ${report.runbooks.map((r) => r.runbook.metadata.id).join(', ') || 'none'}${broken}`,
      { runbookId: id },
    );
  }
  const version = `sha256:${createHash('sha256').update(readFileSync(found.file)).digest('hex')}`;
  return { runbook: found.runbook, file: found.file, version };
}
