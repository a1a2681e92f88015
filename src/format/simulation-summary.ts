/**
 * A simulator comparison as people read it in Slack: one sentence saying what the
 * best variant changes against the baseline, then a table narrow enough for a
 * phone (at most 60 characters). The full table goes along as a file.
 */
import {
  gcTimeOf,
  longestPauseMs,
  MEASURE_NAME,
  MEASURE_OF,
  type Measure,
  OBJECTIVE_NAME,
} from '../core/simulator/objective.js';
import { longestByGeneration, withTail } from '../core/simulator/pause-tail.js';
import { type DecisionContext, easeRank, type Ranking, rankSimulations } from '../core/simulator/rank.js';
import type { SimulationResult } from '../core/simulator/simulate.js';
import { MODEL_UNCERTAINTY } from '../core/simulator/uncertainty.js';
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

function ms(v: number): string {
  if (v === 0) return '0';
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

/** A measure of one variant with its unit: "7.5 ms", "0.53 ms/s", "1.4M objects". */
function valueText(r: SimulationResult, m: Measure): string {
  switch (m) {
    case 'maxMs':
      return `${ms(longestPauseMs(r))} ms`;
    case 'p99Ms':
      return `${ms(r.pauses.p99Ms)} ms`;
    case 'gcMs':
      return `${ms(gcTimeOf(r))} ms${r.perSecond ? '/s' : ''}`;
    case 'memory':
      return `${count(r.heap.peak)} objects`;
  }
}

function amount(r: SimulationResult, m: Measure): number {
  if (m === 'maxMs') return longestPauseMs(r);
  if (m === 'p99Ms') return r.pauses.p99Ms;
  if (m === 'gcMs') return gcTimeOf(r);
  return r.heap.peak;
}

/** "29 → 7.5 ms (−74 %)": both values in one unit, the unit once. */
function change(b: SimulationResult, v: SimulationResult, m: Measure): string {
  const [from, to] = [valueText(b, m), valueText(v, m)];
  const unit = to.slice(to.indexOf(' '));
  const fromNumber = from.endsWith(unit) ? from.slice(0, -unit.length) : from;
  return `${fromNumber} → ${to} (${percent(amount(b, m), amount(v, m))})`;
}

/**
 * The variant to try first (core/simulator/rank.ts: ranked on the objective, within the
 * predictions' error, a variant whose memory grows without bound ruled out), if any beats the baseline.
 */
export function bestVariant(
  variants: readonly Variant[],
  context: DecisionContext = {},
): Variant | undefined {
  const first = rankSimulations(variants, context).first;
  return variants.slice(1).find((v) => v.label === first);
}

/** "Ruled out: Disabling the collector (memory grows without bound)." or '' when nothing is. */
export function ruledOutNote(variants: readonly Variant[], context: DecisionContext = {}): string {
  const out = rankSimulations(variants, context).order.filter((v) => v.ruledOut);
  return out.length > 0
    ? `Ruled out: ${out.map((v) => `${describeWhatIf(v.label)} (${v.ruledOut})`).join('; ')}.`
    : '';
}

/** Under the compact table: what the ranking ruled out, then the step's note (a fitted workload's quality). */
export function simulationNote(
  variants: readonly Variant[],
  note?: string,
  context: DecisionContext = {},
): string | undefined {
  const text = [ruledOutNote(variants, context), note ?? ''].filter((l) => l !== '').join('\n');
  return text === '' ? undefined : text;
}

/** Why the first of variants within each other's error goes first. */
function easeReason(label: string, others: readonly string[], goal: string): string {
  const name = label.split('=', 1)[0];
  if (others.every((o) => easeRank(o) === easeRank(label))) return `it ranks first on ${goal}`;
  if (name === 'freeze') return 'it is reversible (gc.unfreeze())';
  if (name === 'threshold') return 'it is one gc.set_threshold() call, reversible';
  if (name === 'disable+collect' || name === 'disable') return 'it is a small change, reversible';
  return 'it is the smaller change';
}

/**
 * Leads with the objective, then the other measures as side effects: "Calling gc.freeze() after
 * start-up cuts the longest pause 29 → 7.5 ms (−74 %); GC time −23 %; p99 pause ±0 %; memory ±0 %."
 * Says so when the best variants are within each other's error, or within the baseline's.
 */
export function simulationVerdict(ranked: readonly Variant[], context: DecisionContext = {}): string {
  const first = ranked[0];
  if (!first) return 'No simulation ran.';
  const ranking = rankSimulations(ranked, context);
  // The figures stated are the ones ranked: with the service's pause tail when the fit has one.
  const variants = ranked.map((v) => ({ ...v, result: withTail(v.result, context.tail) }));
  const b = withTail(first.result, context.tail);
  const m = MEASURE_OF[ranking.objective];
  const goal = OBJECTIVE_NAME[ranking.objective];
  const byLabel = (label: string | undefined) => variants.slice(1).find((v) => v.label === label);
  const best = byLabel(ranking.first);
  if (!best) {
    const unsure = byLabel(ranking.unsure);
    if (unsure)
      return `Can't tell: ${describeWhatIf(unsure.label)} would change ${goal} ${change(b, unsure.result, m)}, within the prediction's error (${uncertaintyText(context, m, unsure.result)}); keep the baseline or measure it.`;
    const stall = ranking.objective === 'longest-pause' ? youngStall(ranked, context, ranking) : undefined;
    if (stall) return stall;
    return variants.length > 1
      ? `No variant beats the baseline on ${goal} (${valueText(b, m)}); the closest: ${closest(variants, ranking)}.`
      : `Baseline: ${goal} ${valueText(b, m)}; gen-0 collections ${young(b)}, p99 pause ${ms(b.pauses.p99Ms)} ms, ${valueText(b, 'gcMs')} in GC.`;
  }
  const v = best.result;
  const verb = amount(v, m) < amount(b, m) ? 'cuts' : 'changes';
  const sides = (['maxMs', 'p99Ms', 'gcMs', 'memory'] as const)
    .filter((other) => other !== m)
    .map((other) =>
      // From nothing (a collector that never ran), a percentage says nothing: the values do.
      amount(b, other) === 0 && amount(v, other) !== 0
        ? `${MEASURE_NAME[other]} ${valueText(b, other)} → ${valueText(v, other)}`
        : `${MEASURE_NAME[other]} ${percent(amount(b, other), amount(v, other))}`,
    );
  const head = `${describeWhatIf(best.label)} ${verb} ${goal} ${change(b, v, m)}; ${sides.join('; ')}.`;
  const maybe = byLabel(ranking.unsure);
  const more = maybe
    ? ` ${maybe.label} may do more (${percent(amount(b, m), amount(maybe.result, m))}), but within the prediction's error (${uncertaintyText(context, m, maybe.result)}).`
    : '';
  if (ranking.tied.length === 0) return `${head}${more}`;
  const others = ranking.tied.map((l) => l).join(' and ');
  return `${head} ${best.label} and ${others} are within each other's error on ${goal}: try ${best.label} first, ${easeReason(best.label, ranking.tied, goal)}.${more}`;
}

/** The generations whose outlier youngStall names (the full collections' is never one). */
const YOUNG_NAME = ['one young (generation-0)', 'one generation-1'];

/**
 * The longest pause set by one young collection's outlier in the service's histogram (the part
 * above its p99 is the service's own milliseconds, which no variant changes: pause-tail.ts),
 * while a variant cuts the full collections' pauses: says both, instead of "no variant beats the
 * baseline" over the variant that cuts what the runbook is about. Seen in `npm test`: on two
 * busy cores a young collection of the big-heap service took 100–250 ms once in a 20 s window,
 * longer than any full collection, or in the same bucket as the longest of them (both read 250 ms).
 */
function youngStall(
  ranked: readonly Variant[],
  context: DecisionContext,
  ranking: Ranking,
): string | undefined {
  const tail = context.tail;
  const base = ranked[0];
  if (!tail || !base) return undefined;
  const byGeneration = longestByGeneration(base.result, tail);
  const full = byGeneration.at(-1) ?? 0;
  const youngest = byGeneration.slice(0, -1);
  const stall = Math.max(0, ...youngest);
  const generation = youngest.indexOf(stall);
  const t = tail.generations[generation];
  if (!t || full <= 0 || stall <= 0) return undefined;
  // Each candidate's longest full-collection pause, computed once, shortest first.
  const [cut] = ranking.order
    .filter((o) => !o.ruledOut)
    .map((o) => ranked.find((v) => v.label === o.label))
    .filter(
      (v): v is Variant => v !== undefined && v !== base && v.result.pauses.byGeneration.at(-1)?.count !== 0,
    )
    .map((v) => ({ label: v.label, fullMs: longestByGeneration(v.result, tail).at(-1) ?? 0 }))
    .sort((x, y) => x.fullMs - y.fullMs);
  // A tenth less at least: less is within the pause model's own error. And the outlier must be
  // what stays the longest pause once the full collections are cut; otherwise it explains nothing.
  if (!cut || cut.fullMs > 0.9 * full || stall < cut.fullMs) return undefined;
  const what = describeWhatIf(cut.label);
  const outlier = `${YOUNG_NAME[generation]} collection's outlier in the service's pauses (${ms(t.meanMs * t.max.lo)}–${ms(t.meanMs * t.max.hi)} ms; their p99 ${ms(t.meanMs * t.p99.value)} ms)`;
  const head =
    stall >= full
      ? `The longest pause (${ms(stall)} ms) is ${outlier}, which no variant changes.`
      : `The longest pause (${ms(full)} ms) is a full collection's, and ${outlier} is about as long (${ms(stall)} ms), which no variant changes.`;
  return `${head} On full collections, ${what.charAt(0).toLowerCase()}${what.slice(1)} cuts the longest pause ${ms(full)} → ${ms(cut.fullMs)} ms (${percent(full, cut.fullMs)}).`;
}

/** "threshold=50000,20,100 (+12 %)": the best-ranked variant that was not ruled out, on the objective. */
function closest(variants: readonly Variant[], ranking: Ranking): string {
  const top = ranking.order.find((o) => !o.ruledOut);
  const v = variants.find((x) => x.label === top?.label);
  const b = variants[0];
  if (!v || !b) return 'none runs';
  const m = MEASURE_OF[ranking.objective];
  return `${v.label} (${percent(amount(b.result, m), amount(v.result, m))})`;
}

function uncertaintyText(context: DecisionContext, m: Measure, r: SimulationResult): string {
  if (m === 'gcMs' && r.pendingFullMs !== undefined && r.perSecond)
    return `the simulated ${Math.round(r.perSecond.seconds)} s hold no full collection, which would add up to ${ms(r.pendingFullMs / r.perSecond.seconds)} ms/s`;
  const u = context.uncertainty ?? MODEL_UNCERTAINTY;
  return `×/÷ ${(1 + u.relative[m]).toFixed(2)}: ${u.sources.join('; ')}`;
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
