/** Charts rendered in a worker thread (how the Slack app keeps its event loop free) on every Node version CI runs. */
import { expect, it } from 'vitest';
import {
  createChartRenderer,
  renderPngInWorker,
  renderSvgInWorker,
} from '../../src/adapters/charts/render-in-worker.js';
import { rangeChartSpec } from '../../src/core/checks/chart-spec.js';

const spec = rangeChartSpec(
  [
    {
      labels: { job: 'api' },
      points: Array.from({ length: 30 }, (_, i) => [1_795_000_000 + i * 15, 40 + (i % 7) * 5] as const),
    },
  ],
  { title: 'gen-0 collections per second', threshold: 50, operator: '>', stepSeconds: 15 },
);

it('renders a PNG and an SVG off the main thread', async () => {
  const png = await renderPngInWorker(spec);
  expect(png.subarray(1, 4).toString('ascii')).toBe('PNG');
  expect(png.length).toBeGreaterThan(5000);
  const svg = await renderSvgInWorker(spec);
  expect(svg).toMatch(/^<svg/);
  expect(svg).toContain('gen-0 collections per second');
}, 30_000);

it('reports a broken specification as an error', async () => {
  await expect(renderPngInWorker({ marks: [{ type: 'nonsense' }] })).rejects.toThrow(
    /chart rendering failed/,
  );
}, 30_000);

it('one worker draws a run of charts; a chart that fails fails alone; a full queue refuses', async () => {
  const renderer = createChartRenderer({ maxQueued: 4 });
  try {
    const drawn = await Promise.all([
      renderer.png(spec),
      renderer.svg(spec),
      renderer.png({ marks: [{ type: 'nonsense' }] }).catch((error: Error) => error),
      renderer.png(spec),
    ]);
    expect(drawn[0]).toBeInstanceOf(Buffer);
    expect(drawn[1]).toMatch(/^<svg/);
    expect(String(drawn[2])).toMatch(/chart rendering failed/);
    expect((drawn[3] as Buffer).subarray(1, 4).toString('ascii')).toBe('PNG');
    // Vega and resvg loaded once for the four, not once per chart.
    expect(renderer.workersStarted).toBe(1);
    const flood = Array.from({ length: 6 }, () => renderer.svg(spec).catch((error: Error) => error.message));
    const refused = (await Promise.all(flood)).filter((r) =>
      String(r).includes('charts are already waiting'),
    );
    // One is drawing and four wait: the sixth is refused.
    expect(refused).toHaveLength(1);
  } finally {
    await renderer.close();
  }
  await expect(renderer.png(spec)).rejects.toThrow(/the app is stopping/);
}, 60_000);

it('a chart that cannot be handed over, or takes too long, fails alone: the next one is drawn', async () => {
  // 1 ms: no worker starts and draws in it. (300 ms did, once the worker ran from a bundle.)
  const renderer = createChartRenderer({ deadlineMs: 1 });
  try {
    // A function cannot be sent to a worker.
    await expect(renderer.svg({ data: [() => 1] })).rejects.toThrow(
      /chart rendering failed: .*could not be cloned/,
    );
    // Too short a deadline for a chart: stopped, reported, replaced.
    await expect(renderer.png(spec)).rejects.toThrow(/no chart after 0.001 s/);
  } finally {
    await renderer.close();
  }
  const patient = createChartRenderer();
  try {
    await expect(patient.svg({ data: [() => 1] })).rejects.toThrow(/could not be cloned/);
    expect(await patient.svg(spec)).toMatch(/^<svg/);
  } finally {
    await patient.close();
  }
}, 60_000);
