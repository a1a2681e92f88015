/** The one prompt: investigate a GC incident on a job, chaining fit → diagnosis → simulate. */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';

export function registerInvestigatePrompt(server: McpServer): void {
  server.registerPrompt(
    'investigate',
    {
      title: 'Investigate a GC incident on a job',
      description:
        "Fit the job's GC metrics, read the diagnosis and its runbook, and simulate the mitigations.",
      argsSchema: {
        job: z
          .string()
          .regex(/^[A-Za-z0-9_.:/-]{1,200}$/)
          .describe("the service's Prometheus job label"),
        window: z.string().max(20).optional().describe('how far back to read (default 15m)'),
      },
    },
    ({ job, window }) => ({
      messages: [
        {
          role: 'user',
          content: {
            type: 'text',
            text: [
              `Investigate a CPython garbage-collector incident on job "${job}" with the gc-incident tools. Read only; change nothing.`,
              `1. Call fit with job "${job}" and window "${window ?? '15m'}". Report the diagnosis (its title and evidence, with numbers and units) and the fit's quality; say how far the fitted rates are from the observed ones.`,
              '2. If the diagnosis names a runbook, call runbook_show on it and check its detection checks now with check (inputs {"job": "' +
                job +
                '"}).',
              "3. Call simulate on the runbook's simulate step (RUNBOOK_ID:STEP_ID, its what-ifs come along), or on the fitted workload's YAML with the what-ifs the fit ranked. Report the verdict, the objective it ranks by, and what is ruled out.",
              '4. Recommend the mitigation to try first, with its predicted effect and how uncertain the prediction is (a simulation of a fitted workload, not a measurement). If a change to the incident is needed (open it, run or approve a containment action), give the /gc-incident command a person runs (incident_change says which); never claim it was done.',
            ].join('\n'),
          },
        },
      ],
    }),
  );
}
