/** Moved to src/format/diagnostics.ts (the MCP server reports the same lines); kept for the CLI's imports. */
export * from '../format/diagnostics.js';
