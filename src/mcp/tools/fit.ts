/**
 * The fit tool: a job's GC metrics over a window → the fitted workload, the diagnosis with its
 * evidence, and the mitigations `simulate --fit` compares, ranked by the simulator.
 */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { fitJob } from '../../adapters/fit/fit-job.js';
import { fitContext, withFittedCost } from '../../core/fit/fitted-run.js';
import { fitWhatIfs } from '../../core/fit/mitigations.js';
import { fitJson, fitText, renderFittedWorkload } from '../../core/fit/render.js';
import { runningServiceVariants } from '../../core/simulator/what-if.js';
import { MODELLED_PYTHONS, normalizeWorkload } from '../../core/simulator/workload.js';
import { comparisonReport, runComparison } from '../comparison.js';
import type { McpDeps } from '../deps.js';
import { guarded } from '../result.js';
import { requireMetrics } from './metrics.js';
import { simulationOutput } from './simulate.js';

export const FIT_INPUT = {
  job: z
    .string()
    .regex(/^[A-Za-z0-9_.:/-]{1,200}$/, 'a job name has letters, digits and _ . : / - only')
    .describe("the service's Prometheus job label"),
  window: z.string().max(20).default('15m').describe('how far back to read, such as 15m'),
  datasource: z
    .string()
    .regex(/^[a-z0-9][a-z0-9_-]{0,62}$/)
    .default('default'),
  python: z
    .enum(MODELLED_PYTHONS)
    .optional()
    .describe("the service's CPython, when it exports no python_info"),
};

export function registerFitTool(server: McpServer, deps: McpDeps): void {
  server.registerTool(
    'fit',
    {
      title: 'Fit a workload to a live job',
      description:
        "Read a job's GC metrics over a window, fit a simulator workload to them, name the failure mode with its evidence, and rank the default mitigations (threshold 0 ten times higher, gc.freeze()) by simulating them.",
      inputSchema: FIT_INPUT,
      outputSchema: z
        .object({
          job: z.string(),
          diagnosis: z.object({ mode: z.string(), title: z.string(), evidence: z.string() }).loose(),
          quality: z.array(z.object({}).loose()),
          workloadYaml: z.string(),
          mitigations: z.object(simulationOutput).loose(),
        })
        .loose(),
      annotations: { readOnlyHint: true, openWorldHint: true },
    },
    guarded(async ({ job, window, datasource, python }) => {
      const metrics = requireMetrics(deps);
      const { fit, observations } = await fitJob(metrics, {
        job,
        window,
        datasource,
        python,
        now: deps.clock.now(),
      });
      // As a runbook's fitted simulate step runs it (step-workload.ts): the service's own pause
      // cost, a running service's variants, and the fit's uncertainty and pause tail.
      const base = withFittedCost(normalizeWorkload({ name: `fit:${job}`, ...fit.doc }), fit);
      const results = await runComparison(deps, runningServiceVariants(base, fitWhatIfs(fit)));
      const report = comparisonReport(results, fitContext(fit, observations));
      const yaml = renderFittedWorkload(fit, observations);
      return {
        content: [
          { type: 'text', text: `${fitText(fit, observations)}\nMitigations (simulated)\n${report.text}` },
        ],
        structuredContent: {
          ...(fitJson(fit, observations) as Record<string, unknown>),
          workloadYaml: yaml,
          mitigations: report.structured,
        },
      };
    }),
  );
}
