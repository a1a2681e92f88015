/** The what-if chart as a decision: a pure Vega spec with pauses and GC time per variant. */
import { describe, expect, it } from 'vitest';
import { simulationChartSpec, simulationChartTitle } from '../../src/core/simulator/chart-spec.js';
import {
  chosenVariant,
  type DecisionVariant,
  decisionChartSpec,
  formatMs,
  logTicks,
} from '../../src/core/simulator/decision-chart-spec.js';
import { longestPauseMs } from '../../src/core/simulator/objective.js';
import { rankSimulations } from '../../src/core/simulator/rank.js';
import { simulate } from '../../src/core/simulator/simulate.js';
import { applyWhatIf } from '../../src/core/simulator/what-if.js';
import { normalizeWorkload } from '../../src/core/simulator/workload.js';

// A churning service (a young ring per request over a held heap), small enough to simulate in milliseconds.
const base = normalizeWorkload({
  name: 'churn',
  python: '3.12',
  setup: { heap: 20_000 },
  iterations: 20_000,
  rate: 1000,
  each_iteration: [{ keep: 1 }, { cycle: { size: 2 } }, { temp: 4 }],
});
const LABELS = ['baseline', 'threshold=10000,10,10', 'freeze', 'disable'];
const variants: DecisionVariant[] = LABELS.map((label) => ({
  label,
  result: simulate(label === 'baseline' ? base : applyWhatIf(base, label)),
}));

type Spec = {
  data: { name: string; values: Record<string, unknown>[] }[];
  scales: { name: string; domain?: unknown; range?: unknown }[];
  title: { text: string; subtitle: string };
  marks: { name?: string; type: string; marks?: { name?: string }[]; axes?: { title?: string }[] }[];
};
const data = (spec: Spec, name: string) => spec.data.find((d) => d.name === name)?.values ?? [];
const rows = (spec: Spec) => data(spec, 'rows');

