/** The runbooks a folder offers, one summary each, as `gc-incident runbooks` and the MCP server list them. */
import type { CatalogueReport } from './runbook-catalogue.js';

export interface RunbookSummary {
  readonly id: string;
  readonly title: string;
  readonly severity: string;
  readonly alerts: string[];
  readonly pythonVersions: string[];
  readonly file: string;
  /** From the package, not from the configured folder. */
  readonly shipped: boolean;
}

export function runbookSummaries(report: CatalogueReport): RunbookSummary[] {
  return report.runbooks
    .map(({ file, runbook }) => ({
      id: runbook.metadata.id,
      title: runbook.metadata.title,
      severity: runbook.metadata.severity,
      alerts: [...runbook.metadata.alerts],
      pythonVersions: [...runbook.metadata.pythonVersions],
      file,
      shipped: report.shippedFiles.has(file),
    }))
    .sort((a, b) => a.id.localeCompare(b.id));
}
