/**
 * The what-if comparison as Slack's `table` block instead of a code block: the same cells as
 * the compact table (format/simulation-summary.ts), numbers right-aligned, the variant column
 * wrapped. Within Slack's limits (100 rows, 20 cells a row); rows beyond are dropped and said.
 */
import { compactRows, type Variant } from '../../format/simulation-summary.js';
import { NATIVE_LIMITS, type TableBlock } from './native-types.js';

type Cell = TableBlock['rows'][number][number];

function cell(text: string): Cell {
  return { type: 'raw_text', text: text === '' ? ' ' : text };
}

export function comparisonTableBlock(variants: readonly Variant[]): TableBlock {
  const { headers, rows } = compactRows(variants);
  const kept = rows.slice(0, NATIVE_LIMITS.tableRows - 1);
  return {
    type: 'table',
    rows: [headers, ...kept].map((row) => row.slice(0, NATIVE_LIMITS.tableCells).map(cell)),
    column_settings: headers.map((_, i) => (i === 0 ? { is_wrapped: true } : { align: 'right' as const })),
  };
}
