/** Worker-thread entry: renders one Vega specification (or an SVG already drawn) to PNG, or SVG, and sends it back. */
import { parentPort, workerData } from 'node:worker_threads';
import { renderSvg, svgToPng } from './render.js';

const job = workerData as
  | { spec: Record<string, unknown>; format: 'png' | 'svg' }
  | { svg: string; format: 'png' };
try {
  const svg = 'svg' in job ? job.svg : await renderSvg(job.spec);
  if (job.format === 'svg') parentPort?.postMessage({ ok: true, svg });
  else {
    const png = svgToPng(svg);
    // resvg's buffer lives outside V8's heap and cannot be transferred (Node 22+ refuses): copy it.
    parentPort?.postMessage({ ok: true, png: new Uint8Array(png) });
  }
} catch (error) {
  parentPort?.postMessage({ ok: false, message: error instanceof Error ? error.message : String(error) });
}
