/** `gc-incident mcp`: the MCP server over stdio, for an AI assistant started on this machine. */
import { Command } from 'commander';
import { systemClock } from '../../adapters/clock.js';
import { type CliIo, EXIT } from '../io.js';

export function mcpCommand(io: CliIo, done: (code: number) => void): Command {
  return new Command('mcp')
    .description(
      'Serve the runbooks, simulator, fit, incidents and checks to an AI assistant over MCP (stdio, read-only)',
    )
    .addHelpText(
      'after',
      `
Speaks the Model Context Protocol on stdin/stdout; the assistant starts it. Reads the
same configuration as the other commands (RUNBOOKS_DIR, DATABASE_URL, PROMETHEUS_URL or
DATASOURCES_FILE, CALIBRATION_FILE). It never changes an incident: it answers with the
/gc-incident command to run instead. See docs/mcp.md.

Example (Claude Code):
  $ claude mcp add --transport stdio gc-incident -- npx gc-incident mcp`,
    )
    .action(async () => {
      // Imported here: the SDK and the tools load only when this command runs.
      const { StdioServerTransport } = await import('@modelcontextprotocol/sdk/server/stdio.js');
      const { createMcpServer } = await import('../../mcp/server.js');
      const { stdioDeps } = await import('../../mcp/stdio-deps.js');
      const { trackInFlight } = await import('../../mcp/in-flight.js');
      const { deps, close } = stdioDeps(io.settings.config(), io.clock ?? systemClock);
      const server = createMcpServer(deps);
      const transport = new StdioServerTransport();
      const closed = new Promise<void>((resolve) => {
        transport.onclose = () => resolve();
        // The assistant ends the session by closing our stdin.
        process.stdin.once('end', () => resolve());
      });
      await server.connect(transport);
      const inFlight = trackInFlight(transport);
      io.stderr('gc-incident MCP server ready on stdio (read-only)\n');
      await closed;
      // Requests read before stdin closed are answered first (a simulation ends within the pool's limit).
      await inFlight.idle();
      await server.close();
      await close();
      done(EXIT.OK);
    });
}
