/**
 * Vega specifications for simulator charts (pure data; rendering is an
 * adapter's job): the live heap over time with collections marked by
 * generation and sized by pause, and one line per what-if variant.
 */
import { lineGroupMark } from '../charts/vega-marks.js';
import { decisionChartSpec } from './decision-chart-spec.js';
import type { DecisionContext } from './rank.js';
import type { SimulationResult } from './simulate.js';

export interface ChartSeries {
  readonly label: string;
  readonly result: SimulationResult;
}

const GENERATION_COLORS = ['#2b8a3e', '#e67700', '#c92a2a'];

export function heapChartSpec(series: readonly ChartSeries[], title: string): Record<string, unknown> {
  const points = series.flatMap(({ label, result }) =>
    result.heap.timeline.map((p) => ({
      variant: label,
      iteration: p.iteration,
      objects: p.live + p.garbage,
      live: p.live,
    })),
  );
  // Collections are marked on the first series only, so the chart stays readable.
  const first = series[0];
  const marks = first
    ? first.result.heap.timeline.flatMap((p) =>
        p.collections.some((c) => c > 0)
          ? [
              {
                iteration: p.iteration,
                objects: p.peak,
                generation: `gen ${p.maxPauseGeneration}`,
                pause: Math.max(p.maxPauseMs, 0.001),
              },
            ]
          : [],
      )
    : [];
  return {
    $schema: 'https://vega.github.io/schema/vega/v6.json',
    width: 640,
    height: 320,
    padding: 12,
    autosize: 'pad',
    background: 'white',
    title: { text: title, fontSize: 15 },
    data: [
      { name: 'heap', values: points },
      { name: 'collections', values: marks },
    ],
    scales: [
      { name: 'x', type: 'linear', domain: { data: 'heap', field: 'iteration' }, range: 'width', zero: true },
      {
        name: 'y',
        type: 'linear',
        domain: { data: 'heap', field: 'objects' },
        range: 'height',
        nice: true,
        zero: false,
      },
      { name: 'variant', type: 'ordinal', domain: { data: 'heap', field: 'variant' }, range: 'category' },
      {
        name: 'generation',
        type: 'ordinal',
        domain: ['gen 0', 'gen 1', 'gen 2'],
        range: GENERATION_COLORS,
      },
      {
        name: 'pause',
        type: 'sqrt',
        domain: { data: 'collections', field: 'pause' },
        range: [8, 160],
        zero: true,
      },
    ],
    axes: [
      { orient: 'bottom', scale: 'x', title: 'iteration', format: '~s', grid: false },
      { orient: 'left', scale: 'y', title: 'tracked objects (live + garbage)', format: '~s', grid: true },
    ],
    legends: [
      ...(series.length > 1 ? [{ stroke: 'variant', title: 'variant', orient: 'right' }] : []),
      { fill: 'generation', title: 'collections', orient: 'right', symbolType: 'circle' },
      { size: 'pause', title: 'longest pause (ms)', orient: 'right', symbolType: 'circle', format: '.2~f' },
    ],
    marks: [
      lineGroupMark('heap', 'variant', { x: 'iteration', y: 'objects' }, 'variant'),
      {
        type: 'symbol',
        from: { data: 'collections' },
        encode: {
          enter: {
            x: { scale: 'x', field: 'iteration' },
            y: { scale: 'y', field: 'objects' },
            fill: { scale: 'generation', field: 'generation' },
            size: { scale: 'pause', field: 'pause' },
            opacity: { value: 0.55 },
            tooltip: { signal: "datum.generation + ', ' + format(datum.pause, '.3f') + ' ms'" },
          },
        },
      },
    ],
  };
}

/**
 * What a simulation draws: a comparison of variants as the decision it is (pauses and GC time per
 * variant, the chosen one marked); a single run as its heap over time.
 */
export function simulationChartSpec(
  series: readonly ChartSeries[],
  title: string,
  context: DecisionContext = {},
): Record<string, unknown> {
  return series.length > 1
    ? decisionChartSpec(series, { title, context })
    : heapChartSpec(series, `${title}: live heap`);
}

/** The chart's name where it is uploaded or linked. */
export function simulationChartTitle(series: readonly ChartSeries[], title: string): string {
  return `${title}: ${series.length > 1 ? 'pauses and GC time per variant' : 'live heap'}`;
}
