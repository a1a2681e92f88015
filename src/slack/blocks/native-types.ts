/**
 * Block Kit blocks Slack draws natively that @slack/types 3.2.0 does not describe yet (the
 * `data_visualization` block, changelog 2026-06-16), and the limits of those it does (`table`),
 * in one place: when @slack/types catches up, this module shrinks to re-exports.
 * Reference: docs.slack.dev/reference/block-kit/blocks/data-visualization-block and table-block.
 */
import type { KnownBlock, TableBlock } from '@slack/types';

export type { TableBlock };

export const NATIVE_LIMITS = {
  /** At most this many data_visualization blocks in one message. */
  chartsPerMessage: 2,
  chartTitle: 50,
  /** Series per line, bar or area chart. */
  series: 6,
  seriesName: 20,
  /** Data points per series (one per x-axis category). */
  points: 20,
  categoryLabel: 20,
  axisLabel: 50,
  tableRows: 100,
  tableCells: 20,
} as const;

export interface ChartDataPoint {
  /** One of the chart's axis_config.categories. */
  readonly label: string;
  readonly value: number;
}

export interface ChartDataSeries {
  /** Shown in the legend; at most 20 characters, unique within the chart. */
  readonly name: string;
  readonly data: readonly ChartDataPoint[];
}

export interface ChartAxisConfig {
  /** The x axis, in order; each at most 20 characters. */
  readonly categories: readonly string[];
  readonly x_label?: string | undefined;
  readonly y_label?: string | undefined;
}

export interface SeriesChart {
  readonly type: 'line' | 'bar' | 'area';
  readonly series: readonly ChartDataSeries[];
  readonly axis_config: ChartAxisConfig;
}

export interface PieChart {
  readonly type: 'pie';
  readonly segments: readonly { readonly label: string; readonly value: number }[];
}

export interface DataVisualizationBlock {
  readonly type: 'data_visualization';
  /** Above the chart; at most 50 characters. */
  readonly title: string;
  readonly chart: SeriesChart | PieChart;
  readonly block_id?: string | undefined;
}

/** A block @slack/types knows, or one only this module describes. */
export type NativeBlock = KnownBlock | DataVisualizationBlock;

/** The block types a workspace may refuse with `invalid_blocks` (an older client, a plan without them). */
export type NativeBlockType = 'table' | 'data_visualization';

/** Which native block types a message carries: what to remember when Slack refuses it. */
export function nativeTypesIn(blocks: readonly { type: string }[]): NativeBlockType[] {
  const found = new Set<NativeBlockType>();
  for (const b of blocks) if (b.type === 'table' || b.type === 'data_visualization') found.add(b.type);
  return [...found];
}
