/** Charts rendered in a worker thread (how the Slack app keeps its event loop free) on every Node version CI runs. */
import { expect, it } from 'vitest';
import { renderPngInWorker, renderSvgInWorker } from '../../src/adapters/charts/render-in-worker.js';
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
