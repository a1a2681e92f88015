/**
 * The GC state as people read it, the same on every surface: one summary line and a compact
 * monospace table (generations, then the most numerous tracked types, then tracemalloc's top
 * allocations). Plain text: each surface escapes it for its medium (Slack's mrkdwn, Markdown).
 */
import type { GcState } from './gc-state.js';

/** Types shown in the table; the record keeps all (up to 20). */
export const SHOWN_TYPES = 10;

export const group = (n: number) => String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');

function bytes(n: number): string {
  if (n >= 1024 * 1024) return `${(n / (1024 * 1024)).toFixed(1)} MiB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${n} B`;
}

export function summaryLine(state: GcState): string {
  const parts = [
    state.enabled ? 'collector enabled' : 'collector DISABLED',
    `thresholds ${state.thresholds.join('/')}`,
    `${group(state.frozen)} frozen`,
    `${group(state.objects.tracked)} tracked objects`,
  ];
  if (state.garbage > 0) parts.push(`${group(state.garbage)} in gc.garbage`);
  if (state.python)
    parts.push(`CPython ${state.python}${state.pid === undefined ? '' : ` (pid ${state.pid})`}`);
  return parts.join(' · ');
}

/** Columns aligned right ('r', numbers) or left ('l'); a left column last is not padded. */
function table(header: readonly string[], rows: readonly (readonly string[])[], align: string): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (align[i] === 'l' ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)];
}

export function stateTable(state: GcState, shownTypes = SHOWN_TYPES): string {
  const lines = table(
    ['gen', 'threshold', 'pending', 'collections', 'collected', 'uncollectable'],
    state.generations.map((g, i) => [
      String(g.generation),
      state.thresholds[i] === undefined ? '-' : group(state.thresholds[i] as number),
      state.counts[i] === undefined ? '-' : group(state.counts[i] as number),
      group(g.collections),
      group(g.collected),
      group(g.uncollectable),
    ]),
    'lrrrrr',
  );
  const top = state.objects.top.slice(0, shownTypes);
  if (top.length > 0) {
    const more = state.objects.top.length - top.length;
    lines.push(
      '',
      `top tracked types (census ${Math.round(state.objects.ageSeconds)} s old${more > 0 ? `; ${more} more recorded` : ''}):`,
      ...table(
        ['count', 'type'],
        top.map((t) => [group(t.count), t.type]),
        'rl',
      ),
    );
  }
  if (state.tracemalloc) {
    const t = state.tracemalloc;
    lines.push(
      '',
      `tracemalloc: ${bytes(t.currentBytes)} traced, peak ${bytes(t.peakBytes)}`,
      ...table(
        ['size', 'blocks', 'where'],
        t.top.slice(0, 5).map((a) => [bytes(a.sizeBytes), group(a.count), a.where]),
        'rrl',
      ),
    );
  }
  return lines.join('\n');
}
