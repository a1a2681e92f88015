/**
 * Chart rendering (Vega layout, SVG, resvg rasterising) costs tens to hundreds of milliseconds
 * of CPU: the Slack app does it in a worker thread so its event loop keeps acknowledging Slack.
 */
import { startWorker } from '../workers/start-worker.js';

type Job = { spec: Record<string, unknown>; format: 'png' | 'svg' } | { svg: string; format: 'png' };

function renderInWorker(job: Job): Promise<Buffer | string> {
  return new Promise((resolve, reject) => {
    const worker = startWorker(import.meta.url, './chart-worker', job);
    worker.once('message', (message: { ok: boolean; png?: Uint8Array; svg?: string; message?: string }) => {
      if (message.ok && message.png)
        resolve(Buffer.from(message.png.buffer, message.png.byteOffset, message.png.byteLength));
      else if (message.ok && message.svg !== undefined) resolve(message.svg);
      else reject(new Error(`chart rendering failed: ${message.message ?? 'unknown error'}`));
      void worker.terminate();
    });
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`chart worker exited with code ${code}`));
    });
  });
}

export async function renderPngInWorker(spec: Record<string, unknown>): Promise<Buffer> {
  return (await renderInWorker({ spec, format: 'png' })) as Buffer;
}

/** A chart already drawn as SVG (a postmortem's), as PNG: what Slack shows as an image in a canvas. */
export async function svgToPngInWorker(svg: string): Promise<Buffer> {
  return (await renderInWorker({ svg, format: 'png' })) as Buffer;
}

export async function renderSvgInWorker(spec: Record<string, unknown>): Promise<string> {
  return (await renderInWorker({ spec, format: 'svg' })) as string;
}
