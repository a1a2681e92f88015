/** Runbook tools: list the runbooks, show one (phases, steps, checks), validate one given as text. */
import { join } from 'node:path';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { findRunbook } from '../../adapters/fs/runbook-catalog.js';
import { loadRunbookCatalogue } from '../../adapters/fs/runbook-catalogue.js';
import { validateRunbookText } from '../../adapters/fs/runbook-files.js';
import { runbookSummaries } from '../../adapters/fs/runbook-summaries.js';
import { MAX_FILE_BYTES } from '../../core/yaml/load-yaml.js';
import { formatDiagnostics, summaryLine } from '../../format/diagnostics.js';
import { renderTable } from '../../format/table.js';
import type { McpDeps } from '../deps.js';
import { answer, guarded } from '../result.js';
import { runbookOutline, runbookOutlineText } from '../runbook-outline.js';

export const RUNBOOK_ID = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,99}$/, 'a runbook id: lowercase letters, digits and dashes')
  .describe('runbook id, such as gc-full-collection-latency');

const diagnostic = z.object({
  file: z.string(),
  line: z.number(),
  col: z.number(),
  severity: z.string(),
  rule: z.string(),
  message: z.string(),
});

export function registerRunbookTools(server: McpServer, deps: McpDeps): void {
  server.registerTool(
    'runbooks_list',
    {
      title: 'List runbooks',
      description:
        'The runbooks an incident can be opened from (RUNBOOKS_DIR, and the shipped ones it does not override).',
      inputSchema: {},
      outputSchema: z
        .object({
          runbooks: z.array(
            z
              .object({
                id: z.string(),
                title: z.string(),
                severity: z.string(),
                alerts: z.array(z.string()),
                shipped: z.boolean(),
              })
              .loose(),
          ),
          skipped: z.array(diagnostic).describe('problems of runbook files that are not offered'),
        })
        .loose(),
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    guarded(() => {
      const report = loadRunbookCatalogue(deps.config.runbooksDir, deps.validation);
      const runbooks = runbookSummaries(report);
      const text =
        runbooks.length === 0
          ? `no valid runbooks in ${deps.config.runbooksDir}\n`
          : renderTable(
              ['ID', 'SEVERITY', 'TITLE', 'FROM'],
              runbooks.map((r) => [
                r.id,
                r.severity,
                r.title,
                r.shipped ? 'shipped' : deps.config.runbooksDir,
              ]),
            );
      const skipped =
        report.diagnostics.length > 0
          ? `\n${report.diagnostics.length} problem(s) in runbook files: use runbook_validate\n`
          : '';
      return answer(text + skipped, { runbooks, skipped: report.diagnostics.map(plain) });
    }),
  );

  server.registerTool(
    'runbook_show',
    {
      title: 'Show a runbook',
      description: "One runbook's inputs, phases, steps and checks (queries with their thresholds).",
      inputSchema: { id: RUNBOOK_ID },
      outputSchema: z
        .object({
          id: z.string(),
          title: z.string(),
          file: z.string(),
          phases: z.array(z.object({}).loose()),
        })
        .loose(),
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    guarded(({ id }) => {
      const { runbook, file } = findRunbook(id, deps.config.runbooksDir, deps.validation);
      const outline = runbookOutline(runbook, file);
      return answer(runbookOutlineText(outline), { ...outline });
    }),
  );

  server.registerTool(
    'runbook_validate',
    {
      title: 'Validate a runbook',
      description:
        "Check a runbook given as YAML text against the schema and the runbook rules, as 'gc-incident validate' does: each problem with its line and column.",
      inputSchema: {
        yaml: z.string().max(MAX_FILE_BYTES).describe('the runbook file, as YAML text'),
        name: z
          .string()
          .regex(/^[A-Za-z0-9._-]{1,100}$/, 'a file name without folders')
          .optional()
          .describe('file name used in the problems (default runbook.yaml)'),
      },
      outputSchema: z
        .object({ valid: z.boolean(), errors: z.number(), diagnostics: z.array(diagnostic.loose()) })
        .loose(),
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    guarded(({ yaml, name }) => {
      // Checked as a file of the runbooks folder would be: its workload refs resolve beside the others.
      const shown = name ?? 'runbook.yaml';
      const file = join(deps.config.runbooksDir, shown);
      const diagnostics = validateRunbookText(file, yaml, deps.validation).diagnostics.map((d) =>
        d.file === file ? { ...d, file: shown } : d,
      );
      const result = { diagnostics };
      const errors = result.diagnostics.filter((d) => d.severity === 'error').length;
      const text =
        formatDiagnostics(result.diagnostics, 'text', { files: 1 }) + summaryLine(result.diagnostics, 1);
      return answer(text, {
        valid: errors === 0,
        errors,
        diagnostics: result.diagnostics.map(plain),
      });
    }),
  );
}

function plain(d: {
  file: string;
  line: number;
  col: number;
  severity: string;
  rule: string;
  message: string;
}) {
  return { file: d.file, line: d.line, col: d.col, severity: d.severity, rule: d.rule, message: d.message };
}
