/**
 * The blocks Slack draws itself, built from real simulator results and a real-shaped range
 * series, checked against Slack's documented limits by the test helper's own validator (not
 * the product's limits module).
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { type LabelledResult, simulateRunbookStep } from '../../src/adapters/simulator/runbook-step.js';
import type { SimulateStep } from '../../src/core/runbook/types.js';
import { longestPauseMs, OBJECTIVES, type Objective } from '../../src/core/simulator/objective.js';
import { rankSimulations } from '../../src/core/simulator/rank.js';
import { compactRows } from '../../src/format/simulation-summary.js';
import { comparisonTableBlock } from '../../src/slack/blocks/comparison-table.js';
import {
  decisionChartBlocks,
  distinctLabels,
  rangeChartBlock,
} from '../../src/slack/blocks/native-charts.js';
import { simulationMessages } from '../../src/slack/blocks/step-output.js';
import { shippedRunbook } from '../helpers/engine.js';
import { RUNBOOKS_DIR } from '../helpers/runbooks.js';
import { messageViolations } from '../helpers/slack-limits.js';

let results: LabelledResult[];
beforeAll(() => {
  const runbook = shippedRunbook('gc-thrash-allocation-churn');
  const step = runbook.triage.steps.find((s) => s.kind === 'simulate') as SimulateStep;
  results = simulateRunbookStep(step, join(RUNBOOKS_DIR, 'gc-thrash-allocation-churn.yaml')).results;
});

const step = {
  id: 'simulate-churn',
  title: 'Compare what-ifs for the allocation churn of the checkout service',
  phase: 'triage',
  kind: 'simulate',
  optional: false,
  status: 'done',
} as const;

describe('the what-if comparison as a table block', () => {
  it('has the compact table’s cells, a header row and one row per variant, numbers right-aligned', () => {
    const table = comparisonTableBlock(results);
    const { headers, rows } = compactRows(results);
    expect(table.rows).toHaveLength(results.length + 1);
    expect(table.rows[0]?.map((c) => (c as { text: string }).text)).toEqual(headers);
    expect(table.rows[1]?.map((c) => (c as { text: string }).text)).toEqual(rows[0]);
    expect(table.column_settings?.[1]).toEqual({ align: 'right' });
    const [message] = simulationMessages(step, '', false, {
      verdict: 'v',
      compact: 'c',
      table,
    });
    expect(message?.blocks.some((b) => b.type === 'table')).toBe(true);
    // No code block left: the table replaces it.
    expect(JSON.stringify(message?.blocks)).not.toContain('```');
    expect(messageViolations(message as never)).toEqual([]);
  });

  it('keeps within 100 rows however many variants there are', () => {
    const many = Array.from({ length: 150 }, (_, i) => ({
      ...(results[i % results.length] as LabelledResult),
      label: `v${i}`,
    }));
    expect(comparisonTableBlock(many).rows).toHaveLength(100);
  });
});

describe('the decision chart as data_visualization blocks', () => {
  it('is two bar charts (GC time, pauses) with one category per variant, within Slack’s limits', () => {
    const blocks = decisionChartBlocks(results, step.title);
    expect(blocks).toHaveLength(2);
    for (const b of blocks) expect(b.title.length).toBeLessThanOrEqual(50);
    const [time, pauses] = blocks as [(typeof blocks)[number], (typeof blocks)[number]];
    expect(time.chart.type).toBe('bar');
    const categories = (time.chart as unknown as { axis_config: { categories: string[] } }).axis_config
      .categories;
    expect(categories).toHaveLength(results.length);
    expect(categories[0]).toBe('baseline');
    // The values are the simulator's, rounded to 4 digits.
    const gc = (time.chart as unknown as { series: { data: { value: number }[] }[] }).series[0]?.data[0]
      ?.value;
    const base = results[0]?.result;
    expect(gc).toBeCloseTo(base?.perSecond?.gcMs ?? base?.pauses.totalMs ?? -1, 2);
    const p99 = (
      pauses.chart as unknown as { series: { name: string; data: { value: number }[] }[] }
    ).series.find((s) => s.name === 'p99 pause');
    expect(p99?.data[0]?.value).toBeCloseTo(base?.pauses.p99Ms ?? -1, 2);
    expect(messageViolations({ text: 't', blocks: blocks as never })).toEqual([]);
  });

  it("leads with the objective's measure and marks the variant the verdict ranks first", () => {
    const titles = (objective: Objective) =>
      decisionChartBlocks(results, 'Sim', { objective }).map((b) => b.title);
    expect(titles('gc-time')).toEqual(['Sim: GC time', 'Sim: pauses']);
    expect(titles('p99-pause')).toEqual(['Sim: pauses', 'Sim: GC time']);
    expect(titles('longest-pause')).toEqual(['Sim: longest pause', 'Sim: GC time']);
    expect(titles('memory')).toEqual(['Sim: peak heap', 'Sim: GC time']);
    let markedSome = 0;
    for (const objective of OBJECTIVES) {
      const blocks = decisionChartBlocks(results, step.title, { objective });
      const chart = (blocks[0] as { chart: unknown }).chart as { axis_config: { categories: string[] } };
      const categories = chart.axis_config.categories;
      const first = rankSimulations(results, { objective }).first;
      const marked = categories.filter((c) => c.startsWith('✔ '));
      // Exactly the verdict's first-ranked variant, or none when no variant beats the baseline.
      expect(marked).toEqual(first ? [distinctLabels([`✔ ${first}`], 20)[0]] : []);
      if (first) markedSome += 1;
      expect(messageViolations({ text: 't', blocks: blocks as never })).toEqual([]);
    }
    expect(markedSome).toBeGreaterThan(0);
    // The longest-pause chart counts the full collection still to come (as the verdict does).
    const longest = decisionChartBlocks(results, 'Sim', { objective: 'longest-pause' })[0];
    const bars = (longest as { chart: unknown }).chart as { series: { data: { value: number }[] }[] };
    const values = bars.series[0]?.data;
    results.forEach((r, i) => {
      expect(values?.[i]?.value).toBeCloseTo(longestPauseMs(r.result), 2);
    });
  });

  it('keeps labels within 20 characters and distinct when cutting makes them collide', () => {
    const labels = distinctLabels(['threshold=10000,10,10', 'threshold=10000,10,100', 'x'], 20);
    expect(new Set(labels).size).toBe(3);
    for (const l of labels) expect(l.length).toBeLessThanOrEqual(20);
  });
});

describe('an incident window as a line chart', () => {
  const start = 1_767_000_000;
  const series = [
    {
      labels: { job: 'checkout', instance: 'a' },
      points: Array.from({ length: 121 }, (_, i) => [start + i * 15, i % 7] as const),
    },
    {
      labels: { job: 'checkout', instance: 'b' },
      points: Array.from({ length: 121 }, (_, i) => [start + i * 15, 2 * (i % 5)] as const),
    },
  ];

  it('samples 121 points down to 20 instants, first and last kept, with the threshold as a flat line', () => {
    const block = rangeChartBlock(series, {
      title: 'p99 GC pause',
      threshold: 4,
      timeZone: 'Europe/Paris',
      yLabel: 'seconds',
    });
    const chart = block?.chart as unknown as {
      series: { name: string; data: { label: string; value: number }[] }[];
      axis_config: { categories: string[]; x_label: string };
    };
    expect(chart.axis_config.categories).toHaveLength(20);
    expect(chart.series.map((s) => s.name)).toEqual(['checkout a', 'checkout b', 'threshold']);
    expect(chart.series[2]?.data.every((p) => p.value === 4)).toBe(true);
    // The last instant's value is the series' last point (120 % 7 = 1).
    expect(chart.series[0]?.data.at(-1)?.value).toBe(120 % 7);
    expect(chart.axis_config.x_label).toBe('time (Europe/Paris)');
    // 1_767_000_000 s is 09:20 UTC, 10:20 in Paris (winter).
    expect(chart.axis_config.categories[0]).toBe('10:20');
    expect(messageViolations({ text: 't', blocks: [block] as never })).toEqual([]);
  });

  it('uses seconds in the labels when minutes would repeat, and draws nothing for no data', () => {
    const short = [{ labels: {}, points: Array.from({ length: 10 }, (_, i) => [start + i * 5, i] as const) }];
    const chart = rangeChartBlock(short, { title: 't' })?.chart as unknown as {
      axis_config: { categories: string[] };
    };
    expect(new Set(chart.axis_config.categories).size).toBe(10);
    expect(chart.axis_config.categories[0]).toMatch(/^\d\d:\d\d:\d\d$/);
    expect(rangeChartBlock([{ labels: {}, points: [] }], { title: 't' })).toBeUndefined();
  });

  it('draws at most 6 series, the threshold among them', () => {
    const many = Array.from({ length: 9 }, (_, k) => ({
      labels: { instance: `i${k}` },
      points: [[start, k] as const],
    }));
    const chart = rangeChartBlock(many, { title: 't', threshold: 1 })?.chart as unknown as {
      series: unknown[];
    };
    expect(chart.series).toHaveLength(6);
  });
});
