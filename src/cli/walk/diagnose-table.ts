/** A diagnose step's GC state in the terminal: the summary line, the table, where it came from. */

import { stateTable, summaryLine } from '../../core/diagnose/render.js';
import type { DiagnoseResult } from '../../core/diagnose/result.js';

/** The state's strings were stripped of control characters when parsed (no escape sequences reach the terminal). */
export function formatDiagnose(result: DiagnoseResult): string {
  return [
    summaryLine(result.state),
    '',
    stateTable(result.state),
    '',
    `${result.method} ${result.url}: ${result.status ?? 'no response'} in ${result.durationMs} ms`,
  ].join('\n');
}
