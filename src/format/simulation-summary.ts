/**
 * A simulator comparison as people read it in Slack: one sentence saying what the
 * best variant changes against the baseline, then a table narrow enough for a
 * phone (at most 60 characters). The full table goes along as a file.
 */
import { rankSimulations } from '../core/simulator/rank.js';
import type { SimulationResult } from '../core/simulator/simulate.js';
import { renderTable } from './table.js';

export interface Variant {
  readonly label: string;
  readonly result: SimulationResult;
}

/** The width Slack shows a code block in without wrapping on a laptop, and in landscape on a phone. */
export const COMPACT_WIDTH = 60;

/** "threshold=10000,10,10" → "Setting the thresholds to 10000/10/10". */
export function describeWhatIf(label: string): string {
  const [name, value] = label.split('=', 2);
  switch (name) {
    case 'baseline':
      return 'The baseline';
    case 'threshold':
      return value?.includes(',')
        ? `Setting the thresholds to ${value.replace(/,/g, '/')}`
        : `Raising threshold0 to ${value}`;
    case 'python':
      return `Moving to CPython ${value}`;
    case 'freeze':
      return 'Calling gc.freeze() after start-up';
    case 'break-cycles':
      return 'Breaking the reference cycles';
    case 'disable':
      return 'Disabling the collector';
    case 'disable+collect':
      return `Disabling the collector and collecting every ${value} requests`;
    default:
      return label;
  }
}

/** The cost the decision is about: GC time per second of service when the workload has a rate, else total pause. */
function cost(r: SimulationResult): number {
  return r.perSecond ? r.perSecond.gcMs : r.pauses.totalMs;
}

function ms(v: number): string {
  if (v >= 100) return v.toFixed(0);
  if (v >= 10) return v.toFixed(1);
  if (v >= 1) return v.toFixed(2).replace(/0$/, '');
  return v.toPrecision(2);
}

function rate(v: number): string {
  return v >= 100 ? Math.round(v).toLocaleString('en-US') : Number(v.toPrecision(2)).toString();
}

function count(v: number): string {
  if (v >= 1e6) return `${Number((v / 1e6).toPrecision(3))}M`;
  if (v >= 1e4) return `${Number((v / 1e3).toPrecision(3))}k`;
  return v.toLocaleString('en-US');
}

function young(r: SimulationResult): string {
  return r.perSecond ? `${rate(r.perSecond.collections[0])}/s` : count(r.stats[0]?.collections ?? 0);
}

function percent(from: number, to: number): string {
  if (from === 0) return to === 0 ? '±0%' : 'new';
  const p = Math.round(((to - from) / from) * 100);
  return `${p > 0 ? '+' : p < 0 ? '−' : '±'}${Math.abs(p)}%`;
}

/**
 * The variant to try first (core/simulator/rank.ts: GC time, p99 pause and peak memory
 * weighed, a variant whose memory grows without bound ruled out), if any beats the baseline.
 */
export function bestVariant(variants: readonly Variant[]): Variant | undefined {
  const first = rankSimulations(variants).first;
  return variants.slice(1).find((v) => v.label === first);
}

/** "Ruled out: Disabling the collector (memory grows without bound)." or '' when nothing is. */
export function ruledOutNote(variants: readonly Variant[]): string {
  const out = rankSimulations(variants).order.filter((v) => v.ruledOut);
  return out.length > 0
    ? `Ruled out: ${out.map((v) => `${describeWhatIf(v.label)} (${v.ruledOut})`).join('; ')}.`
    : '';
}

/** Under the compact table: what the ranking ruled out, then the step's note (a fitted workload's quality). */
export function simulationNote(variants: readonly Variant[], note?: string): string | undefined {
  const text = [ruledOutNote(variants), note ?? ''].filter((l) => l !== '').join('\n');
  return text === '' ? undefined : text;
}

