/**
 * `gc-incident mcp` in its own process, from the sources: spawned as a process, this file runs the
 * CLI on its arguments as bin/gc-incident.js runs dist/cli/main.js
 * (tests/integration/built-package.test.ts checks the built entry point).
 */
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { helperEntry } from '../tiers/bundles.js';
import { REPO } from './runbooks.js';

export interface McpSession {
  readonly client: Client;
  /** What the server wrote on stderr so far (it must never be a stack trace). */
  stderr(): string;
  close(): Promise<void>;
}

/** How the tests start `gc-incident mcp` from the sources (this run's bundle of this file). */
export const MCP_ENTRY = [...helperEntry(import.meta.filename), 'mcp'];

export async function startMcp(env: Record<string, string>, entry?: string[]): Promise<McpSession> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: entry ?? MCP_ENTRY,
    cwd: REPO,
    // Only what the test gives (and PATH, HOME for Node): no configuration leaks in from the shell.
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stderr: 'pipe',
  });
  let stderr = '';
  transport.stderr?.on('data', (d: Buffer) => {
    stderr += String(d);
  });
  const client = new Client({ name: 'gc-incident-test', version: '1.0.0' });
  await client.connect(transport);
  return { client, stderr: () => stderr, close: () => client.close() };
}

export const BIN = join(REPO, 'bin', 'gc-incident.js');

if (process.argv[1] === import.meta.filename) {
  const { runCli } = await import('../../src/cli/main.js');
  process.exitCode = await runCli(process.argv.slice(2));
}
