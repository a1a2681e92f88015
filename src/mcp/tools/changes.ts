/**
 * The MCP server never changes an incident, runs a containment action or approves one: those
 * go through Slack (or the terminal's walk), where the driver checks who may do what. Asked
 * for one, this tool answers with the `/gc-incident` command a person runs instead.
 */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import type { McpDeps } from '../deps.js';
import { answer, guarded } from '../result.js';
import { INCIDENT_ID } from './incidents.js';
import { RUNBOOK_ID } from './runbooks.js';

export const CHANGES = [
  'open',
  'close',
  'approve',
  'run-action',
  'run-step',
  'skip-step',
  'advance-phase',
  'assign-role',
  'note',
  'followup',
] as const;
type Change = (typeof CHANGES)[number];

function commandFor(
  change: Change,
  id: string,
  runbook: string | undefined,
): { command: string; afterwards?: string } {
  const card = {
    command: `/gc-incident status ${id}`,
    afterwards:
      "press the step's button on the incident card in Slack (the driver checks who may approve or run it)",
  };
  switch (change) {
    case 'open':
      return { command: `/gc-incident start ${runbook ?? 'RUNBOOK_ID'} service=NAME` };
    case 'close':
      return { command: `/gc-incident close ${id}` };
    case 'assign-role':
      return { command: `/gc-incident role ${id} @someone owner|commander|scribe|responder` };
    case 'note':
      return { command: `/gc-incident note ${id} TEXT` };
    case 'followup':
      return { command: `/gc-incident followup add @owner "what" due=3d` };
    default:
      return card;
  }
}

export function registerChangeTool(server: McpServer, _deps: McpDeps): void {
  server.registerTool(
    'incident_change',
    {
      title: 'Change an incident (answered with the command to run)',
      description:
        'This server is read-only: it never opens, closes or advances an incident, runs or approves a containment action. Call this with the change wanted to get the /gc-incident command a person runs in Slack instead.',
      inputSchema: {
        change: z.enum(CHANGES),
        incident: INCIDENT_ID.optional(),
        runbook: RUNBOOK_ID.optional(),
      },
      outputSchema: z
        .object({
          refused: z.literal(true),
          reason: z.string(),
          command: z.string(),
          afterwards: z.string().optional(),
        })
        .loose(),
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    guarded(({ change, incident, runbook }) => {
      const { command, afterwards } = commandFor(change, incident ?? 'ID', runbook);
      const reason = `the MCP server is read-only: ${change} is done by a person in Slack`;
      return answer(`${reason}. Run:\n  ${command}\n${afterwards ? `then ${afterwards}\n` : ''}`, {
        refused: true,
        reason,
        command,
        ...(afterwards ? { afterwards } : {}),
      });
    }),
  );
}