/**
 * "Setting the thresholds to 10000/10/10 cuts gen-0 collections from 610/s to 61/s and p99
 * pause from 3.1 ms to 2.9 ms; peak heap +12%."
 */
export function simulationVerdict(variants: readonly Variant[]): string {
  const baseline = variants[0];
  if (!baseline) return 'No simulation ran.';
  const b = baseline.result;
  const best = bestVariant(variants);
  if (!best) {
    return variants.length > 1
      ? `No variant beats the baseline on GC time, p99 pause and memory together (${ms(cost(b))} ms${b.perSecond ? '/s' : ''} in GC, p99 pause ${ms(b.pauses.p99Ms)} ms).`
      : `Baseline: gen-0 collections ${young(b)}, p99 pause ${ms(b.pauses.p99Ms)} ms, ${ms(cost(b))} ms in GC${b.perSecond ? ' per second' : ''}.`;
  }
  const v = best.result;
  const verb = (from: number, to: number) => (to < from ? 'cuts' : to > from ? 'raises' : 'keeps');
  const collections =
    b.perSecond && v.perSecond
      ? [b.perSecond.collections[0], v.perSecond.collections[0]]
      : [b.stats[0]?.collections ?? 0, v.stats[0]?.collections ?? 0];
  const [c0, c1] = collections as [number, number];
  // A change the rounded figures do not show (10.46/s → 10.45/s) is no change to a reader.
  const rate =
    young(b) === young(v) || Math.abs(c1 - c0) <= 0.05 * Math.max(c0, c1)
      ? `keeps gen-0 collections at ${young(b)}`
      : `${verb(c0, c1)} gen-0 collections from ${young(b)} to ${young(v)}`;
  const time =
    b.perSecond && v.perSecond
      ? ` and ${verb(b.perSecond.gcMs, v.perSecond.gcMs)} GC time from ${ms(b.perSecond.gcMs)} to ${ms(v.perSecond.gcMs)} ms/s`
      : '';
  // Full collections hide in the tail: say so when the longest pause moves by a fifth or more.
  const longest =
    Math.abs(v.pauses.maxMs - b.pauses.maxMs) >= 0.2 * Math.max(b.pauses.maxMs, v.pauses.maxMs) &&
    Math.max(b.pauses.maxMs, v.pauses.maxMs) >= 1
      ? `; longest pause ${ms(b.pauses.maxMs)} → ${ms(v.pauses.maxMs)} ms`
      : '';
  return (
    `${describeWhatIf(best.label)} ${rate}${time}; ` +
    `p99 pause ${ms(b.pauses.p99Ms)} → ${ms(v.pauses.p99Ms)} ms${longest}; peak heap ${percent(b.heap.peak, v.heap.peak)}.`
  );
}

/** One row per variant in at most 60 characters: gen-0 rate, p99 pause, GC time, heap against the baseline. */
export function compactComparison(variants: readonly Variant[]): string {
  const { headers, rows } = compactRows(variants);
  return renderTable(headers, rows);
}

/** The compact comparison's cells, for a surface that draws its own table (Slack's table block). */
export function compactRows(variants: readonly Variant[]): { headers: string[]; rows: string[][] } {
  const base = variants[0]?.result;
  const perSecond = variants.every((v) => v.result.perSecond);
  const label = (s: string) => (s.length > 22 ? `${s.slice(0, 21)}…` : s);
  const rows = variants.map(({ label: l, result: r }) => [
    label(l) + (r.fidelity === 'model only' ? '*' : ''),
    young(r).replace(/\/s$/, ''),
    ms(r.pauses.p99Ms),
    perSecond ? ms(r.perSecond?.gcMs ?? 0) : ms(r.pauses.totalMs),
    base ? percent(base.heap.peak, r.heap.peak) : '',
  ]);
  const headers = [
    'variant',
    perSecond ? 'gen0/s' : 'gen0',
    'p99 ms',
    perSecond ? 'GC ms/s' : 'GC ms',
    'heap',
  ];
  return { headers, rows };
}
