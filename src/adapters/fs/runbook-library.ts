/**
 * Every valid runbook of the runbook folder, loaded once when the app starts,
 * with the hash of each file (the version an incident follows). Invalid files
 * are reported, not served.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Diagnostic } from '../../core/diagnostics.js';
import { GcIncidentError } from '../../core/errors.js';
import type { Runbook } from '../../core/runbook/types.js';
import type { CatalogEntry } from './runbook-catalog.js';
import { loadRunbookCatalogue } from './runbook-catalogue.js';
import type { ValidationContext } from './runbook-files.js';

export class RunbookLibrary {
  private constructor(
    private readonly entries: ReadonlyMap<string, CatalogEntry>,
    readonly diagnostics: readonly Diagnostic[],
  ) {}

  static load(dir: string, context: ValidationContext): RunbookLibrary {
    const report = loadRunbookCatalogue(dir, context);
    const entries = new Map<string, CatalogEntry>();
    for (const { runbook, file } of report.runbooks) {
      const version = `sha256:${createHash('sha256').update(readFileSync(file)).digest('hex')}`;
      entries.set(runbook.metadata.id, { runbook, file, version });
    }
    return new RunbookLibrary(entries, report.diagnostics);
  }

  list(): Runbook[] {
    return [...this.entries.values()]
      .map((e) => e.runbook)
      .sort((a, b) => a.metadata.id.localeCompare(b.metadata.id));
  }

  find(id: string): CatalogEntry | undefined {
    return this.entries.get(id);
  }

  get(id: string): CatalogEntry {
    const entry = this.entries.get(id);
    if (!entry) {
      throw new GcIncidentError(
        'RUNBOOK_NOT_FOUND',
        `no runbook '${id}'; available: ${[...this.entries.keys()].join(', ') || 'none'}`,
        {
          runbookId: id,
        },
      );
    }
    return entry;
  }
}
