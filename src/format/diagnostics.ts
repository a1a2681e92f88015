/** The three ways `validate` reports (one line per problem, JSON, GitHub Actions annotations), for the CLI and the MCP server. */
import type { Diagnostic } from '../core/diagnostics.js';

export type DiagnosticFormat = 'text' | 'json' | 'github';
export const DIAGNOSTIC_FORMATS: readonly DiagnosticFormat[] = ['text', 'json', 'github'];

export function formatDiagnostics(
  diagnostics: readonly Diagnostic[],
  format: DiagnosticFormat,
  summary: { files: number },
): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(
        {
          files: summary.files,
          errors: diagnostics.filter((d) => d.severity === 'error').length,
          diagnostics: diagnostics.map(({ file, line, col, severity, rule, message, pointer }) => ({
            file,
            line,
            col,
            severity,
            rule,
            message,
            pointer: pointer ?? null,
          })),
        },
        null,
        2,
      )}\n`;
    case 'github':
      return diagnostics
        .map(
          (d) =>
            `::${d.severity} file=${escapeProperty(d.file)},line=${d.line},col=${d.col},title=${escapeProperty(d.rule)}::${escapeData(d.message)}\n`,
        )
        .join('');
    case 'text':
      return diagnostics
        .map((d) => `${d.file}:${d.line}:${d.col}: ${d.severity}: ${d.message} [${d.rule}]\n`)
        .join('');
  }
}

export function summaryLine(diagnostics: readonly Diagnostic[], files: number): string {
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const noun = files === 1 ? 'file' : 'files';
  return errors === 0
    ? `${files} ${noun} checked, no problems found\n`
    : `${files} ${noun} checked, ${errors} problem${errors === 1 ? '' : 's'} found\n`;
}

// GitHub's workflow-command escaping (actions/toolkit `command.ts`).
function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}
