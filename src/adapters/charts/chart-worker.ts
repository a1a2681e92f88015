/**
 * Worker-thread entry: renders Vega specifications (or SVGs already drawn) to PNG or SVG, one
 * message at a time, for as long as its renderer keeps it. Vega and resvg load once per worker,
 * not once per chart (a fresh worker per chart spent most of a postmortem export loading them).
 */
import { parentPort } from 'node:worker_threads';
import { renderSvg, svgToPng } from './render.js';

export type ChartJob =
  | { spec: Record<string, unknown>; format: 'png' | 'svg' }
  | { svg: string; format: 'png' };

export type ChartReply =
  | { id: number; ok: true; png?: Uint8Array; svg?: string }
  | { id: number; ok: false; message: string };

async function render(id: number, job: ChartJob): Promise<ChartReply> {
  try {
    const svg = 'svg' in job ? job.svg : await renderSvg(job.spec);
    if (job.format === 'svg') return { id, ok: true, svg };
    // resvg's buffer lives outside V8's heap and cannot be transferred (Node 22+ refuses): copy it.
    return { id, ok: true, png: new Uint8Array(svgToPng(svg)) };
  } catch (error) {
    return { id, ok: false, message: error instanceof Error ? error.message : String(error) };
  }
}

parentPort?.on('message', (message: { id: number; job: ChartJob }) => {
  void render(message.id, message.job).then((reply) => parentPort?.postMessage(reply));
});
