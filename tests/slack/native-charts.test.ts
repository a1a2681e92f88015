/**
 * `/gc-incident simulate` through the real app and the loopback Web API: the comparison as a
 * `table` block, the decision chart as two `data_visualization` blocks when SLACK_NATIVE_CHARTS
 * is on; a workspace that answers invalid_blocks gets the code block and the PNG, and is asked
 * once per process, not on every chart.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { CHANNEL, SlackHarness } from '../helpers/slack-app.js';

let h: SlackHarness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

const COMMAND = 'simulate full-collection-latency freeze';

async function simulate(harness: SlackHarness) {
  await harness.slash(COMMAND);
  await harness.flow.idle();
  const root = harness.api.messages
    .filter((m) => m.channel === CHANNEL && !m.threadTs && m.text.includes('full-collection-latency'))
    .at(-1);
  const thread = harness.api.threadOf(CHANNEL, root?.ts as string);
  const types = thread.flatMap((m) => m.blocks.map((b) => String(b.type)));
  const pngs = harness.api.files.filter((f) => f.threadTs === root?.ts && f.filename === 'simulation.png');
  return { thread, types, pngs };
}

describe('native tables and charts', () => {
  it('sends the comparison as a table block and the decision chart as two data_visualization blocks', async () => {
    h = await SlackHarness.start({ env: { SLACK_NATIVE_CHARTS: 'on' } });
    const { thread, types, pngs } = await simulate(h);
    expect(types).toContain('table');
    expect(types.filter((t) => t === 'data_visualization')).toHaveLength(2);
    const chartMessage = thread.find((m) => m.blocks.some((b) => b.type === 'data_visualization'));
    expect(chartMessage?.blocks).toHaveLength(2);
    // The table holds the variants by name; no code block stands in for it.
    const table = thread.flatMap((m) => m.blocks).find((b) => b.type === 'table');
    expect(JSON.stringify(table)).toContain('freeze');
    expect(JSON.stringify(thread)).not.toContain('```');
    expect(pngs).toHaveLength(0);
  });

  it('without SLACK_NATIVE_CHARTS the chart is the PNG, the table still a table block', async () => {
    h = await SlackHarness.start();
    const { types, pngs } = await simulate(h);
    expect(types).toContain('table');
    expect(types).not.toContain('data_visualization');
    expect(pngs).toHaveLength(1);
    expect(pngs[0]?.bytes).toBeGreaterThan(1000);
  });

  it('falls back to the PNG on invalid_blocks, and asks Slack only once per process', async () => {
    h = await SlackHarness.start({ env: { SLACK_NATIVE_CHARTS: 'on' } });
    h.api.refusedBlockTypes.add('data_visualization');
    const refused = () =>
      h?.api
        .callsOf('chat.postMessage')
        .filter((c) => c.error === 'invalid_blocks' && c.body.blocks !== undefined);
    const first = await simulate(h);
    expect(first.types).not.toContain('data_visualization');
    expect(first.pngs).toHaveLength(1);
    expect(refused()).toHaveLength(1);
    const second = await simulate(h);
    expect(second.pngs).toHaveLength(1);
    // Remembered: the second chart went straight to the PNG.
    expect(refused()).toHaveLength(1);
    expect(h.logs.join('')).toContain('Slack refused data_visualization blocks');
  });

  it('a workspace without table blocks gets the code block instead, once', async () => {
    h = await SlackHarness.start();
    h.api.refusedBlockTypes.add('table');
    const first = await simulate(h);
    expect(first.types).not.toContain('table');
    expect(JSON.stringify(first.thread)).toContain('```');
    await simulate(h);
    expect(h.api.callsOf('chat.postMessage').filter((c) => c.error === 'invalid_blocks')).toHaveLength(1);
  });
});
