/**
 * Renders Vega specifications to SVG (Vega's headless renderer) and PNG
 * (resvg, with the system's fonts), for the terminal and for Slack uploads.
 */
import { writeFileSync } from 'node:fs';
import { Resvg } from '@resvg/resvg-js';
import * as vega from 'vega';
import { GcIncidentError } from '../../core/errors.js';

export async function renderSvg(spec: Record<string, unknown>): Promise<string> {
  const view = new vega.View(vega.parse(spec as vega.Spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** PNG at twice the chart's size, so it stays sharp in Slack's preview. */
export function svgToPng(svg: string, scale = 2): Buffer {
  const width = Number(/width="([0-9.]+)"/.exec(svg)?.[1] ?? 800);
  return new Resvg(svg, {
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
