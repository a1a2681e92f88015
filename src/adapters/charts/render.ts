/**
 * Renders Vega specifications to SVG (Vega's headless renderer) and PNG
 * (resvg, with the system's fonts), for the terminal and for Slack uploads.
 */
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type * as Resvg from '@resvg/resvg-js';
import { svgSizeProblem } from '../../core/charts/chart-guard.js';
import { GcIncidentError } from '../../core/errors.js';

// Vega (63 packages) and resvg load on the first chart, not with every command that may draw one.
const require = createRequire(import.meta.url);

export async function renderSvg(spec: Record<string, unknown>): Promise<string> {
  const vega = await import('vega');
  // Vega logs a failed run with its stack trace before rejecting; the rejection is what callers
  // report, so the log stays silent.
  const view = new vega.View(vega.parse(spec as import('vega').Spec), {
    renderer: 'none',
    logLevel: vega.None,
  });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/**
 * PNG at twice the chart's size, so it stays sharp in Slack's preview. resvg panics natively
 * (the process aborts, nothing to catch) on a drawing it cannot allocate: the SVG's size and
 * positions are checked first, whatever spec drew it.
 */
export function svgToPng(svg: string, scale = 2): Buffer {
  const problem = svgSizeProblem(svg);
  if (problem) throw new GcIncidentError('CHART_NOT_DRAWN', problem);
  const width = Number(/width="([0-9.]+)"/.exec(svg)?.[1] ?? 800);
  const { Resvg: Renderer } = require('@resvg/resvg-js') as typeof Resvg;
  return new Renderer(svg, {
    fitTo: { mode: 'width', value: Math.round(width * scale) },
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' },
    background: 'white',
  })
    .render()
    .asPng();
}

/** Writes the chart to FILE.svg or FILE.png, chosen by the extension. */
export async function writeChart(file: string, spec: Record<string, unknown>): Promise<void> {
  const svg = await renderSvg(spec);
  if (/\.svg$/i.test(file)) writeFileSync(file, svg);
  else if (/\.png$/i.test(file)) writeFileSync(file, svgToPng(svg));
  else throw new GcIncidentError('USAGE', `chart file '${file}' must end in .png or .svg`, { file });
}
