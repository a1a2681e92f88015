/**
 * Tool answers: structured content for the assistant to read, a short text for people, and
 * every failure as an `isError` result with the error's code and one sentence (never a stack).
 */
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { isGcIncidentError } from '../core/errors.js';

export function answer(text: string, structured: Record<string, unknown>): CallToolResult {
  return { content: [{ type: 'text', text }], structuredContent: structured };
}

export function failure(error: unknown): CallToolResult {
  const code = isGcIncidentError(error) ? error.code : 'INTERNAL';
  // Only the first line: driver and library messages may carry a trace or a dump below it.
  const message = (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? 'failed';
  return {
    isError: true,
    content: [{ type: 'text', text: `error: ${message} [${code}]` }],
    // Not structuredContent: clients check that against the tool's output schema even on errors.
    _meta: { 'gc-incident/error': { code, message } },
  };
}

/** Runs a tool's body; whatever it throws becomes a failure result. */
export function guarded<A>(
  body: (args: A) => Promise<CallToolResult> | CallToolResult,
): (args: A) => Promise<CallToolResult> {
  return async (args) => {
    try {
      return await body(args);
    } catch (error) {
      return failure(error);
    }
  };
}
