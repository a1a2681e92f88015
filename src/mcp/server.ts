/**
 * The MCP server: the runbooks, the simulator, the fit, incidents and checks for AI assistants,
 * read-only. One server per connection (stdio: the process; HTTP: each request).
 */
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { VERSION } from '../version.js';
import type { McpDeps } from './deps.js';
import { registerInvestigatePrompt } from './prompt.js';
import { registerRunbookResources } from './resources.js';
import { registerChangeTool } from './tools/changes.js';
import { registerFitTool } from './tools/fit.js';
import { registerIncidentTools } from './tools/incidents.js';
import { registerMetricTools } from './tools/metrics.js';
import { registerRunbookTools } from './tools/runbooks.js';
import { registerSimulateTool } from './tools/simulate.js';

export function createMcpServer(deps: McpDeps): McpServer {
  const server = new McpServer(
    { name: 'gc-incident', version: VERSION },
    {
      instructions:
        "gc-incident: runbooks, an exact simulator of CPython's garbage collector, a fit of it to a live job's metrics, incidents and their checks. Read-only: to change an incident, incident_change gives the /gc-incident command a person runs.",
    },
  );
  registerRunbookTools(server, deps);
  registerSimulateTool(server, deps);
  registerFitTool(server, deps);
  registerIncidentTools(server, deps);
  registerMetricTools(server, deps);
  registerChangeTool(server, deps);
  registerRunbookResources(server, deps);
  registerInvestigatePrompt(server);
  return server;
}
