/**
 * The marks of the what-if decision chart (see decision-chart-spec.ts): the chosen row's
 * highlight, the colour key, the pause panel (log scale) and the GC-time panel. Pure data.
 */

/** Drawn at 680 × (about 100 + 48 per variant) points, so that at Slack's preview height the text stays legible. */
export const LABEL_WIDTH = 230;
export const PAUSE_WIDTH = 270;
export const GAP = 28;
export const TIME_WIDTH = 150;
export const ROW = 48;
const HIGHLIGHT = '#fff3bf';

/** A pale band behind the chosen variant's row, across both panels and its label. */
export function highlight(from: number, to: number): Record<string, unknown> {
  return {
    type: 'rect',
    name: 'chosen-row',
    from: { data: 'chosen' },
    encode: {
      enter: {
        x: { value: from },
        x2: { value: to },
        y: { scale: 'y', field: 'variant', offset: -8 },
        height: { scale: 'y', band: 1, offset: 16 },
        fill: { value: HIGHLIGHT },
      },
    },
  };
}

/** The colour key: a swatch and the variant's name at the start of each row. */
export function variantKey(): Record<string, unknown> {
  return {
    type: 'group',
    name: 'variant-key',
    marks: [
      {
        type: 'rect',
        name: 'variant-swatch',
        from: { data: 'rows' },
        encode: {
          enter: {
            x: { value: 0 },
            width: { value: 14 },
            y: { scale: 'y', field: 'variant', band: 0.5, offset: -7 },
            height: { value: 14 },
            fill: { scale: 'color', field: 'variant' },
          },
        },
      },
      {
        type: 'text',
        name: 'variant-label',
        from: { data: 'rows' },
        encode: {
          enter: {
            x: { value: 22 },
            y: { scale: 'y', field: 'variant', band: 0.5 },
            baseline: { value: 'middle' },
            text: { field: 'variant' },
            fontSize: { value: 14 },
            fontWeight: { signal: "datum.chosen ? 'bold' : 'normal'" },
            fill: { value: '#212529' },
          },
        },
      },
    ],
  };
}

export function pausePanel(lo: number, hi: number, ticks: number[]): Record<string, unknown> {
  return {
    type: 'group',
    name: 'pauses',
    encode: {
      enter: { x: { value: LABEL_WIDTH }, width: { value: PAUSE_WIDTH }, height: { signal: 'height' } },
    },
    scales: [{ name: 'x', type: 'log', domain: [lo, hi], range: [0, PAUSE_WIDTH], nice: false }],
    axes: [
      {
        orient: 'bottom',
        scale: 'x',
        title: 'pause per collection (ms, log scale)',
        grid: true,
        gridColor: '#e9ecef',
        values: ticks,
        format: ',~r',
      },
    ],
    marks: [
      {
        type: 'rule',
        name: 'pause-range',
        from: { data: 'rows' },
        encode: {
          enter: {
            // A variant without pauses (the collector disabled) has 0 on a log scale: no line, not NaN.
            x: { signal: "datum.count > 0 && datum.p50 > 0 ? scale('x', datum.p50) : 0" },
            x2: { signal: "datum.count > 0 && datum.p50 > 0 ? scale('x', datum.max) : 0" },
            y: { scale: 'y', field: 'variant', band: 0.5 },
            stroke: { scale: 'color', field: 'variant' },
            strokeWidth: { value: 4 },
            opacity: { signal: 'datum.count > 0 && datum.p50 > 0 ? 0.6 : 0' },
          },
        },
      },
      {
        type: 'symbol',
        name: 'pause-points',
        from: { data: 'points' },
        encode: {
          enter: {
            x: { scale: 'x', field: 'ms' },
            y: { scale: 'y', field: 'variant', band: 0.5 },
            shape: { scale: 'shape', field: 'percentile' },
            size: { scale: 'size', field: 'percentile' },
            fill: { signal: "datum.percentile === 'p50' ? 'white' : scale('color', datum.variant)" },
            stroke: { scale: 'color', field: 'variant' },
            strokeWidth: { value: 2 },
          },
        },
      },
      {
        type: 'text',
        name: 'pause-labels',
        from: { data: 'rows' },
        encode: {
          enter: {
            x: { scale: 'x', field: 'textAt' },
            y: { scale: 'y', field: 'variant', band: 0.5, offset: 10 },
            baseline: { value: 'top' },
            text: { field: 'pauseText' },
            fontSize: { value: 13 },
            fill: { value: '#343a40' },
          },
        },
      },
    ],
  };
}

export function timePanel(perSecond: boolean): Record<string, unknown> {
  return {
    type: 'group',
    name: 'gc-time',
    encode: {
      enter: {
        x: { value: LABEL_WIDTH + PAUSE_WIDTH + GAP },
        width: { value: TIME_WIDTH },
        height: { signal: 'height' },
      },
    },
    scales: [
      {
        name: 'x',
        type: 'linear',
        domain: { data: 'rows', field: 'gcMs' },
        range: [0, TIME_WIDTH],
        zero: true,
        nice: true,
      },
    ],
    axes: [
      {
        orient: 'bottom',
        scale: 'x',
        title: perSecond ? 'GC time (ms per second)' : 'GC time over the run (ms)',
        grid: true,
        gridColor: '#e9ecef',
        tickCount: 3,
        format: ',~r',
      },
    ],
    marks: [
      {
        type: 'rect',
        name: 'gc-bars',
        from: { data: 'rows' },
        encode: {
          enter: {
            x: { scale: 'x', value: 0 },
            x2: { scale: 'x', field: 'gcMs' },
            y: { scale: 'y', field: 'variant' },
            height: { scale: 'y', band: 1 },
            fill: { scale: 'color', field: 'variant' },
          },
        },
      },
      {
        type: 'text',
        name: 'gc-labels',
        from: { data: 'rows' },
        encode: {
          enter: {
            // Inside the bar's end when the bar is long, after it otherwise.
            x: { scale: 'x', field: 'gcMs' },
            dx: { signal: `scale('x', datum.gcMs) > ${TIME_WIDTH * 0.6} ? -6 : 6` },
            align: { signal: `scale('x', datum.gcMs) > ${TIME_WIDTH * 0.6} ? 'right' : 'left'` },
            y: { scale: 'y', field: 'variant', band: 0.5 },
            baseline: { value: 'middle' },
            text: { field: 'gcText' },
            fontSize: { value: 13 },
            fontWeight: { value: 'bold' },
            fill: { signal: `scale('x', datum.gcMs) > ${TIME_WIDTH * 0.6} ? 'white' : '#212529'` },
          },
        },
      },
    ],
  };
}
