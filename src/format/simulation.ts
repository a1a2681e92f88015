/** Terminal renderings of simulator results: one run, a what-if comparison, and a check against CPython. */
import type { SimulationResult } from '../core/simulator/simulate.js';
import { renderTable } from './table.js';

const ms = (v: number) => (v >= 100 ? v.toFixed(0) : v >= 1 ? v.toFixed(2) : v.toFixed(3));
const num = (v: number) => v.toLocaleString('en-US');

export function formatResult(r: SimulationResult): string {
  const lines: string[] = [];
  lines.push(
    `Workload '${r.workload}' on CPython ${r.python} (model for ${r.covers}; ${r.collector} collector, thresholds ${r.thresholds.join('/')}, ${num(r.iterations)} iterations) — ${r.fidelity === 'measured' ? 'model checked against real CPython' : 'MODEL ONLY: no interpreter of this version was measured'}`,
  );
  lines.push('');
  lines.push(
    renderTable(
      ['', 'gen 0', 'gen 1', 'gen 2'],
      [
        ['collections', ...r.stats.map((s) => num(s.collections))],
        ['collected', ...r.stats.map((s) => num(s.collected))],
        ['uncollectable', ...r.stats.map((s) => num(s.uncollectable))],
      ],
    ).trimEnd(),
  );
  lines.push('');
  lines.push(`gc.get_count() ${JSON.stringify(r.count)}    len(gc.garbage) ${num(r.garbage)}`);
  const p = r.pauses;
  lines.push(
    `pauses: ${num(p.count)} collections, p50 ${ms(p.p50Ms)} ms, p95 ${ms(p.p95Ms)} ms, p99 ${ms(p.p99Ms)} ms, max ${ms(p.maxMs)} ms, total ${ms(p.totalMs)} ms`,
  );
  if (r.perSecond) {
    const c = r.perSecond.collections;
    lines.push(
      `per second of service time (${num(r.perSecond.seconds)} s): ${c.map((x, g) => `gen ${g} ${x.toFixed(2)}/s`).join(', ')}${projectedText(r)}; ${ms(r.perSecond.gcMs)} ms in GC per second`,
    );
  }
  lines.push(
    `tracked objects (live + garbage): peak ${num(r.heap.peak)}, steady ${num(r.heap.steady)}, final ${num(r.heap.final)}`,
  );
  lines.push(`pause model: ${r.calibration}`);
  if (r.settle?.note) lines.push(`freeze: ${r.settle.note}`);
  return `${lines.join('\n')}\n`;
}

/** Full collections too rare for the stretch, at the pace the collector's rule gives them (full-rate.ts). */
function projectedText(r: SimulationResult): string {
  const full = r.perSecond?.fullProjected;
  return full !== undefined && full > 0
    ? ` (gen 2 projected ${full < 1 ? full.toPrecision(2) : full.toFixed(2)}/s from the collector's rule)`
    : '';
}

export function formatComparison(rows: readonly { label: string; result: SimulationResult }[]): string {
  const header = [
    'variant',
    'python',
    'gen0',
    'gen1',
    'gen2',
    'collected',
    'p50 ms',
    'p95 ms',
    'max ms',
    'peak heap',
    'GC ms/s',
  ];
  const body = rows.map(({ label, result: r }) => [
    label,
    `${r.python}${r.fidelity === 'model only' ? '*' : ''}`,
    num(r.stats[0]?.collections ?? 0),
    num(r.stats[1]?.collections ?? 0),
    num(r.stats[2]?.collections ?? 0),
    num(r.stats.reduce((s, g) => s + g.collected, 0)),
    ms(r.pauses.p50Ms),
    ms(r.pauses.p95Ms),
    (r.pendingFullMs ?? 0) > r.pauses.maxMs
      ? `${ms(r.pauses.maxMs)}; next full ${ms(r.pendingFullMs ?? 0)}`
      : ms(r.pauses.maxMs),
    num(r.heap.peak),
    r.perSecond ? ms(r.perSecond.gcMs) : '-',
  ]);
  const note = rows.some((r) => r.result.fidelity === 'model only')
    ? '* model only (not checked against an interpreter)\n'
    : '';
  const noRate = rows.some((r) => !r.result.perSecond) ? "GC ms/s needs the workload's 'rate'.\n" : '';
  const unsettled = rows
    .filter((r) => r.result.settle?.note)
    .map((r) => `${r.label}: ${r.result.settle?.note}\n`)
    .join('');
  return `${renderTable(header, body)}${note}${noRate}${unsettled}`;
}

export interface ReproOutput {
  stats: { collections: number; collected: number; uncollectable: number }[];
  count: number[];
  garbage: number;
  python?: string;
}

export function formatAgainst(
  real: ReproOutput,
  sim: SimulationResult,
  interpreter: string,
): { text: string; same: boolean } {
  const rows: string[][] = [];
  let same = true;
  const add = (name: string, a: number, b: number) => {
    if (a !== b) same = false;
    rows.push([name, num(a), num(b), a === b ? '' : 'DIFFERENT']);
  };
  for (let g = 0; g < 3; g++) {
    const a = real.stats[g];
    const b = sim.stats[g];
    add(`gen ${g} collections`, a?.collections ?? 0, b?.collections ?? 0);
    add(`gen ${g} collected`, a?.collected ?? 0, b?.collected ?? 0);
    add(`gen ${g} uncollectable`, a?.uncollectable ?? 0, b?.uncollectable ?? 0);
  }
  for (let g = 0; g < 3; g++) add(`count[${g}]`, real.count[g] ?? 0, sim.count[g] ?? 0);
  add('len(gc.garbage)', real.garbage, sim.garbage);
  const head = `CPython ${real.python ?? '?'} (${interpreter}) against the simulator for ${sim.python} (${sim.covers})`;
  const verdict = same ? 'identical' : 'the simulator and CPython disagree';
  return { text: `${head}\n${renderTable(['', 'CPython', 'simulator', ''], rows)}${verdict}\n`, same };
}