describe('decision chart spec', () => {
  const spec = decisionChartSpec(variants, { title: 'Compare mitigations' }) as unknown as Spec;

  it('has one row per variant with its p50, p99, max pause and GC time, in the given order', () => {
    expect(rows(spec).map((r) => r.label)).toEqual(LABELS);
    for (const [i, row] of rows(spec).entries()) {
      const r = variants[i]?.result;
      expect(row.p50).toBe(r?.pauses.p50Ms);
      expect(row.p99).toBe(r?.pauses.p99Ms);
      // The longest pause: the simulated one, or the full collection a run too short still has to come.
      expect(row.max).toBe(r ? longestPauseMs(r) : undefined);
      expect(row.max).toBeGreaterThanOrEqual(r?.pauses.maxMs ?? 0);
      expect(row.gcMs).toBe(r?.perSecond?.gcMs);
      expect(row.gcText).toMatch(/ ms\/s$/);
    }
    // The points drawn: three per variant that collects, none for the one that never does.
    const points = data(spec, 'points');
    const disabled = rows(spec).find((r) => r.label === 'disable');
    expect(disabled?.count).toBe(0);
    expect(disabled?.pauseText).toBe('no collections');
    expect(points.filter((p) => p.variant === disabled?.variant)).toHaveLength(0);
    const baseline = points.filter((p) => p.variant === 'baseline');
    expect(baseline.map((p) => p.percentile)).toEqual(['p50', 'p99', 'max']);
  });

  it('gives each variant its own colour, keyed beside its row', () => {
    const color = spec.scales.find((s) => s.name === 'color');
    expect(color?.domain).toEqual(rows(spec).map((r) => r.variant));
    const colors = color?.range as string[];
    expect(new Set(colors).size).toBe(LABELS.length);
    const key = spec.marks.find((m) => m.name === 'variant-key');
    expect(key?.marks?.map((m) => m.name)).toEqual(['variant-swatch', 'variant-label']);
  });

  it('marks the variant the ranking puts first (never one it rules out), and names it in the subtitle', () => {
    const ranking = rankSimulations(variants);
    // Disabling spends no GC time at all, but memory then grows without bound: ruled out, not ticked.
    expect(variants.find((v) => v.label === 'disable')?.result.perSecond?.gcMs).toBe(0);
    expect(ranking.order.find((v) => v.label === 'disable')?.ruledOut).toMatch(
      /grows without bound|never freed/,
    );
    expect(chosenVariant(variants)).toBe(ranking.first);
    expect(chosenVariant(variants)).not.toBe('disable');
    // A variant that cuts GC time tenfold at the same pauses and memory is the one ticked.
    const baseline = variants[0] as DecisionVariant;
    const perSecond = baseline.result.perSecond as NonNullable<typeof baseline.result.perSecond>;
    const tenfold: DecisionVariant = {
      label: 'threshold=7000,10,10',
      // With its full collection inside the run (none still to come that could make up the difference).
      result: {
        ...baseline.result,
        perSecond: { ...perSecond, gcMs: perSecond.gcMs / 10 },
        pendingFullMs: undefined,
      },
    };
    const withWinner = [...variants, tenfold];
    const first = rankSimulations(withWinner).first;
    expect(first).toBe('threshold=7000,10,10');
    const marked = decisionChartSpec(withWinner, { title: 't' }) as unknown as Spec;
    const chosen = data(marked, 'chosen');
    expect(chosen).toHaveLength(1);
    expect(chosen[0]?.label).toBe(first);
    expect(chosen[0]?.variant).toBe(`✔ ${first}`);
    expect(rows(marked).filter((r) => r.chosen)).toHaveLength(1);
    expect(marked.title.subtitle).toMatch(new RegExp(`^✔ ${first}: GC time [0-9.]+ → [0-9.]+ ms/s$`));
    expect(marked.marks.some((m) => m.name === 'chosen-row')).toBe(true);
  });

  it('marks the variant it is told to, and says so when none beats the baseline', () => {
    const told = decisionChartSpec(variants, { title: 't', chosen: 'freeze' }) as unknown as Spec;
    expect(data(told, 'chosen')[0]?.label).toBe('freeze');
    // Without the variants that beat it, the baseline stands.
    const worse = variants.filter((v) => v.label === 'baseline' || v.label === 'freeze');
    const none = decisionChartSpec(
      [worse[0], { ...(worse[1] as DecisionVariant), result: slower(worse[0] as DecisionVariant) }] as never,
      { title: 't' },
    ) as unknown as Spec;
    expect(data(none, 'chosen')).toHaveLength(0);
    expect(none.title.subtitle).toBe('No variant beats baseline on GC time');
  });

  it('labels its axes with units', () => {
    const axisTitles = spec.marks.flatMap((m) => m.axes?.map((a) => a.title) ?? []);
    expect(axisTitles).toEqual(['pause per collection (ms, log scale)', 'GC time (ms per second)']);
  });

  it('a single run draws its heap over time instead', () => {
    const one = simulationChartSpec(variants.slice(0, 1), 'One run') as unknown as Spec;
    expect(one.title.text).toBe('One run: live heap');
    expect(simulationChartTitle(variants.slice(0, 1), 'One run')).toBe('One run: live heap');
    const many = simulationChartSpec(variants, 'Runs') as unknown as Spec;
    expect(data(many, 'rows')).toHaveLength(LABELS.length);
    expect(simulationChartTitle(variants, 'Runs')).toBe('Runs: pauses and GC time per variant');
  });

  it('formats milliseconds to two significant digits', () => {
    expect([0, 0.04213, 3.0871, 48.2, 1234.5].map(formatMs)).toEqual(['0', '0.042', '3.1', '48', '1,235']);
  });
});

/** The same result, spending twice the baseline's GC time. */
function slower(baseline: DecisionVariant): DecisionVariant['result'] {
  const r = baseline.result;
  return { ...r, perSecond: r.perSecond ? { ...r.perSecond, gcMs: r.perSecond.gcMs * 2 } : null };
}

describe('log axis ticks', () => {
  it('are powers of ten when the domain spans three, with 2× and 5× between them otherwise', () => {
    expect(logTicks(0.02, 50)).toEqual([0.1, 1, 10]);
    expect(logTicks(0.3, 12)).toEqual([0.5, 1, 2, 5, 10]);
    expect(logTicks(0.0015, 0.9)).toEqual([0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5]);
  });
});
