/** How `gc-incident test` reports: one line per failed case (text), GitHub annotations, or JSON. */
import type { CaseResult } from '../adapters/runbook-tests/run-tests.js';
import type { Diagnostic } from '../core/diagnostics.js';
import { type DiagnosticFormat, formatDiagnostics } from './format-diagnostics.js';

/** `FILE:LINE:COL: case "…": expected fires, got quiet (young-collection-rate = 3.2 < 50)`, FILE being the runbook. */
export function failureLine(r: CaseResult): string {
  const at = `${r.runbookFile}:${r.runbookPosition.line}:${r.runbookPosition.col}`;
  return `${at}: case "${r.name}": expected ${r.expected}, got ${r.got}${r.detail ? ` (${r.detail})` : ''}`;
}

export function formatTestResults(
  results: readonly CaseResult[],
  invalid: readonly Diagnostic[],
  format: DiagnosticFormat,
  files: number,
): string {
  const failed = results.filter((r) => !r.pass);
  switch (format) {
    case 'json':
      return `${JSON.stringify(
        {
          files,
          cases: results.length,
          passed: results.length - failed.length,
          failed: failed.length,
          invalid: invalid.map(({ file, line, col, rule, message }) => ({ file, line, col, rule, message })),
          results: results.map((r) => ({
            testFile: r.testFile,
            line: r.testPosition.line,
            col: r.testPosition.col,
            group: r.group,
            case: r.name,
            pass: r.pass,
            expected: r.expected,
            got: r.got,
            detail: r.detail,
            runbook: { file: r.runbookFile, line: r.runbookPosition.line, col: r.runbookPosition.col },
          })),
        },
        null,
        2,
      )}\n`;
    case 'github':
      return (
        formatDiagnostics(invalid, 'github', { files }) +
        failed
          .map(
            (r) =>
              `::error file=${escapeProperty(r.runbookFile)},line=${r.runbookPosition.line},col=${r.runbookPosition.col},title=${escapeProperty(`runbook test ${r.testFile}`)}::${escapeData(failureLine(r).slice(failureLine(r).indexOf(': ') + 2))}\n`,
          )
          .join('')
      );
    case 'text': {
      const byFile = new Map<string, CaseResult[]>();
      for (const r of results) byFile.set(r.testFile, [...(byFile.get(r.testFile) ?? []), r]);
      let out = formatDiagnostics(invalid, 'text', { files });
      for (const [file, list] of byFile) {
        const bad = list.filter((r) => !r.pass);
        for (const r of bad)
          out += `${failureLine(r)} [${file}:${r.testPosition.line}:${r.testPosition.col}]\n`;
        out +=
          bad.length === 0
            ? `ok   ${file} (${list.length} cases)\n`
            : `FAIL ${file} (${bad.length} of ${list.length} cases failed)\n`;
      }
      return out;
    }
  }
}

export function testSummary(results: readonly CaseResult[], invalid: number, files: number): string {
  const failed = results.filter((r) => !r.pass).length;
  const parts = [`${results.length - failed} passed`, `${failed} failed`];
  if (invalid > 0) parts.push(`${invalid} problem${invalid === 1 ? '' : 's'} in test files`);
  return `${files} test file${files === 1 ? '' : 's'}, ${results.length} case${results.length === 1 ? '' : 's'}: ${parts.join(', ')}\n`;
}

// GitHub's workflow-command escaping (actions/toolkit `command.ts`).
function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}
