/** Worker-thread entry: renders one Vega specification to PNG and sends the bytes back. */
import { parentPort, workerData } from 'node:worker_threads';
import { renderSvg, svgToPng } from './render.js';

try {
  const png = svgToPng(await renderSvg(workerData as Record<string, unknown>));
  parentPort?.postMessage({ ok: true, png }, [png.buffer as ArrayBuffer]);
} catch (error) {
  parentPort?.postMessage({ ok: false, message: error instanceof Error ? error.message : String(error) });
}
