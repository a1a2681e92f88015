/**
 * The resvg crash, rendered for real (integration tier: it spawns a Node
 * process and rasterises charts with the native module). The exact drawing
 * that aborted the process (an SVG 18,133,334,079 px wide, from a marker at
 * epoch 0 beside recent data) is handed to `svgToPng` in a child process: it
 * now exits normally with a "chart not drawn" error instead of a native panic
 * (exit 134). The hostile inputs the guard keeps drawable (a marker at epoch
 * 0, a 1e308 threshold, all-zero and all-equal values, a single point) render to PNGs in the
 * chart worker, as `serve` renders them.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderPngInWorker } from '../../src/adapters/charts/render-in-worker.js';
import { rangeChartSpec } from '../../src/core/checks/chart-spec.js';
import type { Series } from '../../src/core/ports.js';
import { REPO } from '../helpers/runbooks.js';

const NOW = 1_795_000_000;
const recent = (value: (i: number) => number): Series[] => [
  { labels: { job: 'api' }, points: Array.from({ length: 30 }, (_, i) => [NOW + i * 15, value(i)] as const) },
];

/** The drawing that crashed: recent data, the opening marked at epoch 0, autosized by Vega. */
const CRASH_SVG = `<svg xmlns="http://www.w3.org/2000/svg" width="18133334079" height="386" viewBox="0 0 18133334079 386"><rect width="18133334079" height="386" fill="white"/><path d="M18133333347,37L18133334000,200" stroke="black"/></svg>`;

describe('no chart input reaches a native panic', () => {
  it('the 18-billion-pixel drawing is refused in-process instead of aborting it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gc-incident-resvg-'));
    const script = join(dir, 'crash.mts');
    writeFileSync(
      script,
      [
        `import { svgToPng } from ${JSON.stringify(join(REPO, 'src/adapters/charts/render.ts'))};`,
        'try {',
        `  svgToPng(${JSON.stringify(CRASH_SVG)});`,
        "  console.log('rendered');",
        '} catch (error) {',
        "  console.log('refused: ' + error.code + ': ' + error.message);",
        '}',
      ].join('\n'),
    );
    const run = spawnSync(process.execPath, ['--import', 'tsx', script], {
      cwd: REPO,
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.stderr).not.toContain('panicked');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(
      'refused: CHART_NOT_DRAWN: chart not drawn: the drawing would be 18133334079×386 px',
    );
  }, 90_000);

  it.each([
    ['a marker at epoch 0 beside recent data (the crash input)', recent((i) => 40 + i), { marker: 0 }],
    ['a marker at NaN', recent((i) => 40 + i), { marker: Number.NaN }],
    ['a threshold of 1e308', recent((i) => 40 + i), { threshold: 1e308 }],
    ['all-zero values', recent(() => 0), {}],
    ['all-equal values at the threshold', recent(() => 5), { threshold: 5 }],
    ['a single point', [{ labels: { job: 'api' }, points: [[NOW, 5]] }], { marker: NOW * 1000 }],
  ] as [string, Series[], { marker?: number; threshold?: number }][])(
    '%s: rendered to a PNG in the chart worker',
    async (_, series, options) => {
      const spec = rangeChartSpec(series, {
        title: 'hostile but drawable',
        stepSeconds: 15,
        threshold: options.threshold,
        operator: '>',
        marker: options.marker === undefined ? undefined : { at: options.marker, label: 'opened' },
      });
      const png = await renderPngInWorker(spec);
      expect(png.subarray(1, 4).toString('ascii')).toBe('PNG');
      // The PNG's width (bytes 16–19 of IHDR): twice a chart of normal size, not billions.
      expect(png.readUInt32BE(16)).toBeLessThan(4000);
    },
    60_000,
  );
});
