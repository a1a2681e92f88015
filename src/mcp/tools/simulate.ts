/** The simulate tool: a named workload, a runbook's simulate step or inline YAML, with what-ifs. */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { loadNamedWorkload } from '../../adapters/fs/workload-source.js';
import { checkWhatIfCount, MAX_WHAT_IFS } from '../../adapters/workers/simulation-pool.js';
import { GcIncidentError } from '../../core/errors.js';
import { validateWorkloadBytes } from '../../core/runbook/validate.js';
import { OBJECTIVES } from '../../core/simulator/objective.js';
import { WHAT_IF_HELP, whatIfVariants } from '../../core/simulator/what-if.js';
import { MODELLED_PYTHONS, normalizeWorkload, type WorkloadDocument } from '../../core/simulator/workload.js';
import { MAX_FILE_BYTES } from '../../core/yaml/load-yaml.js';
import { comparisonReport, runComparison } from '../comparison.js';
import type { McpDeps } from '../deps.js';
import { guarded } from '../result.js';

export const simulationOutput = {
  verdict: z.string(),
  objective: z.object({ name: z.string(), description: z.string() }).loose(),
  best: z.string().nullable(),
  table: z.string(),
  ranking: z.array(z.object({ variant: z.string() }).loose()),
  variants: z.array(z.object({ variant: z.string() }).loose()),
};

export function registerSimulateTool(server: McpServer, deps: McpDeps): void {
  server.registerTool(
    'simulate',
    {
      title: 'Simulate the collector',
      description: `Simulate CPython's garbage collector on a workload and compare mitigations (at most ${MAX_WHAT_IFS} what-ifs besides the baseline): the verdict, the comparison table and the objective the ranking uses. Give exactly one of workload (a name in the workloads folder, or RUNBOOK_ID:STEP_ID of a runbook's simulate step) and yaml (a workload document).`,
      inputSchema: {
        workload: z
          .string()
          .max(200)
          .optional()
          .describe('a workload name such as full-collection-latency, or RUNBOOK_ID:STEP_ID'),
        yaml: z
          .string()
          .max(MAX_FILE_BYTES)
          .optional()
          .describe('a workload document (schemas/workload.schema.json)'),
        whatIf: z
          .array(z.string().max(100))
          .max(1000)
          .optional()
          .describe(`mitigations to compare: ${WHAT_IF_HELP} (default: the runbook step's)`),
        python: z.enum(MODELLED_PYTHONS).optional().describe("model this CPython instead of the workload's"),
        objective: z
          .enum(OBJECTIVES)
          .optional()
          .describe("what the mitigations are ranked on (default: the runbook step's, else gc-time)"),
      },
      outputSchema: z.object({ workload: z.string(), python: z.string(), ...simulationOutput }).loose(),
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    guarded(async ({ workload, yaml, whatIf, python, objective }) => {
      if ((workload === undefined) === (yaml === undefined))
        throw new GcIncidentError(
          'USAGE',
          'give exactly one of workload (a name or RUNBOOK_ID:STEP_ID) and yaml',
        );
      const loaded =
        workload !== undefined
          ? loadNamedWorkload(workload, deps.workloadsDir, deps.config.runbooksDir, deps.validation)
          : inlineWorkload(yaml ?? '', deps.validation.schemas);
      const whatIfs = whatIf ?? [...loaded.whatIf];
      checkWhatIfCount(whatIfs);
      const base = normalizeWorkload(loaded.doc, python);
      const results = await runComparison(deps, whatIfVariants(base, whatIfs));
      const report = comparisonReport(results, { objective: objective ?? loaded.objective });
      const header = `${loaded.label} on CPython ${base.python}\n`;
      return {
        content: [{ type: 'text', text: header + report.text }],
        structuredContent: { workload: loaded.label, python: base.python, ...report.structured },
      };
    }),
  );
}

function inlineWorkload(
  yaml: string,
  schemas: McpDeps['validation']['schemas'],
): { doc: WorkloadDocument; whatIf: readonly string[]; label: string; objective?: undefined } {
  const result = validateWorkloadBytes('inline.yaml', new TextEncoder().encode(yaml), schemas);
  if (!result.data) {
    const shown = result.diagnostics
      .slice(0, 5)
      .map((d) => `${d.file}:${d.line}:${d.col}: ${d.message} [${d.rule}]`)
      .join('; ');
    throw new GcIncidentError('USAGE', `the workload does not validate: ${shown}`, {
      diagnostics: result.diagnostics.length,
    });
  }
  return { doc: { name: 'inline', ...result.data }, whatIf: [], label: 'inline workload' };
}
