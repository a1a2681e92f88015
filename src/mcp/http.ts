/**
 * The MCP server over streamable HTTP, mounted by `serve` at /mcp when MCP_HTTP=on. Every
 * request must carry MCP_TOKEN as a bearer token (compared in constant time); without it the
 * answer is 401 and nothing runs. Stateless: each POST gets its own server and transport over
 * the app's shared store, metrics client and simulation pool, so no session outlives a request.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { bearerMatches } from '../adapters/http/bearer.js';
import { readRequestBody } from '../adapters/http/request-body.js';
import type { McpDeps } from './deps.js';

export const MCP_PATH = '/mcp';
/** A runbook to validate is at most 256 KiB; JSON escaping can double it. */
const MAX_BODY = 1024 * 1024;

function refuse(res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}) {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32001, message }, id: null }));
}

export function mcpHttpHandler(options: {
  readonly token: string;
  readonly deps: McpDeps;
  readonly logger: Logger;
}): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  return async (req, res) => {
    try {
      if (!bearerMatches(req.headers.authorization, options.token)) {
        options.logger.warn('MCP request refused: missing or wrong bearer token');
        return refuse(res, 401, 'missing or wrong bearer token (Authorization: Bearer MCP_TOKEN)', {
          'www-authenticate': 'Bearer',
        });
      }
      if (req.method !== 'POST')
        return refuse(res, 405, 'this MCP endpoint is stateless: POST JSON-RPC messages', { allow: 'POST' });
      const body = await readRequestBody(req, MAX_BODY);
      if (!body) return refuse(res, 413, `request body over ${MAX_BODY} bytes`);
      let parsed: unknown;
      try {
        parsed = JSON.parse(body.toString('utf8'));
      } catch {
        return refuse(res, 400, 'the body is not JSON');
      }
      // Loaded on the first authorised request: a `serve` without MCP never imports the SDK.
      const [{ StreamableHTTPServerTransport }, { createMcpServer }] = await Promise.all([
        import('@modelcontextprotocol/sdk/server/streamableHttp.js'),
        import('./server.js'),
      ]);
      const server = createMcpServer(options.deps);
      // No sessionIdGenerator: stateless, one request per transport.
      const transport = new StreamableHTTPServerTransport({ enableJsonResponse: true });
      res.on('close', () => {
        void transport.close();
        void server.close();
      });
      await server.connect(transport);
      await transport.handleRequest(req, res, parsed);
    } catch (error) {
      options.logger.error({ err: String(error) }, 'MCP request failed');
      if (!res.headersSent) refuse(res, 500, 'internal error');
      else res.end();
    }
  };
}
